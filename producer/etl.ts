import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../shared/config.js';
import type { Queues } from '../shared/bull.js';
import { enqueue } from '../shared/bull.js';
import type { Pool } from '../shared/db.js';
import { jobIds, type ExtractPayload } from '../shared/queues.js';
import { createRun, getRun, type RunRow } from '../shared/runs.js';

/** Creates a queued run in etl_runs and enqueues its extract job; returns the run id. */
export async function enqueueRun(
  ctx: { config: Config; pool: Pool; queues: Queues },
  opts: { prefix?: string; trigger: ExtractPayload['trigger'] },
): Promise<{ runId: number; jobId: string }> {
  const prefix = opts.prefix ?? ctx.config.DUMP_PREFIX;
  const run = await createRun(ctx.pool, { prefix, trigger: opts.trigger });
  const jobId = jobIds.extract(run);
  await enqueue(ctx.queues, 'extract', { runId: run.id, prefix, trigger: opts.trigger }, { jobId });
  return { runId: run.id, jobId };
}

export class RunTimeoutError extends Error {}

/** Polls etl_runs until the run is published or failed (or the timeout passes). */
export async function waitForRun(
  pool: Pool,
  runId: number,
  opts: { timeoutMs?: number; onProgress?: (run: RunRow) => void; intervalMs?: number } = {},
): Promise<RunRow> {
  const deadline = Date.now() + (opts.timeoutMs ?? Number.POSITIVE_INFINITY);
  for (;;) {
    const run = await getRun(pool, runId);
    if (!run) throw new Error(`run ${runId} does not exist`);
    opts.onProgress?.(run);
    if (run.status === 'published' || run.status === 'failed') return run;
    if (Date.now() > deadline)
      throw new RunTimeoutError(`run ${runId} still ${run.status} after ${opts.timeoutMs} ms`);
    await sleep(opts.intervalMs ?? 200);
  }
}
