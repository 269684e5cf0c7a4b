import type { Worker } from 'bullmq';
import type { Config } from '../shared/config.js';
import { createQueues, closeQueues } from '../shared/bull.js';
import { createPool } from '../shared/db.js';
import { migrate } from '../shared/migrate.js';
import { logger } from '../shared/logger.js';
import { QUEUE_NAMES, type QueueName } from '../shared/queues.js';
import { checkRedisPolicy, createRedis } from '../shared/redis.js';
import { createS3 } from '../shared/s3.js';
import type { WorkerDeps } from './deps.js';
import { startReconciler } from './reconcile.js';
import { createExtractWorker } from './extract/worker.js';
import { createTransformWorker } from './transform/worker.js';
import { createLoadWorker } from './load/worker.js';
import { createBackupWorker } from './backup/worker.js';
import { createRestoreWorker } from './restore/worker.js';

/** Each role (queue) and the function that starts its worker: a role without one fails at start-up. */
const ROLES: Record<QueueName, (deps: WorkerDeps) => Worker> = {
  extract: createExtractWorker,
  transform: createTransformWorker,
  load: createLoadWorker,
  backup: createBackupWorker,
  restore: createRestoreWorker,
};

/** Parses `--queues extract,transform` (empty: every queue). */
export function parseRoles(list: string | undefined): QueueName[] {
  if (!list) return [...QUEUE_NAMES];
  const roles = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = roles.filter((r) => !(QUEUE_NAMES as readonly string[]).includes(r));
  if (unknown.length > 0) {
    throw new Error(`unknown queue(s) ${unknown.join(', ')}: expected some of ${QUEUE_NAMES.join(', ')}`);
  }
  return [...new Set(roles)] as QueueName[];
}

/** Connections and clients shared by the workers of one process; migrates the database once. */
export async function buildWorkerDeps(
  config: Config,
  hooks?: WorkerDeps['hooks'],
): Promise<WorkerDeps & { close(): Promise<void> }> {
  const connection = createRedis(config.REDIS_URL, 'worker');
  const queueConnection = createRedis(config.REDIS_URL, 'worker');
  const pool = createPool(config.DATABASE_URL, config.LOAD_CONCURRENCY + config.TRANSFORM_CONCURRENCY + 2);
  await migrate(pool);
  const queues = createQueues(config, queueConnection);
  const s3 = createS3(config);
  const log = logger().child({ component: 'workers' });
  log.level = config.LOG_LEVEL;
  for (const warning of await checkRedisPolicy(queueConnection)) log.warn(warning);
  // a Redis blip is reported once per second at most, on the log, never as raw stack traces
  let lastRedisError = 0;
  const onRedisError = (err: Error) => {
    if (Date.now() - lastRedisError < 1_000) return;
    lastRedisError = Date.now();
    log.warn({ err: err.message }, `Redis connection error (REDIS_URL): ${err.message}; reconnecting`);
  };
  connection.on('error', onRedisError);
  queueConnection.on('error', onRedisError);
  for (const q of Object.values(queues)) q.on('error', onRedisError);
  return {
    config,
    connection,
    queues,
    pool,
    s3,
    log,
    hooks,
    async close() {
      await closeQueues(queues);
      await pool.end();
      s3.destroy();
      connection.disconnect();
      queueConnection.disconnect();
    },
  };
}

/** Starts one worker per role; `close()` lets running jobs finish, then stops. */
export async function startWorkers(
  deps: WorkerDeps,
  roles: QueueName[],
): Promise<{ close(force?: boolean): Promise<void> }> {
  // one stop signal per start: workers started again on the same deps wait normally
  const shutdown = new AbortController();
  deps.shutdown = shutdown;
  const workers = roles.map((role) => ROLES[role](deps));
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  // the process that runs extract also looks for runs whose jobs are gone
  const reconciler = roles.includes('extract') ? startReconciler(deps) : undefined;
  deps.log.info({ roles }, 'workers started');
  return {
    /** `force`: do not wait for running jobs (BullMQ's forced close; they stay retryable). */
    async close(force = false) {
      reconciler?.stop();
      // a job waiting for room (extract's backpressure) gives up now instead of holding SIGTERM
      shutdown.abort();
      await Promise.all(workers.map((w) => w.close(force)));
      deps.log.info({ roles }, 'workers stopped');
    },
  };
}
