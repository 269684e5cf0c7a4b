import type { Command } from 'commander';

/** `dcat-quality workers`: not built yet. */
export function register(_program: Command): void {}
