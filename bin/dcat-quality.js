#!/usr/bin/env node
// Runs the compiled CLI (npm ci builds it through `prepare`; `npm run build` rebuilds it).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The AWS SDK's notice that its 2027 releases need Node 22 is 8 lines on every command under Node 20:
// say it in one line (the container image already runs Node 22).
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name === 'NodeVersionSupportWarning') {
    if (!process.env.DCAT_QUALITY_QUIET_NODE_NOTICE) {
      console.error(`note: ${process.version}: AWS SDK releases from 2027 need Node.js >= 22`);
      process.env.DCAT_QUALITY_QUIET_NODE_NOTICE = '1';
    }
    return;
  }
  console.error(`${warning.name}: ${warning.message}`);
});

const compiled = new URL('../dist/producer/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(compiled))) {
  console.error('dcat-quality is not built yet: run `npm run build` (npm ci does it for you).');
  process.exit(2);
}
await import(compiled.href);
