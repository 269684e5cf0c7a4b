/**
 * The ETL pipeline's stage order, in one place: extract -> transform -> load. A stage hands its
 * output to the next one through {@link enqueueNext}, which parses the payload with the next
 * queue's schema and gives the job its deterministic id. Processors take (payload, deps, context)
 * and never see a BullMQ Job: `worker-factory.ts` maps the context onto the job's log, progress
 * and data, and tests pass a plain object.
 */
import { UnrecoverableError } from 'bullmq';
import { enqueue } from '../shared/bull.js';
import { jobIds, type Payload, type RunRef } from '../shared/queues.js';
import { failRunIfGoing, getRun, markFailed, type RunRow } from '../shared/runs.js';
import { deleteRunSpills, purgeSpills } from '../shared/spill.js';
import type { WorkerDeps } from './deps.js';

export const STAGES = ['extract', 'transform', 'load'] as const;
export type Stage = (typeof STAGES)[number];

/** The stage each stage feeds. */
export const NEXT_STAGE = { extract: 'transform', transform: 'load' } as const satisfies Partial<
  Record<Stage, Stage>
>;
type Feeding = keyof typeof NEXT_STAGE;

/** What a processor may know of and do to the job it runs as. */
export interface StepContext {
  jobId: string;
  /** Attempts already made before this one (0 on the first), and attempts allowed. */
  attemptsMade: number;
  attempts: number;
  /** When the job was due: its creation time plus its delay (a scheduled run's date). */
  dueAt: Date;
  /** The job's current data (a checkpoint written by an earlier attempt shows here). */
  data: unknown;
  signal?: AbortSignal;
  log(line: string): Promise<void>;
  progress(value: object): Promise<void>;
  /** Replaces the job's data, so that the next attempt sees it (checkpoints). */
  saveData(data: object): Promise<void>;
}

/** True when this attempt is the job's last one: BullMQ will not retry it. */
export function isFinalAttempt(ctx: Pick<StepContext, 'attemptsMade' | 'attempts'>, err: unknown): boolean {
  return err instanceof UnrecoverableError || ctx.attemptsMade + 1 >= ctx.attempts;
}

/**
 * Enqueues the next stage's job for one batch of a run. The job id is deterministic
 * (`run<id>-<token>-<stage>-<batch>`): enqueueing the same batch twice adds one job.
 */
export async function enqueueNext<S extends Feeding>(
  deps: Pick<WorkerDeps, 'queues'>,
  from: S,
  run: RunRef,
  batch: string,
  payload: Payload<(typeof NEXT_STAGE)[S]>,
): Promise<void> {
  const next = NEXT_STAGE[from];
  const jobId = next === 'transform' ? jobIds.transform(run, batch) : jobIds.load(run, batch);
  await enqueue(deps.queues, next, payload as Payload<typeof next>, { jobId });
}

/**
 * After the step that published a run: its spilled objects are no longer needed, nor those of
 * runs failed over a day ago. Best effort: a failure here is logged, the run stays published and
 * the next publication's purge tries again.
 */
export async function afterPublish(
  deps: WorkerDeps,
  runId: number,
  ctx: Pick<StepContext, 'log'>,
): Promise<void> {
  const row = await logRunEnd(deps, runId, 'run published');
  if (!row) return;
  const run: RunRef = { id: row.id, token: row.token };
  try {
    const own = await deleteRunSpills(deps.s3, deps.config, run);
    const old = await purgeSpills(deps.s3, deps.pool, deps.config);
    await ctx.log(`run ${run.id} published${own + old > 0 ? `; ${own + old} spilled objects deleted` : ''}`);
  } catch (err) {
    deps.log.warn({ runId: run.id, err: (err as Error).message }, 'could not delete spilled objects');
    await ctx.log(`run ${run.id} published; spilled objects not deleted: ${(err as Error).message}`);
  }
}

/** The one info line a worker logs when a run ends: its counts and duration. Returns the run read. */
export async function logRunEnd(
  deps: Pick<WorkerDeps, 'pool' | 'log'>,
  runId: number,
  msg: string,
): Promise<RunRow | undefined> {
  const run = await getRun(deps.pool, runId).catch(() => undefined);
  if (!run) {
    deps.log.info({ runId }, msg);
    return undefined;
  }
  const end = run.published_at ?? run.finished_at ?? new Date();
  deps.log.info(
    {
      runId,
      status: run.status,
      runDate: run.scheduled_for.toISOString().slice(0, 10),
      objects: run.objects,
      datasets: run.datasets,
      duplicates: run.duplicates,
      batches: run.batches,
      durationS: run.started_at ? Math.round((end.getTime() - run.started_at.getTime()) / 100) / 10 : null,
      ...(run.error ? { error: run.error } : {}),
    },
    msg,
  );
  return run;
}

/**
 * Fails the run for good (`final`: the step's last attempt) or only if it is still going
 * (`if-going`: BullMQ failed the job by itself, or the reconciler), and logs it once.
 */
export async function failRun(
  deps: Pick<WorkerDeps, 'pool' | 'log'>,
  runId: number,
  error: string,
  jobId: string,
  mode: 'final' | 'if-going' = 'final',
): Promise<void> {
  const changed =
    mode === 'final'
      ? await markFailed(deps.pool, runId, error, jobId)
      : await failRunIfGoing(deps.pool, runId, error, jobId);
  if (changed) await logRunEnd(deps, runId, 'run failed');
}
