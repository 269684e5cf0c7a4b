import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { QueueName } from '../shared/queues.js';
import type { WorkerDeps } from './deps.js';

export type Processor = (
  job: Job,
  token: string | undefined,
  signal: AbortSignal | undefined,
) => Promise<unknown>;

/** True when this attempt is the job's last one: BullMQ will not retry it. */
export function isFinalAttempt(job: Job, err: unknown): boolean {
  return err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
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
    lockDuration: opts.lockDuration ?? 60_000,
    autorun: true,
  });
  const log = deps.log.child({ queue });
  worker.on('failed', (job, err) => {
    log.warn({ jobId: job?.id, attemptsMade: job?.attemptsMade, err: err.message }, 'job failed');
  });
  worker.on('error', (err) => log.error({ err: err.message }, 'worker error'));
  return worker;
}
