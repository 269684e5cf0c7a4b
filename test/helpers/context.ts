import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { Redis } from 'ioredis';
import pg from 'pg';
import { S3Client } from '@aws-sdk/client-s3';
import { parseConfig, type Config } from '../../shared/config.js';
import { createS3, ensureBucket } from '../../shared/s3.js';
import { startEmbeddedS3, type EmbeddedS3 } from '../../tools/embedded-s3.js';
import { createPool, type Pool } from '../../shared/db.js';
import { migrate } from '../../shared/migrate.js';
import type { Queues } from '../../shared/bull.js';
import { jobQueue } from '../../shared/queues.js';
import type { RunRow } from '../../shared/runs.js';
import { enqueueRun, waitForRun } from '../../producer/etl.js';
import { QueueEvents, type ConnectionOptions } from 'bullmq';

/**
 * An isolated world for one integration test file: its own PostgreSQL database, its own
 * queue prefix in Redis and its own S3 bucket (on an in-process s3rver unless S3_ENDPOINT is set).
 */
export interface TestContext {
  config: Config;
  pool: Pool;
  s3: S3Client;
  redis: Redis;
  /** Drops the database, deletes the queue keys, stops the embedded S3. */
  cleanup(): Promise<void>;
}

export async function createTestContext(
  overrides: Partial<Record<keyof Config, string>> = {},
): Promise<TestContext> {
  const id = randomBytes(4).toString('hex');
  const adminUrl = inject('databaseUrl');
  const dbName = `dq_test_${id}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${dbName}`;

  let embedded: EmbeddedS3 | undefined;
  let s3Env: Record<string, string>;
  if (process.env.S3_ENDPOINT) {
    s3Env = {
      S3_ENDPOINT: process.env.S3_ENDPOINT,
      S3_ACCESS_KEY_ID: process.env.S3_ACCESS_KEY_ID ?? '',
      S3_SECRET_ACCESS_KEY: process.env.S3_SECRET_ACCESS_KEY ?? '',
    };
  } else {
    embedded = await startEmbeddedS3();
    s3Env = {
      S3_ENDPOINT: embedded.endpoint,
      S3_ACCESS_KEY_ID: embedded.accessKeyId,
      S3_SECRET_ACCESS_KEY: embedded.secretAccessKey,
    };
  }
  const prefix = `dqtest-${id}`;
  const config = parseConfig({
    REDIS_URL: inject('redisUrl'),
    DATABASE_URL: dbUrl.toString(),
    QUEUE_PREFIX: prefix,
    S3_BUCKET: `test-${id}`,
    S3_FORCE_PATH_STYLE: 'true',
    LOG_LEVEL: 'silent',
    ...s3Env,
    ...overrides,
  });
  const pool = createPool(config.DATABASE_URL);
  await migrate(pool);
  const s3 = createS3(config);
  await ensureBucket(s3, config.S3_BUCKET);
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });

  return {
    config,
    pool,
    s3,
    redis,
    async cleanup() {
      await pool.end();
      s3.destroy();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      redis.disconnect();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await a.end();
      await embedded?.close();
    },
  };
}

/** The environment a child process needs to reach this test's services (its whole configuration). */
export function configEnv(config: Config, overrides: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) env[key] = String(value);
  return { ...env, ...overrides };
}

/** Retries a failed job of the pipeline, as the board's Retry button does, and waits for it to end. */
export async function retryFailedStep(
  deps: { queues: Queues; connection: ConnectionOptions; config: Pick<Config, 'QUEUE_PREFIX'> },
  jobId: string,
): Promise<void> {
  const queue = jobQueue(jobId)!;
  const job = await deps.queues[queue].getJob(jobId);
  if (!job || (await job.getState()) !== 'failed') throw new Error(`job ${jobId} is not failed`);
  const events = new QueueEvents(queue, { connection: deps.connection, prefix: deps.config.QUEUE_PREFIX });
  await events.waitUntilReady();
  try {
    await job.retry();
    await job.waitUntilFinished(events, 60_000);
  } finally {
    await events.close();
  }
}

/** Enqueues a run of the dump under `prefix` and waits until it is published or failed. */
export async function runDumpToEnd(
  deps: { config: Config; pool: Pool; queues: Queues },
  pool: Pool,
  prefix: string,
): Promise<RunRow> {
  const { runId } = await enqueueRun(deps, { prefix, trigger: 'test' });
  return waitForRun(pool, runId, { timeoutMs: 120_000, intervalMs: 50 });
}
