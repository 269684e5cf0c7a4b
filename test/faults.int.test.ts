import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestContext, type TestContext } from './helpers/context.js';
import { startFaultProxy, type FaultProxy } from './helpers/fault-proxy.js';
import { buildWorkerDeps, startWorkers } from '../workers/main.js';
import { enqueueRun, waitForRun } from '../producer/etl.js';
import { writeDumpToS3 } from '../tools/synthetic/generate.js';
import { getRun } from '../shared/runs.js';
import { checkRedisPolicy } from '../shared/redis.js';
import { reconcileRuns } from '../workers/reconcile.js';
import { createQueueWorker } from '../workers/worker-factory.js';

/**
 * Outages of PostgreSQL, S3 and Redis while a run goes on, through a TCP proxy between the
 * workers and each service (the shared services themselves are never restarted): the workers ride
 * them out and the run publishes with exact counts.
 */
let ctx: TestContext;
const proxies: Record<'pg' | 's3' | 'redis', FaultProxy | undefined> = {
  pg: undefined,
  s3: undefined,
  redis: undefined,
};
let deps: Awaited<ReturnType<typeof buildWorkerDeps>>;
let workers: Awaited<ReturnType<typeof startWorkers>>;

const hostPort = (url: string) => {
  const u = new URL(url);
  return { host: u.hostname === 'localhost' ? '127.0.0.1' : u.hostname, port: Number(u.port) };
};

beforeAll(async () => {
  ctx = await createTestContext({ S3_REQUEST_TIMEOUT_MS: '1000', S3_CONNECT_TIMEOUT_MS: '1000' });
  proxies.pg = await startFaultProxy({
    ...hostPort(ctx.config.DATABASE_URL),
    port: hostPort(ctx.config.DATABASE_URL).port || 5432,
  });
  proxies.s3 = await startFaultProxy(hostPort(ctx.config.S3_ENDPOINT));
  proxies.redis = await startFaultProxy({
    ...hostPort(ctx.config.REDIS_URL),
    port: hostPort(ctx.config.REDIS_URL).port || 6379,
  });
  deps = await buildWorkerDeps({
    ...ctx.config,
    DATABASE_URL: proxies.pg.via(ctx.config.DATABASE_URL),
    S3_ENDPOINT: proxies.s3.via(ctx.config.S3_ENDPOINT),
    REDIS_URL: proxies.redis.via(ctx.config.REDIS_URL),
  });
  workers = await startWorkers(deps, ['extract', 'transform', 'load']);
});

/** The jobs still active in the workers' queues, with their last log line: what a hung close waits for. */
async function activeJobs(): Promise<string> {
  const lines: string[] = [];
  for (const [name, queue] of Object.entries(deps?.queues ?? {})) {
    for (const job of await queue.getActive()) {
      const { logs } = await queue.getJobLogs(job.id!, -1, -1);
      lines.push(`${name} ${job.id} (attempt ${job.attemptsMade + 1}): ${logs[0] ?? 'no log'}`);
    }
  }
  return lines.join('; ') || 'none';
}

/** A teardown step, named on stderr when it takes long: a hang says where it is. */
async function step(name: string, run: () => Promise<unknown> | undefined): Promise<void> {
  const t0 = Date.now();
  const slow = setTimeout(() => {
    console.warn(`faults teardown: ${name} still running after 10 s`);
    void activeJobs().then((jobs) => console.warn(`faults teardown: active jobs meanwhile: ${jobs}`));
  }, 10_000);
  try {
    await run();
  } finally {
    clearTimeout(slow);
    if (Date.now() - t0 > 10_000) console.warn(`faults teardown: ${name} took ${Date.now() - t0} ms`);
  }
}

afterAll(async () => {
  for (const p of Object.values(proxies)) p?.heal();
  // every test has asserted by now: the workers are closed without waiting for running jobs (the
  // graceful close is tested below and in the CLI tests). Once, under CI load, the graceful close
  // here never returned after every run had published; a job still active is named on stderr
  const active = await activeJobs().catch((err: Error) => `unknown (${err.message})`);
  if (active !== 'none') console.warn(`faults teardown: jobs still active after the tests: ${active}`);
  await step('workers.close', () => workers?.close(true));
  await step('deps.close', () => deps?.close());
  for (const [name, p] of Object.entries(proxies)) await step(`${name} proxy close`, () => p?.close());
  await step('test context cleanup', () => ctx?.cleanup());
});

/** How long each outage lasts (FAULT_OUTAGE_MS=60000 for the one-minute outages of the README). */
const OUTAGE_MS = Number(process.env.FAULT_OUTAGE_MS ?? 3_000);

/** Runs a dump, breaking one service's link once the run is under way, for `ms`. */
async function runThrough(prefix: string, fault: () => void, ms: number) {
  const summary = await writeDumpToS3(ctx.s3, ctx.config.S3_BUCKET, prefix, {
    datasets: 1200,
    pages: 24,
    seed: 73,
    duplicates: 6,
  });
  const { runId } = await enqueueRun({ ...deps, pool: ctx.pool }, { prefix, trigger: 'test' });
  for (let i = 0; i < 600; i++) {
    const run = await getRun(ctx.pool, runId);
    if ((run?.loaded_batches ?? 0) >= 2) break;
    await sleep(10);
  }
  fault();
  await sleep(ms);
  for (const p of Object.values(proxies)) p?.heal();
  const healed = Date.now();
  const run = await waitForRun(ctx.pool, runId, { timeoutMs: 150_000, intervalMs: 100 });
  console.log(
    `${prefix} outage ${ms} ms: published ${((Date.now() - healed) / 1000).toFixed(1)} s after the link came back`,
  );
  return { run, summary };
}

describe('outages while a run goes on', () => {
  it(
    'a PostgreSQL cut: the workers do not crash, the run publishes with exact counts',
    { timeout: 300_000 },
    async () => {
      const { run, summary } = await runThrough('pg-cut/', () => proxies.pg!.cut(), OUTAGE_MS);
      expect(run.error).toBeNull();
      expect(run.status).toBe('published');
      expect(run.datasets).toBe(summary.datasets);
      expect(run.duplicates).toBe(summary.datasetNodes - summary.datasets);
    },
  );

  it('a stalled S3: requests time out and are retried, the run publishes', { timeout: 300_000 }, async () => {
    const { run, summary } = await runThrough('s3-stall/', () => proxies.s3!.stall(), OUTAGE_MS);
    expect(run.error).toBeNull();
    expect(run.status).toBe('published');
    expect(run.datasets).toBe(summary.datasets);
  });

  it('a Redis cut: the workers reconnect, the run publishes', { timeout: 300_000 }, async () => {
    const { run, summary } = await runThrough('redis-cut/', () => proxies.redis!.cut(), OUTAGE_MS);
    expect(run.error).toBeNull();
    expect(run.status).toBe('published');
    expect(run.datasets).toBe(summary.datasets);
  });
});

describe('a run always ends', () => {
  it('fails a queued run whose extract job never reached Redis, and a running run whose jobs are gone', async () => {
    const { rows } = await ctx.pool.query<{ id: number }>(
      `INSERT INTO etl_runs (status, prefix, created_at, started_at) VALUES
         ('queued', 'dcat/', now() - interval '10 minutes', NULL),
         ('running', 'dcat/', now() - interval '10 minutes', now() - interval '10 minutes'),
         ('queued', 'dcat/', now(), NULL)
       RETURNING id`,
    );
    const [queued, running, fresh] = rows.map((r) => r.id);
    const suspects = new Map<number, number>();
    // first look: the running one becomes a suspect, the old queued one fails, the fresh one waits
    expect(await reconcileRuns(deps, suspects, { lostGraceMs: 0 })).toEqual([queued]);
    expect(await reconcileRuns(deps, suspects, { lostGraceMs: 0 })).toEqual([running]);
    const after = await Promise.all([queued!, running!, fresh!].map((id) => getRun(ctx.pool, id)));
    expect(after.map((r) => r!.status)).toEqual(['failed', 'failed', 'queued']);
    expect(after[0]!.error).toMatch(/was queued but its extract job .* is not in Redis .*enqueue a new run/);
    expect(after[1]!.error).toMatch(/has no job left in Redis \(its extract lost/);
    await ctx.pool.query('DELETE FROM etl_runs WHERE id = ANY($1)', [[queued, running, fresh]]);
  });
});

describe('a job BullMQ fails by itself', () => {
  it('fails its run with the reason (stalled more than allowable)', async () => {
    const { rows } = await ctx.pool.query<{ id: number; token: string }>(
      `INSERT INTO etl_runs (status, prefix, started_at) VALUES ('running', 'dcat/', now()) RETURNING id, token`,
    );
    const run = rows[0]!;
    const job = await deps.queues.transform.add(
      'transform',
      { runId: run.id, runToken: run.token, batch: 'o3c0' },
      { jobId: `run${run.id}-${run.token}-transform-o3c0`, delay: 600_000 },
    );
    const worker = createQueueWorker(deps, 'transform', () => Promise.resolve(), { concurrency: 1 });
    try {
      // what BullMQ's stalled-jobs check emits when it moves a job to failed
      worker.emit('failed', job, new Error('job stalled more than allowable limit'), 'active');
      let after: Awaited<ReturnType<typeof getRun>>;
      for (let i = 0; i < 100 && after?.status !== 'failed'; i++) {
        await sleep(20);
        after = await getRun(ctx.pool, run.id);
      }
      expect(after).toMatchObject({ status: 'failed', failed_job: job.id });
      expect(after?.error).toBe('transform o3c0: job stalled more than allowable limit');
    } finally {
      await worker.close();
      await job.remove();
      await ctx.pool.query('DELETE FROM etl_runs WHERE id = $1', [run.id]);
    }
  });
});

describe('stopping a worker', () => {
  it(
    'SIGTERM (close) interrupts extract waiting for room at once; the job stays retryable',
    { timeout: 60_000 },
    async () => {
      const config = {
        ...ctx.config,
        QUEUE_PREFIX: `${ctx.config.QUEUE_PREFIX}-stop`,
        MAX_PENDING_CHUNKS: 1,
        // one transform job per page: the second one waits for room
        TRANSFORM_BATCH_SOURCES: 1,
      };
      await writeDumpToS3(ctx.s3, ctx.config.S3_BUCKET, 'stop/', { datasets: 60, pages: 6, seed: 79 });
      const lone = await buildWorkerDeps(config);
      // extract alone: its first transform job is never taken, so it waits for room
      const running = await startWorkers(lone, ['extract']);
      try {
        const { runId, jobId } = await enqueueRun(
          { ...lone, pool: ctx.pool },
          { prefix: 'stop/', trigger: 'test' },
        );
        for (let i = 0; i < 500 && (await lone.queues.transform.getWaitingCount()) === 0; i++)
          await sleep(20);
        expect(await lone.queues.transform.getWaitingCount()).toBe(1);
        const t0 = Date.now();
        await running.close();
        expect(Date.now() - t0).toBeLessThan(5_000);
        const job = await lone.queues.extract.getJob(jobId);
        expect(job?.failedReason).toMatch(/extract interrupted: the worker is stopping/);
        expect(await job?.getState()).toBe('delayed'); // retried with backoff, resuming from its checkpoint
        expect((await getRun(ctx.pool, runId))?.status).toBe('running');
      } finally {
        await Promise.all(Object.values(lone.queues).map((q) => q.obliterate({ force: true })));
        await lone.close();
      }
    },
  );
});

describe('Redis as the production guide says', () => {
  it('accepts a noeviction Redis and warns when AOF is off', async () => {
    const policy = (await ctx.redis.call('CONFIG', 'GET', 'maxmemory-policy')) as string[];
    const aof = (await ctx.redis.call('CONFIG', 'GET', 'appendonly')) as string[];
    expect(policy[1]).toBe('noeviction');
    const warnings = await checkRedisPolicy(ctx.redis);
    if (aof[1] === 'no') expect(warnings.join(' ')).toMatch(/AOF\) is off/);
    else expect(warnings).toEqual([]);
  });
});
