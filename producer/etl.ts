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
  opts: { prefix?: string; trigger: ExtractPayload['trigger']; scheduledFor?: Date },
): Promise<{ runId: number; jobId: string }> {
  const prefix = opts.prefix ?? ctx.config.DUMP_PREFIX;
  const run = await createRun(ctx.pool, {
    prefix,
    trigger: opts.trigger,
    ...(opts.scheduledFor ? { scheduledFor: opts.scheduledFor } : {}),
  });
  const jobId = jobIds.extract(run);
  await enqueue(ctx.queues, 'extract', { runId: run.id, prefix, trigger: opts.trigger }, { jobId });
  return { runId: run.id, jobId };
}

export class RunTimeoutError extends Error {}

export class NoWorkerError extends Error {}

/**
 * How long no worker has served a queue: feed it each worker count (undefined: Redis did not
 * say); it answers true once the count has been 0 for `ms`. Shared by every `--wait`.
 */
export function noWorkerFor(ms: number): (count: number | undefined) => boolean {
  let since: number | undefined;
  return (count) => {
    if (count === 0) {
      since ??= Date.now();
      return Date.now() - since >= ms;
    }
    if (count !== undefined) since = undefined;
    return false;
  };
}

/** The stage a run is waiting on, for the "is any worker there?" check. */
export function waitingStage(run: RunRow): 'extract' | 'transform' | 'load' {
  if (run.status === 'queued' || run.extract_finished_at === null) return 'extract';
  return 'transform';
}

/**
 * Polls etl_runs until the run is published or failed (or the timeout passes). It follows the
 * run, not the connection: a failing poll (PostgreSQL restarting) is reported through `onProblem`
 * and tried again until the deadline. With `workers`, it fails with a NoWorkerError when no worker
 * has served the stage the run waits on for `noWorkerMs` (default 10 s).
 */
export async function waitForRun(
  pool: Pool,
  runId: number,
  opts: {
    timeoutMs?: number;
    onProgress?: (run: RunRow) => void;
    onProblem?: (message: string) => void;
    intervalMs?: number;
    workers?: (stage: 'extract' | 'transform' | 'load') => Promise<number>;
    noWorkerMs?: number;
  } = {},
): Promise<RunRow> {
  const deadline = Date.now() + (opts.timeoutMs ?? Number.POSITIVE_INFINITY);
  const lonely = noWorkerFor(opts.noWorkerMs ?? 10_000);
  let lastWorkerCheck = 0;
  for (;;) {
    let run: RunRow | undefined;
    let readFailed = false;
    try {
      run = await getRun(pool, runId);
    } catch (err) {
      readFailed = true;
      opts.onProblem?.(`cannot read run ${runId} (${(err as Error).message}): retrying`);
    }
    if (run === undefined && !readFailed) throw new Error(`run ${runId} does not exist`);
    if (run) {
      opts.onProgress?.(run);
      if (run.status === 'published' || run.status === 'failed') return run;
      if (opts.workers && Date.now() - lastWorkerCheck >= 1_000) {
        lastWorkerCheck = Date.now();
        const stage = waitingStage(run);
        if (lonely(await opts.workers(stage).catch(() => undefined))) {
          throw new NoWorkerError(
            `run ${runId} is ${run.status} but no worker serves the ${stage} queue: start one with \`dcat-quality workers\` (the run goes on once one does)`,
          );
        }
      }
    }
    if (Date.now() > deadline)
      throw new RunTimeoutError(
        `run ${runId} still ${run?.status ?? 'unknown'} after ${Math.round((opts.timeoutMs ?? 0) / 1000)} s`,
      );
    await sleep(opts.intervalMs ?? 200);
  }
}
