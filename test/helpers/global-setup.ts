import { execFileSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { Redis } from 'ioredis';
import pg from 'pg';

/**
 * Finds Redis and PostgreSQL for the integration tests, in this order:
 * 1. REDIS_URL / DATABASE_URL when set;
 * 2. containers started with testcontainers when a Docker engine answers;
 * 3. the default local services (127.0.0.1:6379, postgres@127.0.0.1:5432) when they answer;
 * else it fails, saying what is missing and how to provide it.
 * S3 needs nothing here: each test file starts an in-process s3rver unless S3_ENDPOINT is set.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    databaseUrl: string;
  }
}

const LOCAL_REDIS = 'redis://127.0.0.1:6379';
const LOCAL_PG = 'postgres://postgres@127.0.0.1:5432/postgres';

async function redisAnswers(url: string): Promise<boolean> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

async function pgAnswers(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

function dockerAnswers(): boolean {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'pipe', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

export default async function setup(project: TestProject) {
  const stops: (() => Promise<unknown>)[] = [];
  let redisUrl = process.env.REDIS_URL;
  let databaseUrl = process.env.DATABASE_URL;
  const docker = (!redisUrl || !databaseUrl) && dockerAnswers();

  if (!redisUrl && docker) {
    const { RedisContainer } = await import('@testcontainers/redis');
    const c = await new RedisContainer('redis:7-alpine').start();
    stops.push(() => c.stop());
    redisUrl = c.getConnectionUrl();
  }
  if (!databaseUrl && docker) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const c = await new PostgreSqlContainer('postgres:15-alpine').start();
    stops.push(() => c.stop());
    databaseUrl = c.getConnectionUri();
  }
  if (!redisUrl && (await redisAnswers(LOCAL_REDIS))) redisUrl = LOCAL_REDIS;
  if (!databaseUrl && (await pgAnswers(LOCAL_PG))) databaseUrl = LOCAL_PG;

  const missing: string[] = [];
  if (!redisUrl) missing.push('Redis (set REDIS_URL, or run one on 127.0.0.1:6379)');
  if (!databaseUrl)
    missing.push('PostgreSQL (set DATABASE_URL, or run one on 127.0.0.1:5432 with trust auth)');
  if (missing.length > 0) {
    throw new Error(
      `The integration tests need real services and found none for: ${missing.join('; ')}. ` +
        'No Docker engine answered either, so testcontainers could not start them. ' +
        'Quick start: `docker compose up -d redis postgres`, or `sudo apt-get install redis-server postgresql`.',
    );
  }
  if (!(await redisAnswers(redisUrl!))) throw new Error(`Redis does not answer at REDIS_URL=${redisUrl}`);
  if (!(await pgAnswers(databaseUrl!))) throw new Error(`PostgreSQL does not answer at DATABASE_URL`);

  project.provide('redisUrl', redisUrl!);
  project.provide('databaseUrl', databaseUrl!);
  return async () => {
    for (const stop of stops) await stop();
  };
}
