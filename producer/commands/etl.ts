import type { Command } from 'commander';

/** `dcat-quality etl`: not built yet. */
export function register(_program: Command): void {}
