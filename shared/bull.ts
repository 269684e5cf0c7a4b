import { Queue, type JobsOptions, type ConnectionOptions } from 'bullmq';
import type { Config } from './config.js';
import { JOB_OPTIONS, PAYLOADS, QUEUE_NAMES, type Payload, type QueueName } from './queues.js';

export type Queues = { [Q in QueueName]: Queue };

/** One BullMQ Queue per name, sharing a connection, with the per-queue default job options. */
export function createQueues(config: Pick<Config, 'QUEUE_PREFIX'>, connection: ConnectionOptions): Queues {
  const entries = QUEUE_NAMES.map(
    (name) =>
      [
        name,
        new Queue(name, { connection, prefix: config.QUEUE_PREFIX, defaultJobOptions: JOB_OPTIONS[name] }),
      ] as const,
  );
  return Object.fromEntries(entries) as Queues;
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((q) => q.close()));
}

/** Parses the payload with the queue's schema, then adds it (job name = queue name). */
export async function enqueue<Q extends QueueName>(
  queues: Queues,
  queue: Q,
  payload: Payload<Q>,
  opts: JobsOptions = {},
) {
  const data = PAYLOADS[queue].parse(payload);
  return queues[queue].add(queue, data, opts);
}
