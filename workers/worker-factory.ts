import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { QueueName } from '../shared/queues.js';
import type { WorkerDeps } from './deps.js';
import { failRun, type StepContext } from './pipeline.js';

export type Processor = (
  job: Job,
  token: string | undefined,
  signal: AbortSignal | undefined,
) => Promise<unknown>;

const ETL_QUEUES: ReadonlySet<QueueName> = new Set(['extract', 'transform', 'load']);

/** A processor's view of its BullMQ job: log, progress and data, nothing else. */
export function stepContext(job: Job, signal?: AbortSignal): StepContext {
  return {
    jobId: String(job.id),
    attemptsMade: job.attemptsMade,
    attempts: job.opts.attempts ?? 1,
    dueAt: new Date(job.timestamp + (job.opts.delay ?? 0)),
    data: job.data,
    ...(signal ? { signal } : {}),
    log: async (line) => {
      await job.log(line);
    },
    progress: (value) => job.updateProgress(value),
    saveData: (data) => job.updateData(data),
  };
}

/** The one place a BullMQ Worker is constructed: same connection, prefix and logging for every queue. */
export function createQueueWorker(
  deps: WorkerDeps,
  queue: QueueName,
  processor: Processor,
  opts: { concurrency: number; lockDuration?: number },
): Worker {
  const worker = new Worker(queue, processor, {
    connection: deps.connection,
    prefix: deps.config.QUEUE_PREFIX,
    concurrency: opts.concurrency,
    // a SIGKILLed worker's job is taken over within lockDuration + stalledInterval (30 s): the lock
    // is renewed every lockDuration / 2 while the job runs, so a live job never loses it
    lockDuration: opts.lockDuration ?? 20_000,
    stalledInterval: 10_000,
    autorun: true,
  });
  const log = deps.log.child({ queue });
  worker.on('failed', (job, err) => {
    log.warn({ jobId: job?.id, attemptsMade: job?.attemptsMade, err: err.message }, 'job failed');
    // a job BullMQ fails by itself (stalled too often: its worker was killed, or lost its lock)
    // never reached the processor's own bookkeeping: its run must still end, failed, with the reason
    if (!job || !ETL_QUEUES.has(queue)) return;
    const runId = (job.data as { runId?: unknown }).runId;
    const final =
      err instanceof UnrecoverableError ||
      /stalled/i.test(err.message) ||
      job.attemptsMade >= (job.opts.attempts ?? 1);
    if (typeof runId !== 'number' || !final) return;
    const batch = (job.data as { batch?: string }).batch;
    failRun(
      deps,
      runId,
      `${queue}${batch ? ` ${batch}` : ''}: ${err.message}`,
      String(job.id),
      'if-going',
    ).catch((e: Error) => log.error({ jobId: job.id, err: e.message }, 'could not mark the run failed'));
  });
  worker.on('error', (err) => log.error({ err: err.message }, 'worker error'));
  return worker;
}
