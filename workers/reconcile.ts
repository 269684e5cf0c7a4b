/**
 * A run always ends. Runs whose jobs are gone from Redis (never enqueued after a crash, removed,
 * or lost by a Redis restart without persistence) would otherwise stay queued or running forever;
 * the reconciler compares the runs still going with their jobs and fails the orphans, saying why.
 * Jobs BullMQ fails by itself (stalled) are handled where they fail (worker-factory.ts).
 */
import type { Pool } from '../shared/db.js';
import { jobIds } from '../shared/queues.js';
import type { RunRow } from '../shared/runs.js';
import { failRun } from './pipeline.js';
import type { WorkerDeps } from './deps.js';

/** States in which a job still stands for work to come (failed jobs can be retried from the board). */
const ALIVE = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed'] as const;

export interface ReconcileOptions {
  /** A queued run younger than this may still be on its way into Redis. */
  queuedGraceMs?: number;
  /** A running run must have shown no job for this long (two looks) before it is failed. */
  lostGraceMs?: number;
}

async function runsGoing(
  pool: Pool,
): Promise<Pick<RunRow, 'id' | 'token' | 'status' | 'created_at' | 'extract_finished_at' | 'job_key'>[]> {
  const { rows } = await pool.query<
    Pick<RunRow, 'id' | 'token' | 'status' | 'created_at' | 'extract_finished_at' | 'job_key'>
  >(
    `SELECT id, token, status, created_at, extract_finished_at, job_key FROM etl_runs
     WHERE status IN ('queued', 'running') ORDER BY id`,
  );
  return rows;
}

/** Ids of the jobs of a run still waiting, running or retryable in the transform and load queues. */
async function pendingBatchJobs(deps: Pick<WorkerDeps, 'queues'>): Promise<string[]> {
  const [t, l] = await Promise.all([
    deps.queues.transform.getJobs([...ALIVE]),
    deps.queues.load.getJobs([...ALIVE]),
  ]);
  return [...t, ...l].map((j) => String(j.id));
}

/**
 * One look: fails queued runs without their extract job, and running runs none of whose jobs is
 * left (seen on two looks `lostGraceMs` apart: `suspects` carries the first look). Returns the runs
 * it failed.
 */
export async function reconcileRuns(
  deps: Pick<WorkerDeps, 'pool' | 'queues' | 'log'>,
  suspects: Map<number, number>,
  opts: ReconcileOptions = {},
): Promise<number[]> {
  const queuedGrace = opts.queuedGraceMs ?? 120_000;
  const lostGrace = opts.lostGraceMs ?? 60_000;
  const failed: number[] = [];
  const runs = await runsGoing(deps.pool);
  if (runs.length === 0) {
    suspects.clear();
    return failed;
  }
  const batchJobs = await pendingBatchJobs(deps);
  const now = Date.now();
  for (const run of runs) {
    const extractId = run.job_key ?? jobIds.extract(run);
    const extract = await deps.queues.extract.getJob(extractId);
    const extractState = extract ? await extract.getState() : undefined;
    const extractAlive =
      extractState !== undefined && extractState !== 'completed' && extractState !== 'unknown';
    if (run.status === 'queued') {
      if (!extract && now - run.created_at.getTime() > queuedGrace) {
        await failRun(
          deps,
          run.id,
          `run ${run.id} was queued but its extract job ${extractId} is not in Redis (never enqueued, or Redis lost its data): enqueue a new run`,
          extractId,
          'if-going',
        );
        failed.push(run.id);
      }
      continue;
    }
    const prefix = `run${run.id}-${run.token}-`;
    const alive = extractAlive || batchJobs.some((id) => id.startsWith(prefix));
    if (alive) {
      suspects.delete(run.id);
      continue;
    }
    const since = suspects.get(run.id);
    if (since === undefined) {
      suspects.set(run.id, now);
    } else if (now - since >= lostGrace) {
      suspects.delete(run.id);
      await failRun(
        deps,
        run.id,
        `run ${run.id} has no job left in Redis (${run.extract_finished_at ? 'batches' : 'its extract'} lost: a Redis restart without persistence, or jobs removed by hand): enqueue a new run`,
        extractId,
        'if-going',
      );
      failed.push(run.id);
    }
  }
  return failed;
}

/** Looks every `everyMs` (default 30 s) until stopped. */
export function startReconciler(deps: WorkerDeps, everyMs = 30_000): { stop(): void } {
  const suspects = new Map<number, number>();
  const timer = setInterval(() => {
    reconcileRuns(deps, suspects).then(
      (failed) => {
        for (const id of failed)
          deps.log.warn({ runId: id }, `run ${id} failed: its jobs are gone from Redis`);
      },
      (err: Error) => deps.log.warn({ err: err.message }, 'run reconciler: could not look'),
    );
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
