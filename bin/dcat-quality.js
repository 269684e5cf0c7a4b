#!/usr/bin/env node
// Runs the compiled CLI (npm ci builds it through `prepare`; `npm run build` rebuilds it).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Worker processes run with a heap cap, so that they stay within their memory budget (256 MB RSS)
// however they are started: V8 otherwise lets an idle-collected heap grow far past what the jobs
// hold. The process starts itself again with the cap, unless a heap size is already set (node
// flags or NODE_OPTIONS, e.g. by the Helm chart) or DCAT_QUALITY_HEAP_MB=0.
const HEAP_FLAG = /--max-old-space-size/;
const heapMb = Number(process.env.DCAT_QUALITY_HEAP_MB ?? 192);
// the young generation (3 x the semi-space) dominates RSS: 32 MB semi-spaces save the transform
// workers a fifth of their CPU; an extract-only process, whose live heap is small even when it
// streams one huge object (about 40 MB), keeps RSS under budget with 16 MB ones
const queuesAt = process.argv.indexOf('--queues');
const queues =
  queuesAt > 0 ? process.argv[queuesAt + 1] : process.argv.find((a) => a.startsWith('--queues='))?.slice(9);
const semiSpaceMb = queues?.trim() === 'extract' ? 16 : 32;
if (
  process.argv[2] === 'workers' &&
  heapMb > 0 &&
  !process.execArgv.some((a) => HEAP_FLAG.test(a)) &&
  !HEAP_FLAG.test(process.env.NODE_OPTIONS ?? '')
) {
  const child = spawn(
    process.execPath,
    [
      ...process.execArgv,
      `--max-old-space-size=${heapMb}`,
      `--max-semi-space-size=${semiSpaceMb}`,
      ...process.argv.slice(1),
    ],
    { stdio: 'inherit' },
  );
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
