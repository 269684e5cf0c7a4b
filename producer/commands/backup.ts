import type { Command } from 'commander';

/** `dcat-quality backup`: not built yet. */
export function register(_program: Command): void {}
