import type { Command } from 'commander';

/** `dcat-quality bench`: not built yet. */
export function register(_program: Command): void {}
