import type { Command } from 'commander';

/** `dcat-quality gen`: not built yet. */
export function register(_program: Command): void {}
