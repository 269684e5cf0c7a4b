import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, QueueEvents, UnrecoverableError, Worker, type Job } from 'bullmq';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { createTestContext, type TestContext } from './helpers/context.js';
import { closeQueues, createQueues, type Queues } from '../shared/bull.js';
import { createRedis } from '../shared/redis.js';
import { createDatabase, createPool, dropDatabase } from '../shared/db.js';
import { parseConfig, type Config } from '../shared/config.js';
import { buildApp, type BoardAppOptions } from '../board/app.js';
import { BoardAuthConfigError } from '../board/auth.js';
import { startBoard } from '../board/server.js';
import { pino } from 'pino';

const USER = 'operator';
const PASSWORD = 'correct horse battery staple';
const TOKEN = 'b0ard-t0ken-for-tests-0123456789';
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const AUTH = { authorization: basic(USER, PASSWORD) };

let ctx: TestContext;
let redis: Redis;
let queues: Queues;
const apps: FastifyInstance[] = [];

async function app(
  overrides: Partial<BoardAppOptions> = {},
  config: Config = ctx.config,
): Promise<FastifyInstance> {
  const a = await buildApp({ config, pool: ctx.pool, redis, queues, s3: ctx.s3, ...overrides });
  apps.push(a);
  return a;
}

/** A job that fails at once in `queue`, by a worker closed right after (the job stays failed). */
async function failedJob(queue: Queue, data: Record<string, unknown>, jobId: string): Promise<Job> {
  const [eventsConnection, workerConnection] = [ctx.redis.duplicate(), ctx.redis.duplicate()];
  const events = new QueueEvents(queue.name, {
    connection: eventsConnection,
    prefix: ctx.config.QUEUE_PREFIX,
  });
  await events.waitUntilReady();
  const failed = new Promise<void>((resolve) =>
    events.on('failed', ({ jobId: id }) => {
      if (id === jobId) resolve();
    }),
  );
  const job = await queue.add(queue.name, data, { jobId, attempts: 1 });
  const worker = new Worker(
    queue.name,
    async (j) => {
      await j.log(`connecting with Bearer abc.def.ghi to postgres://loader:pg-secret@db:5432/dq`);
      throw new UnrecoverableError('injected failure (password=hunter2)');
    },
    { connection: workerConnection, prefix: ctx.config.QUEUE_PREFIX },
  );
  await failed;
  await worker.close();
  await events.close();
  eventsConnection.disconnect();
  workerConnection.disconnect();
  return job;
}

beforeAll(async () => {
  ctx = await createTestContext({ BOARD_USER: USER, BOARD_PASSWORD: PASSWORD, BOARD_TOKEN: TOKEN });
  redis = createRedis(ctx.config.REDIS_URL, 'producer');
  await redis.connect();
  queues = createQueues(ctx.config, redis);
});

afterAll(async () => {
  for (const a of apps) await a.close();
  await closeQueues(queues);
  redis.disconnect();
  await ctx.cleanup();
});

describe('authentication', () => {
  it('refuses without credentials, with a challenge and no secret in the body', async () => {
    const a = await app();
    for (const url of ['/board/', '/board/api/queues', '/api/runs', '/metrics', '/no-such-route']) {
      const res = await a.inject({ url });
      expect(res.statusCode, url).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
      expect(res.body).not.toContain(PASSWORD);
      expect(res.body).not.toContain(TOKEN);
      expect(res.json()).toMatchObject({ statusCode: 401, message: 'authentication required' });
    }
  });

  it('lets basic auth and the bearer token in', async () => {
    const a = await app();
    const page = await a.inject({ url: '/board/', headers: AUTH });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('<base href="/board/"');
    const api = await a.inject({ url: '/board/api/queues', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(api.statusCode).toBe(200);
    expect(
      api
        .json<{ queues: { name: string }[] }>()
        .queues.map((q) => q.name)
        .sort(),
    ).toEqual(['backup', 'extract', 'load', 'restore', 'transform']);
    const root = await a.inject({ url: '/', headers: AUTH });
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/board/');
  });

  it('rejects a wrong password, a wrong user, a wrong token and garbage', async () => {
    const a = await app();
    for (const authorization of [
      basic(USER, 'wrong'),
      basic('root', PASSWORD),
      basic(USER, `${PASSWORD}x`),
      `Bearer ${TOKEN.slice(0, -1)}`,
      'Basic !!!not-base64',
      'Digest whatever',
    ]) {
      const res = await a.inject({ url: '/board/api/queues', headers: { authorization } });
      expect(res.statusCode, authorization).toBe(401);
    }
  });

  it('answers 429 after 10 failed logins from one IP, even to the right password, and only for that IP', async () => {
    const a = await app();
    const attacker = '203.0.113.7';
    for (let i = 0; i < 10; i++) {
      const res = await a.inject({
        url: '/api/runs',
        remoteAddress: attacker,
        headers: { authorization: basic(USER, `guess${i}`) },
      });
      expect(res.statusCode).toBe(401);
    }
    const blocked = await a.inject({ url: '/api/runs', remoteAddress: attacker, headers: AUTH });
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.json()).toMatchObject({ statusCode: 429 });
    const other = await a.inject({ url: '/api/runs', remoteAddress: '198.51.100.1', headers: AUTH });
    expect(other.statusCode).toBe(200);
    // requests without credentials are not failed logins
    for (let i = 0; i < 12; i++) {
      expect((await a.inject({ url: '/api/runs', remoteAddress: '198.51.100.2' })).statusCode).toBe(401);
    }
    expect(
      (await a.inject({ url: '/api/runs', remoteAddress: '198.51.100.2', headers: AUTH })).statusCode,
    ).toBe(200);
  });

  it('refuses to start without credentials unless insecureDev', async () => {
    const bare = parseConfig({ ...envOf(ctx.config), BOARD_USER: '', BOARD_PASSWORD: '', BOARD_TOKEN: '' });
    await expect(app({}, bare)).rejects.toThrow(BoardAuthConfigError);
    await expect(app({}, bare)).rejects.toThrow(/--insecure-dev/);
    const half = parseConfig({
      ...envOf(ctx.config),
      BOARD_USER: 'someone',
      BOARD_PASSWORD: '',
      BOARD_TOKEN: TOKEN,
    });
    await expect(app({}, half)).rejects.toThrow(/BOARD_USER and BOARD_PASSWORD go together/);
    const dev = await app({ insecureDev: true }, bare);
    expect((await dev.inject({ url: '/board/api/queues' })).statusCode).toBe(200);
    // credentials, when configured, are enforced even with insecureDev
    const devWithCreds = await app({ insecureDev: true });
    expect((await devWithCreds.inject({ url: '/board/api/queues' })).statusCode).toBe(401);
    // a token alone is enough
    const tokenOnly = await app(
      {},
      parseConfig({ ...envOf(ctx.config), BOARD_USER: '', BOARD_PASSWORD: '', BOARD_TOKEN: TOKEN }),
    );
    const res = await tokenOnly.inject({ url: '/api/runs' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(
      (await tokenOnly.inject({ url: '/api/runs', headers: { authorization: `Bearer ${TOKEN}` } }))
        .statusCode,
    ).toBe(200);
  });

  it('sends security headers, with a CSP that lets the UI run', async () => {
    const a = await app();
    const res = await a.inject({ url: '/board/', headers: AUTH });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBeDefined();
  });
});

function envOf(config: Config): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, String(v)]));
}

describe('Bull Board', () => {
  it('retries a failed job; read-only mode refuses every write (403) and says so to the UI', async () => {
    const job = await failedJob(
      queues.load,
      { runId: 7, batch: 'o0c0', datasets: 0, copy: '', notes: {} },
      'run7-load-o0c0',
    );
    const ro = await app({ readOnly: true });
    const listing = await ro.inject({
      url: '/board/api/queues?activeQueue=load&status=failed',
      headers: AUTH,
    });
    const load = listing
      .json<{ queues: { name: string; readOnlyMode: boolean; allowRetries: boolean }[] }>()
      .queues.find((q) => q.name === 'load');
    expect(load).toMatchObject({ readOnlyMode: true, allowRetries: false });
    for (const [method, url] of [
      ['PUT', `/board/api/queues/load/${job.id}/retry`],
      ['PUT', '/board/api/queues/load/retry/failed'],
      ['PUT', '/board/api/queues/load/clean/failed'],
      ['PUT', '/board/api/queues/pause'],
      ['PUT', '/board/api/queues/load/obliterate'],
      ['POST', '/board/api/queues/extract/add'],
      ['PATCH', `/board/api/queues/load/${job.id}/update-data`],
    ] as const) {
      const res = await ro.inject({ method, url, headers: AUTH, payload: {} });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
    expect(await job.getState()).toBe('failed');

    const rw = await app({ readOnly: false });
    const retried = await rw.inject({
      method: 'PUT',
      url: `/board/api/queues/load/${job.id}/retry`,
      headers: AUTH,
    });
    expect(retried.statusCode).toBe(204);
    expect(await queues.load.getJobState(job.id!)).toBe('waiting');
    await queues.load.remove(job.id!);
  });

  it('shows job data, logs and failure reasons with secrets redacted, and the run on each job', async () => {
    const job = await failedJob(
      queues.restore,
      {
        key: 'backups/mb/x.dump',
        target: 'postgres://admin:db-secret@pg:5432/metabase',
        password: 'hunter2',
      },
      'restore-redaction',
    );
    const a = await app();
    const list = await a.inject({
      url: '/board/api/queues?activeQueue=restore&status=failed',
      headers: AUTH,
    });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain('db-secret');
    expect(list.body).not.toContain('hunter2');
    const one = await a.inject({ url: `/board/api/queues/restore/${job.id}`, headers: AUTH });
    const body = one.json<{ job: { data: Record<string, string>; failedReason: string } }>();
    expect(body.job.data).toEqual({
      key: 'backups/mb/x.dump',
      target: 'postgres://admin:***@pg:5432/metabase',
      password: '***',
    });
    expect(body.job.failedReason).toBe('injected failure (password=***)');
    const logs = await a.inject({ url: `/board/api/queues/restore/${job.id}/logs`, headers: AUTH });
    expect(logs.json()).toEqual(['connecting with Bearer *** to postgres://loader:***@db:5432/dq']);
    // saving redacted data back would corrupt the payload
    const edit = await a.inject({
      method: 'PATCH',
      url: `/board/api/queues/restore/${job.id}/update-data`,
      headers: AUTH,
      payload: { jobData: { key: 'x' } },
    });
    expect(edit.statusCode).toBe(403);

    const load = await failedJob(
      queues.load,
      { runId: 12, batch: 'o3c1', datasets: 0, copy: '', notes: {} },
      'run12-load-o3c1',
    );
    const loadJob = await a.inject({ url: `/board/api/queues/load/${load.id}`, headers: AUTH });
    expect(loadJob.json<{ job: { name: string } }>().job.name).toBe('load · run 12 · o3c1');
  });

  it('keeps 5xx answers generic', async () => {
    const broken = {
      ...queues,
      load: new Queue('load', {
        connection: {
          host: '127.0.0.1',
          port: 1,
          retryStrategy: () => null,
          maxRetriesPerRequest: 0,
          enableOfflineQueue: false,
          lazyConnect: true,
        },
        prefix: 'x',
      }),
    };
    broken.load.on('error', () => undefined);
    const a = await app({ queues: broken });
    const res = await a.inject({ url: '/board/api/queues/load/some-job', headers: AUTH });
    expect(res.statusCode).toBeGreaterThanOrEqual(500);
    expect(res.json<Record<string, unknown>>()).toMatchObject({
      statusCode: res.statusCode,
      message: 'internal error',
    });
    expect(Object.keys(res.json<object>()).sort()).toEqual(['error', 'message', 'statusCode']);
    await broken.load.close().catch(() => undefined);
  });
});

describe('run history API', () => {
  let ids: number[];
  beforeAll(async () => {
    const { rows } = await ctx.pool.query<{ id: number }>(
      `INSERT INTO etl_runs (status, trigger, prefix, created_at, started_at, extract_finished_at, finished_at,
         published_at, objects, bytes, datasets, duplicates, batches, loaded_batches, notes, error)
       VALUES
         ('published', 'schedule', 'dcat/', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z', '2025-01-01T00:01:00Z',
          '2025-01-01T00:02:00Z', '2025-01-01T00:02:30Z', 3, 123456, 1200, 2, 6, 6, '{"unparseable_dates": 4}', NULL),
         ('failed', 'cli', 'dcat/', '2025-01-02T00:00:00Z', '2025-01-02T00:00:00Z', NULL, '2025-01-02T00:00:10Z',
          NULL, 1, 10, 0, 0, NULL, 0, '{}', 'load o0c0: injected'),
         ('running', 'board', 'other/', '2025-01-03T00:00:00Z', '2025-01-03T00:00:00Z', NULL, NULL, NULL,
          0, 0, 0, 0, NULL, 0, '{}', NULL)
       RETURNING id`,
    );
    ids = rows.map((r) => r.id);
  });
  afterAll(async () => {
    await ctx.pool.query('DELETE FROM etl_runs WHERE id = ANY($1)', [ids]);
  });

  it('lists the latest runs first, paginated', async () => {
    const a = await app();
    const all = await a.inject({ url: '/api/runs', headers: AUTH });
    expect(all.statusCode).toBe(200);
    const body = all.json<{
      runs: { id: number; status: string }[];
      total: number;
      limit: number;
      offset: number;
    }>();
    expect(body).toMatchObject({ total: 3, limit: 20, offset: 0 });
    expect(body.runs.map((r) => r.status)).toEqual(['running', 'failed', 'published']);
    const page = await a.inject({ url: '/api/runs?limit=1&offset=1', headers: AUTH });
    expect(page.json<typeof body>().runs.map((r) => r.id)).toEqual([ids[1]]);
    const past = await a.inject({ url: '/api/runs?offset=10', headers: AUTH });
    expect(past.json<typeof body>()).toMatchObject({ runs: [], total: 3 });
  });

  it('gives one run with per-stage counts and durations', async () => {
    const a = await app();
    const res = await a.inject({ url: `/api/runs/${ids[0]}`, headers: AUTH });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: ids[0],
      status: 'published',
      trigger: 'schedule',
      startedAt: '2025-01-01T00:00:00.000Z',
      publishedAt: '2025-01-01T00:02:30.000Z',
      durationSeconds: 150,
      stages: {
        extract: { durationSeconds: 60, objects: 3, bytes: 123456, datasets: 1200, duplicates: 2 },
        load: { durationSeconds: 120, batches: 6, loadedBatches: 6 },
        publish: { durationSeconds: 30 },
      },
      notes: { unparseable_dates: 4 },
      error: null,
    });
    const failed = await a.inject({ url: `/api/runs/${ids[1]}`, headers: AUTH });
    expect(failed.json()).toMatchObject({
      status: 'failed',
      durationSeconds: 10,
      error: 'load o0c0: injected',
      stages: { extract: { durationSeconds: null }, publish: { publishedAt: null } },
    });
    const running = await a.inject({ url: `/api/runs/${ids[2]}`, headers: AUTH });
    expect(running.json()).toMatchObject({ status: 'running', durationSeconds: null });
  });

  it('answers 400 to malformed parameters and 404 to unknown runs, with a clear message and no stack', async () => {
    const a = await app();
    const cases: [string, number, RegExp][] = [
      ['/api/runs?limit=abc', 400, /limit must be a whole number/],
      ['/api/runs?limit=0', 400, /limit must be at least 1/],
      ['/api/runs?limit=101', 400, /limit must be at most 100/],
      ['/api/runs?offset=-1', 400, /offset must be a whole number/],
      ['/api/runs?limit=1.5', 400, /limit must be a whole number/],
      ['/api/runs?limit=1&limit=2', 400, /limit must be given once/],
      ['/api/runs?page=2', 400, /unknown parameter\(s\): page/],
      ['/api/runs/abc', 400, /run id must be a whole number/],
      ['/api/runs/0', 400, /run id must be at least 1/],
      ['/api/runs/99999999999999999999', 400, /run id must be a whole number/],
      ['/api/runs/999999', 404, /no run 999999/],
    ];
    for (const [url, status, message] of cases) {
      const res = await a.inject({ url, headers: AUTH });
      expect(res.statusCode, url).toBe(status);
      const body = res.json<{ message: string; statusCode: number }>();
      expect(body.message, url).toMatch(message);
      expect(body.statusCode).toBe(status);
      expect(res.body).not.toMatch(/at .*\.ts:\d+|stack/i);
    }
  });
});

describe('health and metrics', () => {
  it('/healthz and /readyz answer without credentials', async () => {
    const a = await app();
    expect((await a.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await a.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { redis: 'ok', postgres: 'ok' } });
  });

  it('/readyz answers 503 without details when PostgreSQL is unreachable', async () => {
    const { createPool } = await import('../shared/db.js');
    const deadPool = createPool('postgres://nobody:pw-not-shown@127.0.0.1:1/none');
    try {
      const a = await app({ pool: deadPool });
      const res = await a.inject({ url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ status: 'not ready', checks: { redis: 'ok', postgres: 'unreachable' } });
      // the scrape survives a database that is down: run metrics are absent, queue metrics present
      const metrics = await a.inject({ url: '/metrics', headers: AUTH });
      expect(metrics.statusCode).toBe(200);
      expect(metrics.body).toContain('dcat_quality_queue_jobs{queue="load",state="waiting"}');
      expect(metrics.body).toMatch(/^dcat_quality_last_run_datasets Nan$/im);
    } finally {
      await deadPool.end();
    }
  });

  it('/metrics needs credentials unless METRICS_PUBLIC', async () => {
    expect((await (await app()).inject({ url: '/metrics' })).statusCode).toBe(401);
    expect((await (await app({ metricsPublic: true })).inject({ url: '/metrics' })).statusCode).toBe(200);
  });

  it('exports queue counts, the last published run and the last backup age', async () => {
    const before = await (await app()).inject({ url: '/metrics', headers: AUTH });
    // nothing published and no backup yet: ages are infinite (age alerts fire), values unknown
    expect(before.body).toMatch(/^dcat_quality_seconds_since_last_published_run \+Inf$/m);
    expect(before.body).toMatch(/^dcat_quality_last_backup_age_seconds \+Inf$/m);
    expect(before.body).toMatch(/^dcat_quality_last_run_datasets Nan$/im);
    const { rows } = await ctx.pool.query<{ id: number }>(
      `INSERT INTO etl_runs (status, prefix, started_at, finished_at, published_at, datasets)
       VALUES ('published', 'dcat/', now() - interval '100 seconds', now() - interval '40 seconds',
               now() - interval '30 seconds', 4242),
              ('failed', 'dcat/', now() - interval '20 seconds', now() - interval '10 seconds', NULL, 0)
       RETURNING id`,
    );
    await queues.extract.add('extract', { trigger: 'test' }, { jobId: 'metrics-waiting', delay: 0 });
    await queues.extract.add('extract', { trigger: 'test' }, { jobId: 'metrics-delayed', delay: 3_600_000 });
    await failedJob(queues.transform, { runId: 1, batch: 'o0c0' }, 'metrics-failed');
    const createdAt = new Date(Date.now() - 3_600_000);
    const key = `${ctx.config.BACKUP_PREFIX}metabase/20250101T000000.000Z.dump`;
    await ctx.s3.send(new PutObjectCommand({ Bucket: ctx.config.S3_BUCKET, Key: key, Body: 'dump' }));
    await ctx.s3.send(
      new PutObjectCommand({
        Bucket: ctx.config.S3_BUCKET,
        Key: `${key}.json`,
        Body: JSON.stringify({
          format: 'dcat-quality-backup/1',
          key,
          size: 4,
          sha256: '0'.repeat(64),
          createdAt: createdAt.toISOString(),
          source: { host: 'pg', port: 5432, user: 'metabase', database: 'metabase' },
          pgDumpVersion: '15',
          serverVersion: '15',
          trigger: 'test',
        }),
      }),
    );
    try {
      const a = await app();
      const res = await a.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      const value = (name: string) => {
        const m = new RegExp(`^${name.replace(/[{}"=,]/g, (c) => `\\${c}`)} (\\S+)$`, 'm').exec(res.body);
        return m ? Number(m[1]) : undefined;
      };
      expect(value('dcat_quality_queue_jobs{queue="extract",state="waiting"}')).toBe(1);
      expect(value('dcat_quality_queue_jobs{queue="extract",state="delayed"}')).toBe(1);
      expect(value('dcat_quality_queue_jobs{queue="transform",state="failed"}')).toBe(1);
      expect(value('dcat_quality_queue_jobs{queue="load",state="active"}')).toBe(0);
      expect(value('dcat_quality_queue_jobs{queue="backup",state="completed"}')).toBe(0);
      expect(value('dcat_quality_last_run_datasets')).toBe(4242);
      expect(value('dcat_quality_last_run_duration_seconds')).toBeCloseTo(70, 0);
      expect(value('dcat_quality_seconds_since_last_published_run')).toBeGreaterThanOrEqual(30);
      expect(value('dcat_quality_last_run_failed')).toBe(1);
      const age = value('dcat_quality_last_backup_age_seconds');
      expect(age).toBeGreaterThanOrEqual(3600);
      expect(age).toBeLessThan(3600 + 600);
      for (const name of ['dcat_quality_queue_jobs', 'dcat_quality_last_run_duration_seconds']) {
        expect(res.body).toContain(`# TYPE ${name} gauge`);
      }
    } finally {
      await ctx.pool.query('DELETE FROM etl_runs WHERE id = ANY($1)', [rows.map((r) => r.id)]);
      await queues.extract.obliterate({ force: true });
      await queues.transform.obliterate({ force: true });
    }
  });

  it('leaves the backup age NaN when S3 cannot be read, and the scrape still succeeds', async () => {
    const a = await app({ lastBackup: () => Promise.reject(new Error('S3 down')) });
    const res = await a.inject({ url: '/metrics', headers: AUTH });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/^dcat_quality_last_backup_age_seconds NaN$/im);
  });
});

describe('server', () => {
  it('refuses to start without credentials, before opening any connection', async () => {
    const bare = parseConfig({ ...envOf(ctx.config), BOARD_USER: '', BOARD_PASSWORD: '', BOARD_TOKEN: '' });
    await expect(startBoard(bare, { port: 0, host: '127.0.0.1' })).rejects.toThrow(BoardAuthConfigError);
  });

  it('listens, serves, and closes gracefully (twice is harmless)', async () => {
    const server = await startBoard(ctx.config, {
      port: 0,
      host: '127.0.0.1',
      log: pino({ level: 'silent' }),
    });
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const runs = await fetch(`${server.url}/api/runs`, { headers: AUTH });
    expect(runs.status).toBe(200);
    await Promise.all([server.close(), server.close()]);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});

describe('a database no process has migrated yet', () => {
  it('answers the run history with an empty list and the pages with "nothing yet", never 503', async () => {
    const url = new URL(ctx.config.DATABASE_URL);
    url.pathname = `/${url.pathname.slice(1)}_fresh`;
    await createDatabase(url.toString());
    const fresh = createPool(url.toString());
    try {
      const a = await app({ pool: fresh });
      const api = await a.inject({ url: '/api/runs', headers: AUTH });
      expect(api.statusCode).toBe(200);
      expect(api.json()).toEqual({ runs: [], total: 0, limit: 20, offset: 0 });
      expect((await a.inject({ url: '/api/runs/1', headers: AUTH })).statusCode).toBe(404);
      const runs = await a.inject({ url: '/runs', headers: AUTH });
      expect(runs.statusCode).toBe(200);
      expect(runs.body).toContain('No run yet');
      const quality = await a.inject({ url: '/quality', headers: AUTH });
      expect(quality.statusCode).toBe(200);
      expect(quality.body).toContain('No published run yet');
    } finally {
      await fresh.end();
      await dropDatabase(url.toString());
    }
  });
});

describe('the runs and quality pages', () => {
  it('need the same authentication as the rest of the board', async () => {
    const a = await app();
    for (const url of ['/runs', '/runs/1', '/quality']) {
      expect((await a.inject({ url })).statusCode, url).toBe(401);
    }
  });

  it('render a run, its stages and its failing job link; 404 for a run that does not exist', async () => {
    const run = await ctx.pool.query<{ id: number }>(
      `INSERT INTO etl_runs (status, prefix, error, failed_job, started_at, finished_at, objects, batches)
       VALUES ('failed', 'dcat/', 'load o0c0: <script>boom</script>', 'run9-abcd1234-load-o0c0', now(), now(), 3, 3)
       RETURNING id`,
    );
    const id = run.rows[0]!.id;
    const a = await app();
    const list = await a.inject({ url: '/runs', headers: AUTH });
    expect(list.statusCode).toBe(200);
    expect(list.headers['content-type']).toMatch(/text\/html/);
    expect(list.body).toContain(`href="/runs/${id}"`);
    expect(list.body).toContain('href="/board/queue/load/run9-abcd1234-load-o0c0"');
    expect(list.body).not.toContain('<script>boom'); // escaped
    const one = await a.inject({ url: `/runs/${id}`, headers: AUTH });
    expect(one.statusCode).toBe(200);
    expect(one.body).toContain('batches loaded');
    expect(one.body).toContain('Open the failing job in Bull Board');
    expect(one.body).not.toMatch(/<script/i);
    expect((await a.inject({ url: '/runs/999999', headers: AUTH })).statusCode).toBe(404);
    expect((await a.inject({ url: '/runs/abc', headers: AUTH })).statusCode).toBe(404);
  });
});
