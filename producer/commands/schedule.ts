import type { Command } from 'commander';

/** `dcat-quality schedule`: not built yet. */
export function register(_program: Command): void {}
