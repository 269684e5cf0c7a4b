import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { QueueEvents } from 'bullmq';
import { gzipSync } from 'node:zlib';
import { createTestContext, retryFailedStep, runDumpToEnd, type TestContext } from './helpers/context.js';
import { buildWorkerDeps, startWorkers } from '../workers/main.js';
import type { WorkerDeps } from '../workers/deps.js';
import { enqueueRun, waitForRun } from '../producer/etl.js';
import {
  generateDump,
  readBody,
  summarizeDump,
  writeDumpToS3,
  type GenOptions,
} from '../tools/synthetic/generate.js';
import { jobIds, type LoadPayload } from '../shared/queues.js';
import { runLoad } from '../workers/load/processor.js';
import { createDatabase, dropDatabase } from '../shared/db.js';
import type { StepContext } from '../workers/pipeline.js';
import { QUALITY_COLUMNS, type QualityRow } from '../shared/columns.js';
import { encodeCopyRows } from '../shared/copy-text.js';

/**
 * The whole pipeline on real Redis, PostgreSQL and S3 (s3rver in-process), workers in this process.
 */
let ctx: TestContext;
let deps: Awaited<ReturnType<typeof buildWorkerDeps>>;
let workers: Awaited<ReturnType<typeof startWorkers>>;
const faults: { crashAfterCopy?: string } = {};

beforeAll(async () => {
  // pages up to 2 MiB are read whole by transform, larger objects are streamed by extract
  ctx = await createTestContext({
    CHUNK_SIZE: '50',
    MAX_PENDING_CHUNKS: '4',
    WHOLE_OBJECT_MAX_BYTES: '2097152',
  });
  const hooks: WorkerDeps['hooks'] = {
    afterCopy: (p) => {
      if (faults.crashAfterCopy === p.batch) {
        faults.crashAfterCopy = undefined;
        throw new Error(`simulated crash before commit of ${p.batch}`);
      }
    },
  };
  deps = await buildWorkerDeps(ctx.config, hooks);
  workers = await startWorkers(deps, ['extract', 'transform', 'load']);
});

afterAll(async () => {
  await workers?.close();
  await deps?.close();
  await ctx?.cleanup();
});

/** A processor's context outside BullMQ: one attempt, no-op log and progress. */
function stepContextFor(jobId: string): StepContext {
  return {
    jobId,
    attemptsMade: 0,
    attempts: 1,
    dueAt: new Date(),
    data: {},
    log: () => Promise.resolve(),
    progress: () => Promise.resolve(),
    saveData: () => Promise.resolve(),
  };
}

async function seed(prefix: string, opts: GenOptions) {
  return writeDumpToS3(ctx.s3, ctx.config.S3_BUCKET, prefix, opts);
}

const runToEnd = (prefix: string) => runDumpToEnd(deps, ctx.pool, prefix);

async function latest() {
  const { rows } = await ctx.pool.query<{ run_id: number; n: number }>(
    'SELECT run_id, count(*)::int AS n FROM dataset_quality_latest GROUP BY run_id',
  );
  return rows;
}

describe('ETL pipeline', () => {
  let firstRun: number;

  it('runs a paged dump to publication with exact row counts', async () => {
    const opts: GenOptions = { datasets: 420, pages: 6, seed: 3, duplicates: 4 };
    const summary = await seed('paged/', opts);
    expect(summary.datasets).toBe(summarizeDump(opts).datasets);
    const run = await runToEnd('paged/');
    expect(run.error).toBeNull();
    expect(run.status).toBe('published');
    expect(run.objects).toBe(summary.files);
    expect(run.datasets).toBe(summary.datasets);
    expect(run.duplicates).toBe(summary.datasetNodes - summary.datasets);
    expect(run.loaded_batches).toBe(run.batches);
    expect(await latest()).toEqual([{ run_id: run.id, n: summary.datasets }]);
    const distinct = await ctx.pool.query<{ n: number }>(
      'SELECT count(DISTINCT dataset_uri)::int AS n FROM dataset_quality_latest',
    );
    expect(distinct.rows[0]!.n).toBe(summary.datasets);
    firstRun = run.id;
  });

  it('a re-run replaces the published run atomically', async () => {
    const seen = new Set<string>();
    let polling = true;
    // readers during the publication see one whole run: never a mix, never a partial count
    const reader = (async () => {
      while (polling) {
        for (const r of await latest()) seen.add(`${r.run_id}:${r.n}`);
      }
    })();
    const run = await runToEnd('paged/');
    polling = false;
    await reader;
    expect(run.status).toBe('published');
    const rows = await latest();
    expect(rows).toEqual([{ run_id: run.id, n: run.datasets }]);
    for (const s of seen) expect([`${firstRun}:${run.datasets}`, `${run.id}:${run.datasets}`]).toContain(s);
    // the previous run's rows are kept as history
    const old = await ctx.pool.query('SELECT 1 FROM dataset_quality WHERE run_id = $1 LIMIT 1', [firstRun]);
    expect(old.rowCount).toBe(1);
  });

  it('a batch that crashes before commit is retried without duplicating or losing rows', async () => {
    const opts: GenOptions = { datasets: 200, pages: 2, seed: 5 };
    const summary = await seed('crash/', opts);
    // both pages are one batch (TRANSFORM_BATCH_SOURCES): its load crashes after its COPY
    faults.crashAfterCopy = 'o0c0';
    const run = await runToEnd('crash/');
    expect(faults.crashAfterCopy).toBeUndefined(); // the fault fired
    expect(run.status).toBe('published');
    const count = await ctx.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM dataset_quality WHERE run_id = $1',
      [run.id],
    );
    expect(count.rows[0]!.n).toBe(summary.datasets);

    // the same batch delivered again (a duplicate job) writes nothing
    const rows = await ctx.pool.query<QualityRow>(
      `SELECT * FROM dataset_quality WHERE run_id = $1 AND source_key LIKE '%0001%' LIMIT 3`,
      [run.id],
    );
    const payload: LoadPayload = {
      runId: run.id,
      batch: 'o0c0',
      datasets: rows.rows.length,
      copy: encodeCopyRows(run.id, rows.rows, QUALITY_COLUMNS),
      notes: {},
    };
    const result = await runLoad(payload, deps, stepContextFor('duplicate-load'));
    expect(result.skipped).toBe(true);
    const again = await ctx.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM dataset_quality WHERE run_id = $1',
      [run.id],
    );
    expect(again.rows[0]!.n).toBe(summary.datasets);
  });

  it('a truncated page fails the run with the key and position, keeps the published run, and a retry after the fix publishes', async () => {
    const before = await latest();
    const files = [];
    for await (const f of generateDump({ datasets: 150, pages: 3, seed: 9 })) files.push(f);
    const keys = files.map((f) => `broken/${f.key}`);
    for (const [i, f] of files.entries()) {
      const body = await readBody(f);
      const truncated = i === 1 ? body.subarray(0, Math.floor(body.length * 0.6)) : body;
      await ctx.s3.send(
        new PutObjectCommand({ Bucket: ctx.config.S3_BUCKET, Key: keys[i], Body: truncated }),
      );
      files[i] = { key: f.key, body };
    }
    const run = await runToEnd('broken/');
    expect(run.status).toBe('failed');
    expect(run.error).toContain(keys[1]);
    expect(run.error).toMatch(/byte \d+/);
    expect(await latest()).toEqual(before);

    // fix the object, retry the failed step (what the board's Retry does): the run publishes
    await ctx.s3.send(
      new PutObjectCommand({ Bucket: ctx.config.S3_BUCKET, Key: keys[1], Body: files[1]!.body as Buffer }),
    );
    // the three pages are one transform batch (TRANSFORM_BATCH_SOURCES), named after its first page
    expect(run.failed_job).toBe(jobIds.transform(run, 'o0c0'));
    await retryFailedStep(deps, run.failed_job!);
    // the step is done; the run publishes when its last batch is loaded
    const retried = await waitForRun(ctx.pool, run.id, { timeoutMs: 60_000, intervalMs: 50 });
    expect(retried.status).toBe('published');
    expect(retried.error).toBeNull();
    expect(await latest()).toEqual([{ run_id: run.id, n: 150 }]);
  });

  it('a retried extract refuses a dump whose listing changed since the run started', async () => {
    const files = [];
    for await (const f of generateDump({ datasets: 400, pages: 2, seed: 37 })) files.push(f);
    const bodies = await Promise.all(files.map(readBody));
    const put = (key: string, body: Buffer) =>
      ctx.s3.send(new PutObjectCommand({ Bucket: ctx.config.S3_BUCKET, Key: `changing/${key}`, Body: body }));
    await put(files[0]!.key, bodies[0]!);
    // broken, and over WHOLE_OBJECT_MAX_BYTES: extract streams it and fails in object 2
    expect(bodies[1]!.length).toBeGreaterThan(2_300_000);
    await put(files[1]!.key, bodies[1]!.subarray(0, 2_200_000));
    const run = await runToEnd('changing/');
    expect(run.status).toBe('failed');
    await put('page-0000.json', bodies[0]!); // a new key sorts first: every position moves
    const job = await deps.queues.extract.getJob(jobIds.extract(run));
    const events = new QueueEvents('extract', {
      connection: deps.connection,
      prefix: ctx.config.QUEUE_PREFIX,
    });
    await events.waitUntilReady();
    await job!.retry();
    await expect(job!.waitUntilFinished(events, 60_000)).rejects.toThrow(/changed since run \d+ started/);
    await events.close();
    const after = await waitForRun(ctx.pool, run.id, { timeoutMs: 60_000, intervalMs: 50 });
    expect(after.status).toBe('failed');
    expect(after.error).toMatch(/changed since run \d+ started .*enqueue a new run/);
  });

  it('an empty dump fails clearly and publishes nothing', async () => {
    const before = await latest();
    const run = await runToEnd('nothing-here/');
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/empty dump.*nothing-here\//);
    expect(await latest()).toEqual(before);
  });

  it('reads a gzip dump', async () => {
    const summary = await seed('gzip/', { datasets: 120, pages: 3, seed: 11, gzip: true });
    const run = await runToEnd('gzip/');
    expect(run.status).toBe('published');
    expect(run.datasets).toBe(summary.datasets);
  });

  it('reads one huge single file in bounded chunks', async () => {
    const summary = await seed('single/', { datasets: 1500, pages: 1, seed: 13, single: true });
    expect(summary.files).toBe(1);
    // backpressure: extract never lets the pending chunks pile up in Redis
    let maxPending = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const counts = await Promise.all(
          [deps.queues.transform, deps.queues.load].map((q) =>
            q.getJobCounts('waiting', 'active', 'delayed', 'prioritized'),
          ),
        );
        maxPending = Math.max(
          maxPending,
          counts.flatMap((c) => Object.values(c)).reduce((x, y) => x + y, 0),
        );
      }
    })();
    const run = await runToEnd('single/');
    sampling = false;
    await sampler;
    expect(maxPending).toBeGreaterThan(0);
    // MAX_PENDING_CHUNKS, plus the load job each running transform adds before it completes
    expect(maxPending).toBeLessThanOrEqual(ctx.config.MAX_PENDING_CHUNKS + ctx.config.TRANSFORM_CONCURRENCY);
    expect(run.status).toBe('published');
    expect(run.datasets).toBe(summary.datasets);
    // chunks of CHUNK_SIZE (50) datasets, TRANSFORM_BATCH_SOURCES chunks a transform job
    expect(run.batches).toBe(
      Math.ceil(Math.ceil(summary.datasets / 50) / ctx.config.TRANSFORM_BATCH_SOURCES),
    );
  });

  it('a gzip object whose key does not say so is still read (magic bytes)', async () => {
    const files = [];
    for await (const f of generateDump({ datasets: 30, pages: 1, seed: 17 })) files.push(f);
    const body = await readBody(files[0]!);
    await ctx.s3.send(
      new PutObjectCommand({ Bucket: ctx.config.S3_BUCKET, Key: 'magic/page.json', Body: gzipSync(body) }),
    );
    const run = await runToEnd('magic/');
    expect(run.status).toBe('published');
    expect(run.datasets).toBe(30);
  });
});

describe('a scheduled run', () => {
  it('creates its run from the job, once, and publishes it', async () => {
    await seed('dcat/', { datasets: 80, pages: 2, seed: 23 });
    // what the job scheduler enqueues at midnight: no run id, the scheduler's job id
    const jobId = 'repeat:nightly-etl:1795996800000';
    const events = new QueueEvents('extract', {
      connection: deps.connection,
      prefix: ctx.config.QUEUE_PREFIX,
    });
    await events.waitUntilReady();
    const job = await deps.queues.extract.add('extract', { trigger: 'schedule' }, { jobId });
    const result = (await job.waitUntilFinished(events, 60_000)) as { runId: number };
    await events.close();
    const run = await waitForRun(ctx.pool, result.runId, { timeoutMs: 60_000, intervalMs: 50 });
    expect(run).toMatchObject({
      status: 'published',
      trigger: 'schedule',
      job_key: jobId,
      prefix: 'dcat/',
      datasets: 80,
    });
    const again = await ctx.pool.query('SELECT count(*)::int AS n FROM etl_runs WHERE job_key = $1', [jobId]);
    expect(again.rows[0]).toEqual({ n: 1 });
  });
});

describe('a database reset while Redis keeps its jobs', () => {
  it('runs again from run id 1 without colliding with the old jobs', async () => {
    const old = await deps.queues.extract.getJobs(['completed']);
    expect(old.some((j) => j.id?.startsWith('run1-'))).toBe(true);
    // the same queues, a brand-new database: run ids start again at 1
    const url = new URL(ctx.config.DATABASE_URL);
    url.pathname = `${url.pathname}_reset`;
    await createDatabase(url.toString());
    const config = { ...ctx.config, DATABASE_URL: url.toString() };
    await workers.close();
    await deps.close();
    deps = await buildWorkerDeps(config);
    workers = await startWorkers(deps, ['extract', 'transform', 'load']);
    try {
      await seed('reset/', { datasets: 40, pages: 2, seed: 29 });
      const { runId } = await enqueueRun(deps, { prefix: 'reset/', trigger: 'test' });
      expect(runId).toBe(1);
      const run = await waitForRun(deps.pool, runId, { timeoutMs: 60_000, intervalMs: 50 });
      expect(run).toMatchObject({ status: 'published', datasets: 40 });
    } finally {
      await workers.close();
      await deps.close();
      await dropDatabase(url.toString());
      // leave the file's other tests their own database
      deps = await buildWorkerDeps(ctx.config);
      workers = await startWorkers(deps, ['extract', 'transform', 'load']);
    }
  });
});

describe('scheduler', () => {
  it('upserts one nightly scheduler, idempotently', async () => {
    const { upsertSchedules } = await import('../shared/schedules.js');
    await upsertSchedules(deps.queues, ctx.config);
    await upsertSchedules(deps.queues, ctx.config, { cron: '0 0 * * *', tz: 'Europe/Paris' });
    const schedulers = await deps.queues.extract.getJobSchedulers();
    expect(schedulers).toHaveLength(1);
    expect(schedulers[0]).toMatchObject({ key: 'nightly-etl', pattern: '0 0 * * *', tz: 'Europe/Paris' });
  });
});
