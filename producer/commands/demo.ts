import type { Command } from 'commander';

/** `dcat-quality demo`: not built yet. */
export function register(_program: Command): void {}
