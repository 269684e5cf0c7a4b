#!/usr/bin/env node
// Runs the compiled CLI (npm ci builds it through `prepare`; `npm run build` rebuilds it).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = new URL('../dist/producer/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(compiled))) {
  console.error('dcat-quality is not built yet: run `npm run build` (npm ci does it for you).');
  process.exit(2);
}
await import(compiled.href);
