#!/usr/bin/env node
// Runs the compiled CLI (npm ci builds it through `prepare`; `npm run build` rebuilds it).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { workerNodeFlags } from './node-flags.js';

// Worker processes run with a heap cap, so that they stay within their memory budget (256 MB RSS)
// however they are started: V8 otherwise lets an idle-collected heap grow far past what the jobs
// hold. The process starts itself again with the cap (see node-flags.js), unless a heap size is
// already set (node flags or NODE_OPTIONS, e.g. by the Helm chart) or DCAT_QUALITY_HEAP_MB=0.
const flags = workerNodeFlags(process.argv, process.execArgv, process.env);
if (flags) {
  const child = spawn(process.execPath, [...process.execArgv, ...flags, ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  const compiled = new URL('../dist/producer/cli.js', import.meta.url);
  if (!existsSync(fileURLToPath(compiled))) {
    console.error('dcat-quality is not built yet: run `npm run build` (npm ci does it for you).');
    process.exit(2);
  }
  const { quietNodeVersionNotice } = await import(
    new URL('../dist/shared/node-notice.js', import.meta.url).href
  );
  quietNodeVersionNotice();
  await import(compiled.href);
}
