import type { Command } from 'commander';

/** `dcat-quality board`: not built yet. */
export function register(_program: Command): void {}
