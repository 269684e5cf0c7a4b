import type { Job } from 'bullmq';
import { createRedis } from '../shared/redis.js';
import type { WorkerDeps } from './deps.js';
import { backupLockKey, withLock } from '../shared/backup/lock.js';
import type { RunContext } from '../shared/backup/types.js';

/**
 * Runs `fn` holding the backup/restore lock shared by both queues and every worker process:
 * a backup never overlaps a restore (or another backup). A job waiting for the lock stays
 * active (BullMQ keeps renewing its job lock) and says so in its log.
 */
export async function exclusive<T>(
  deps: WorkerDeps,
  job: Job,
  signal: AbortSignal | undefined,
  fn: (ctx: RunContext) => Promise<T>,
): Promise<T> {
  const log = deps.log.child({ queue: job.queueName, jobId: job.id });
  // commands must fail (not queue forever) when Redis goes away: the lock is then given up
  const redis = createRedis(deps.config.REDIS_URL, 'worker', { maxRetriesPerRequest: 2 });
  redis.on('error', (err: Error) => log.warn({ err: err.message }, 'backup lock connection'));
  const jobLog = (line: string) => {
    log.info(line);
    job.log(line).catch(() => undefined);
  };
  try {
    return await withLock(
      redis,
      backupLockKey(deps.config.QUEUE_PREFIX),
      `${job.queueName} job ${job.id}`,
      {
        ...(signal ? { signal } : {}),
        onWait: (holder) => jobLog(`waiting: ${holder} is running (one backup or restore at a time)`),
      },
      (lockSignal) =>
        fn({
          signal: lockSignal,
          log: jobLog,
          progress: (p) => {
            job.updateProgress(p).catch(() => undefined);
          },
        }),
    );
  } finally {
    redis.disconnect();
  }
}
