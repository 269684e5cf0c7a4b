import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  configEnv,
  createTestContext,
  retryFailedStep,
  runDumpToEnd,
  type TestContext,
} from './helpers/context.js';
import { buildWorkerDeps, startWorkers } from '../workers/main.js';
import type { WorkerDeps } from '../workers/deps.js';
import { enqueueRun, waitForRun } from '../producer/etl.js';
import { generateDump, readBody, writeDumpToS3, type GeneratedFile } from '../tools/synthetic/generate.js';
import { gzipSync } from 'node:zlib';
import { listObjects } from '../shared/s3.js';
import { decompressCopy, deflateCopy, parseRecordChunk, readSpilledChunk } from '../shared/spill.js';
import type { DatasetRecord, GraphNode } from '../shared/record.js';
import { getRun } from '../shared/runs.js';
import type { LoadPayload, TransformPayload } from '../shared/queues.js';

/**
 * Data path v2 on real Redis, PostgreSQL and S3: transform jobs name what to read, huge objects
 * are spilled by extract, runs are de-duplicated at publication.
 */
let ctx: TestContext;
let deps: Awaited<ReturnType<typeof buildWorkerDeps>>;
let workers: Awaited<ReturnType<typeof startWorkers>>;
const faults: {
  beforeTransform?: (p: TransformPayload) => Promise<void>;
  beforeLoad?: (p: LoadPayload) => void;
} = {};

beforeAll(async () => {
  // objects up to 1 MiB are read whole; the single files below are streamed and spilled
  ctx = await createTestContext({
    CHUNK_SIZE: '40',
    WHOLE_OBJECT_MAX_BYTES: '1048576',
    TRANSFORM_BATCH_SOURCES: '4',
  });
  const hooks: WorkerDeps['hooks'] = {
    beforeTransform: async (p) => {
      const fault = faults.beforeTransform;
      if (fault) {
        faults.beforeTransform = undefined;
        await fault(p);
      }
    },
    beforeLoad: (p) => {
      faults.beforeLoad?.(p);
      return Promise.resolve();
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

const runToEnd = (prefix: string) => runDumpToEnd(deps, ctx.pool, prefix);

/** The published rows of a run, keyed by dataset, without what says where they were read. */
async function rowsOf(runId: number): Promise<Map<string, string>> {
  const { rows } = await ctx.pool.query<{ dataset_uri: string; r: string }>(
    `SELECT dataset_uri, (to_jsonb(q) - 'run_id' - 'source_key' - 'source_object' - 'source_element')::text AS r
     FROM dataset_quality q WHERE run_id = $1`,
    [runId],
  );
  return new Map(rows.map((x) => [x.dataset_uri, x.r]));
}

async function keysUnder(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of listObjects(ctx.s3, ctx.config.S3_BUCKET, prefix)) keys.push(o.Key!);
  return keys;
}

describe('data path v2', () => {
  const dump = { datasets: 240, pages: 6, seed: 41 };
  let paged: Map<string, string>;

  it('transform jobs carry a reference to their object, never records', async () => {
    await writeDumpToS3(ctx.s3, ctx.config.S3_BUCKET, 'paged/', { ...dump, duplicates: 5 });
    const run = await runToEnd('paged/');
    expect(run.status).toBe('published');
    expect(run.duplicates).toBe(5);
    expect(run.datasets).toBe(240);
    expect(run.objects_read).toBe(6);
    // TRANSFORM_BATCH_SOURCES (4): the first four pages are one batch, the last two another
    expect(run.batches).toBe(2);
    const jobs = await deps.queues.transform.getJobs(['completed']);
    const mine = jobs.filter((j) => (j.data as TransformPayload).runId === run.id);
    expect(mine.map((j) => (j.data as TransformPayload).batch).sort()).toEqual(['o0c0', 'o4c0']);
    const named: string[] = [];
    for (const j of mine) {
      const data = j.data as TransformPayload;
      for (const source of [data.source, ...(data.more ?? [])]) {
        expect(source.kind).toBe('object');
        expect(source.object.key).toMatch(/^paged\//);
        expect(source.object.etag).not.toBe('');
        named.push(source.object.key);
      }
      expect(JSON.stringify(data).length).toBeLessThan(2_000);
    }
    expect(named.sort()).toEqual((await keysUnder('paged/')).sort());
    paged = await rowsOf(run.id);
    expect(paged.size).toBe(240);
  });

  it('gzipped pages and one single file publish the same rows as the pages', async () => {
    await writeDumpToS3(ctx.s3, ctx.config.S3_BUCKET, 'gz/', { ...dump, gzip: true });
    await writeDumpToS3(ctx.s3, ctx.config.S3_BUCKET, 'single/', { ...dump, single: true });
    const gz = await runToEnd('gz/');
    const jobs: TransformPayload[] = [];
    // a fault fires once: this one arms itself again for the next job
    const capture = (p: TransformPayload) => {
      jobs.push(p);
      faults.beforeTransform = capture;
      return Promise.resolve();
    };
    faults.beforeTransform = capture;
    const single = await runToEnd('single/').finally(() => (faults.beforeTransform = undefined));
    expect([gz.status, single.status]).toEqual(['published', 'published']);
    // the single file is over WHOLE_OBJECT_MAX_BYTES: streamed by extract, spilled in 6 chunks of 40
    // datasets, four chunks a transform job, each job's chunks in one object
    expect(single.batches).toBe(2);
    const spilled = jobs
      .filter((p) => p.runId === single.id)
      .sort((a, b) => a.batch.localeCompare(b.batch))
      .map((p) =>
        [p.source, ...(p.more ?? [])].map((s) =>
          s.kind === 'spill' ? `${s.key.replace(/.*\//, '')}#${s.part}` : '',
        ),
      );
    expect(spilled).toEqual([
      [0, 1, 2, 3].map((k) => `o0c0-c3.records.json.gz#${k}`),
      [0, 1].map((k) => `o0c4-c5.records.json.gz#${k}`),
    ]);
    expect(single.objects_read).toBe(1);
    expect(await rowsOf(gz.id)).toEqual(paged);
    expect(await rowsOf(single.id)).toEqual(paged);
  });

  it('a transform job reads consecutive whole objects up to TRANSFORM_BATCH_BYTES', async () => {
    const sizes: number[] = [];
    for await (const o of listObjects(ctx.s3, ctx.config.S3_BUCKET, 'paged/')) sizes.push(o.Size!);
    const config = deps.config as { TRANSFORM_BATCH_BYTES: number };
    const saved = config.TRANSFORM_BATCH_BYTES;
    // room for two pages a job, not three
    config.TRANSFORM_BATCH_BYTES = Math.max(...sizes) * 2 + 1;
    try {
      expect(Math.min(...sizes) * 3).toBeGreaterThan(config.TRANSFORM_BATCH_BYTES);
      const run = await runToEnd('paged/');
      expect(run.status).toBe('published');
      expect(run.batches).toBe(3);
      expect(run.objects_read).toBe(6);
      expect(await rowsOf(run.id)).toEqual(paged);
      const { rows } = await ctx.pool.query<{ batch: string; object_index: number; object_count: number }>(
        'SELECT batch, object_index, object_count FROM etl_batches WHERE run_id = $1 ORDER BY object_index',
        [run.id],
      );
      expect(rows).toEqual([
        { batch: 'o0c0', object_index: 0, object_count: 2 },
        { batch: 'o2c0', object_index: 2, object_count: 2 },
        { batch: 'o4c0', object_index: 4, object_count: 2 },
      ]);
    } finally {
      config.TRANSFORM_BATCH_BYTES = saved;
    }
  });

  it('a run in flight across a migration that adds columns still publishes (its staging table gets them)', async () => {
    await writeDumpToS3(ctx.s3, ctx.config.S3_BUCKET, 'migrated/', { datasets: 80, pages: 2, seed: 47 });
    // as if the staging table had been created before migration 5
    faults.beforeTransform = async (p) => {
      await ctx.pool.query(
        `ALTER TABLE dataset_quality_run_${p.runId} DROP COLUMN mqa_rating_raw, DROP COLUMN dcat_ap_violations`,
      );
    };
    const run = await runToEnd('migrated/');
    expect(run.status).toBe('published');
    expect(run.datasets).toBe(80);
    const { rows } = await ctx.pool.query<{ n: number }>(
      'SELECT count(mqa_rating_raw)::int AS n FROM dataset_quality WHERE run_id = $1',
      [run.id],
    );
    expect(rows[0]!.n).toBeGreaterThan(0);
  });

  it('a batch whose COPY text is too large for a load job goes through S3 and loads the same rows', async () => {
    const loads: LoadPayload[] = [];
    faults.beforeLoad = (p) => {
      loads.push(p);
    };
    deps.hooks!.loadInlineMaxBytes = 0;
    try {
      const run = await runToEnd('paged/');
      expect(run.status).toBe('published');
      const mine = loads.filter((p) => p.runId === run.id);
      expect(mine.length).toBe(run.batches);
      for (const p of mine) {
        expect(p.copyBr).toBeUndefined();
        expect(p.copyKey).toMatch(
          new RegExp(`^${ctx.config.RUNS_PREFIX}run${run.id}-[^/]+/o\\d+c0\\.copy\\.gz$`),
        );
      }
      expect(await rowsOf(run.id)).toEqual(paged);
    } finally {
      faults.beforeLoad = undefined;
      delete deps.hooks!.loadInlineMaxBytes;
    }
  });

  it('deletes the spilled objects of a run once it is published', async () => {
    const runs = await ctx.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM etl_runs`);
    expect(runs.rows[0]!.n).toBeGreaterThan(0);
    // the step that published deletes them right after its commit: give it a moment on a busy machine
    let left = await keysUnder(ctx.config.RUNS_PREFIX);
    for (let i = 0; i < 100 && left.length > 0; i++) {
      await sleep(50);
      left = await keysUnder(ctx.config.RUNS_PREFIX);
    }
    expect(left).toEqual([]);
  });

  it('the first occurrence in key order wins across objects', async () => {
    const files: GeneratedFile[] = [];
    for await (const f of generateDump({ datasets: 60, pages: 2, seed: 43, duplicates: 0 })) files.push(f);
    const [a, b] = await Promise.all(files.map(readBody));
    const docA = JSON.parse(a!.toString()) as { '@graph': { '@id': string; 'dct:title'?: unknown }[] };
    const docB = JSON.parse(b!.toString()) as typeof docA;
    // the same dataset IRI in both pages, with another title in the second one
    const dataset = docA['@graph'].find((n) => JSON.stringify(n).includes('dcat:Dataset'))!;
    const copy = JSON.parse(JSON.stringify(dataset)) as Record<string, unknown>;
    const titleKey = Object.keys(copy).find((k) => /title$/.test(k))!;
    copy[titleKey] = 'the second copy';
    docB['@graph'].push(copy as (typeof docB)['@graph'][number]);
    const put = (key: string, body: string) =>
      ctx.s3.send(new PutObjectCommand({ Bucket: ctx.config.S3_BUCKET, Key: key, Body: body }));
    await put('dups/page-1.json', JSON.stringify(docA));
    await put('dups/page-2.json', JSON.stringify(docB));
    const run = await runToEnd('dups/');
    expect(run.status).toBe('published');
    expect(run.duplicates).toBe(1);
    expect(run.datasets).toBe(60);
    const { rows } = await ctx.pool.query<{ title: string; source_key: string }>(
      'SELECT title, source_key FROM dataset_quality WHERE run_id = $1 AND dataset_uri = $2',
      [run.id, dataset['@id']],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.source_key).toBe('dups/page-1.json');
    expect(rows[0]!.title).not.toBe('the second copy');
  });

  it('an object rewritten after the listing fails its step naming it; a retry reads the new version', async () => {
    await writeDumpToS3(ctx.s3, ctx.config.S3_BUCKET, 'rewritten/', { datasets: 90, pages: 3, seed: 47 });
    const before = await ctx.pool.query('SELECT run_id FROM dataset_quality_latest LIMIT 1');
    faults.beforeTransform = async (p) => {
      const key = p.source.object.key;
      await ctx.s3.send(
        new PutObjectCommand({
          Bucket: ctx.config.S3_BUCKET,
          Key: key,
          Body: JSON.stringify({ '@context': {}, '@graph': [] }),
        }),
      );
    };
    const run = await runToEnd('rewritten/');
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(
      /transform o0c0: s3:\/\/.*rewritten\/page-0001\.json changed since it was listed/,
    );
    expect(run.error).toMatch(/retry this step/);
    // the published data stays as it was
    const after = await ctx.pool.query('SELECT run_id FROM dataset_quality_latest LIMIT 1');
    expect(after.rows).toEqual(before.rows);
    // the operator puts the page back (or accepts the new one) and retries the step from the board
    await retryFailedStep(deps, run.failed_job!);
    const retried = await waitForRun(ctx.pool, run.id, { timeoutMs: 60_000, intervalMs: 50 });
    expect(retried.error).toBeNull();
    expect(retried.status).toBe('published');
    // the new version of the first page has a @graph and no dataset: counted, named
    expect(retried.datasets).toBe(60);
    expect(retried.notes).toMatchObject({ 'object_without_datasets:rewritten/page-0001.json': 1 });
  });

  it('an object rewritten after the listing, fetched while the one before it is scored, fails naming it', async () => {
    await writeDumpToS3(ctx.s3, ctx.config.S3_BUCKET, 'ahead/', { datasets: 90, pages: 3, seed: 48 });
    let job: TransformPayload | undefined;
    faults.beforeTransform = async (p) => {
      job = p;
      // the last of the job's three objects: its GET goes out while the second one is scored
      await ctx.s3.send(
        new PutObjectCommand({
          Bucket: ctx.config.S3_BUCKET,
          Key: 'ahead/page-0003.json',
          Body: JSON.stringify({ '@context': {}, '@graph': [] }),
        }),
      );
    };
    const run = await runToEnd('ahead/');
    expect([job!.source, ...(job!.more ?? [])].map((s) => s.object.key)).toEqual([
      'ahead/page-0001.json',
      'ahead/page-0002.json',
      'ahead/page-0003.json',
    ]);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/transform o0c0: s3:\/\/.*ahead\/page-0003\.json changed since it was listed/);
    await retryFailedStep(deps, run.failed_job!);
    const retried = await waitForRun(ctx.pool, run.id, { timeoutMs: 60_000, intervalMs: 50 });
    expect(retried.status).toBe('published');
    expect(retried.datasets).toBe(60);
    expect(retried.notes).toMatchObject({ 'object_without_datasets:ahead/page-0003.json': 1 });
  });

  it('a spilled chunk missing on retry gives a clear error', async () => {
    await writeDumpToS3(ctx.s3, ctx.config.S3_BUCKET, 'lost/', {
      datasets: 120,
      pages: 1,
      seed: 53,
      single: true,
    });
    faults.beforeTransform = async (p) => {
      if (p.source.kind === 'spill')
        await ctx.s3.send(new DeleteObjectCommand({ Bucket: ctx.config.S3_BUCKET, Key: p.source.key }));
    };
    const run = await runToEnd('lost/');
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(
      /transform o0c\d+: spilled object s3:\/\/.*\/runs\/run\d+-\w+\/o0c\d+(-c\d+)?\.records\.json\.gz is missing/,
    );
  });

  it('a huge object rewritten after extract spilled it fails transform naming both; nothing is published', async () => {
    await writeDumpToS3(ctx.s3, ctx.config.S3_BUCKET, 'moved/', {
      datasets: 120,
      pages: 1,
      seed: 57,
      single: true,
    });
    const before = await ctx.pool.query('SELECT run_id FROM dataset_quality_latest LIMIT 1');
    let rewritten = false;
    faults.beforeTransform = async (p) => {
      if (p.source.kind !== 'spill' || rewritten) return;
      rewritten = true;
      // its chunks name byte spans of the version extract read
      await ctx.s3.send(
        new PutObjectCommand({
          Bucket: ctx.config.S3_BUCKET,
          Key: p.source.object.key,
          Body: JSON.stringify({ '@context': {}, '@graph': [] }),
        }),
      );
    };
    const run = await runToEnd('moved/');
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(
      /transform o0c\d+: s3:\/\/.*moved\/catalog\.json changed since it was listed .*: the chunk runs\/run\d+-\w+\/o0c\d+(-c\d+)?\.records\.json\.gz spilled from it no longer matches it; enqueue a new run/,
    );
    const after = await ctx.pool.query('SELECT run_id FROM dataset_quality_latest LIMIT 1');
    expect(after.rows).toEqual(before.rows);
  });

  it('reads spilled chunks as earlier versions wrote them: a JSON array of records, JSON lines', async () => {
    const records = [1, 2].map((i): DatasetRecord => ({
      uri: `https://example.org/ds/${i}`,
      source: { key: 'big.json', index: i },
      nodes: new Map(
        Object.entries<GraphNode>({
          [`https://example.org/ds/${i}`]: {
            id: `https://example.org/ds/${i}`,
            types: ['dcat:Dataset'],
            p: {
              'dcterms:title': [{ v: `Jeu « ${i} »\n`, lang: 'fr' }],
              'dcat:distribution': [{ id: '_:d' }],
            },
          },
          '_:d': { id: '_:d', types: ['dcat:Distribution'], p: {} },
        }),
      ),
      ...(i === 2 ? { dangling: ['_:x'] } : {}),
    }));
    // a JSON array of whole records, each record's nodes an array (the version before element chunks)
    const key = `${ctx.config.RUNS_PREFIX}run0-format/o0c0.records.json.gz`;
    await ctx.s3.send(
      new PutObjectCommand({
        Bucket: ctx.config.S3_BUCKET,
        Key: key,
        Body: gzipSync(JSON.stringify(records.map((r) => ({ ...r, nodes: [...r.nodes.values()] })))),
      }),
    );
    expect(parseRecordChunk(await readSpilledChunk(ctx.s3, ctx.config, key))).toEqual(records);
    const legacy = `${ctx.config.RUNS_PREFIX}run0-format/o0c1.records.jsonl.gz`;
    await ctx.s3.send(
      new PutObjectCommand({
        Bucket: ctx.config.S3_BUCKET,
        Key: legacy,
        // one record per line, its nodes keyed by id
        Body: gzipSync(
          records.map((r) => JSON.stringify({ ...r, nodes: Object.fromEntries(r.nodes) })).join('\n'),
        ),
      }),
    );
    expect(parseRecordChunk(await readSpilledChunk(ctx.s3, ctx.config, legacy))).toEqual(records);
  });

  it('loads the batches of load jobs queued by an earlier version (deflated COPY text) alike', async () => {
    await writeDumpToS3(ctx.s3, ctx.config.S3_BUCKET, 'copy-format/', dump, { clean: true });
    const formats: string[] = [];
    faults.beforeLoad = (p) => {
      formats.push(p.copyBr !== undefined ? 'copyBr' : 'other');
      // every other batch as the previous version wrote it: raw deflate in copyZ
      if (p.copyBr !== undefined && formats.length % 2 === 0) {
        p.copyZ = deflateCopy(decompressCopy(p.copyBr).toString('utf8'));
        delete p.copyBr;
      }
    };
    try {
      const run = await runToEnd('copy-format/');
      expect(run.status).toBe('published');
      expect(formats.length).toBeGreaterThan(1);
      expect(new Set(formats)).toEqual(new Set(['copyBr']));
      expect(await rowsOf(run.id)).toEqual(paged);
    } finally {
      faults.beforeLoad = undefined;
    }
  });

  it('a page without @graph and without a dataset (an error body) fails the run naming it', async () => {
    await writeDumpToS3(ctx.s3, ctx.config.S3_BUCKET, 'errbody/', { datasets: 40, pages: 2, seed: 59 });
    await ctx.s3.send(
      new PutObjectCommand({
        Bucket: ctx.config.S3_BUCKET,
        Key: 'errbody/page-0002.json',
        Body: JSON.stringify({ error: 'Internal Server Error', status: 500 }),
      }),
    );
    const run = await runToEnd('errbody/');
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(
      /errbody\/page-0002\.json: not a dump page: the document has no @graph and no dcat:Dataset node/,
    );
  });
});

describe('input the database cannot store as it is', () => {
  it('removes NUL bytes, replaces lone surrogates, truncates huge values, counts each, and publishes', async () => {
    const files: GeneratedFile[] = [];
    for await (const f of generateDump({ datasets: 30, pages: 1, seed: 67 })) files.push(f);
    const doc = JSON.parse((await readBody(files[0]!)).toString()) as { '@graph': Record<string, unknown>[] };
    const datasets = doc['@graph'].filter((n) => JSON.stringify(n['@type']).includes('Dataset'));
    const titleKey = Object.keys(datasets[0]!).find((k) => /title$/.test(k))!;
    const descriptionKey = Object.keys(datasets[0]!).find((k) => /description$/.test(k)) ?? 'dct:description';
    datasets[0]![titleKey] = 'Zonage\u0000 PPRN';
    datasets[1]![titleKey] = 'Cours d\ud800eau';
    datasets[2]![descriptionKey] = 'x'.repeat(ctx.config.MAX_VALUE_BYTES + 10);
    await ctx.s3.send(
      new PutObjectCommand({
        Bucket: ctx.config.S3_BUCKET,
        Key: 'odd/page-1.json',
        Body: JSON.stringify(doc),
      }),
    );
    const run = await runToEnd('odd/');
    expect(run.error).toBeNull();
    expect(run.status).toBe('published');
    expect(run.datasets).toBe(30);
    expect(run.notes).toMatchObject({
      'nul_bytes_removed:title': 1,
      'lone_surrogates_replaced:title': 1,
      'value_truncated:description': 1,
    });
    const { rows } = await ctx.pool.query<{ title: string }>(
      'SELECT title FROM dataset_quality WHERE run_id = $1 AND dataset_uri = ANY($2) ORDER BY title',
      [run.id, [datasets[0]!['@id'], datasets[1]!['@id']]],
    );
    expect(rows.map((r) => r.title)).toEqual(['Cours d\ufffdeau', 'Zonage PPRN']);
  });
});

describe('latest means newest', () => {
  it('the views read the published run with the latest scheduled date, not the one published last', async () => {
    await writeDumpToS3(ctx.s3, ctx.config.S3_BUCKET, 'newest/', { datasets: 20, pages: 1, seed: 71 });
    const older = await runToEnd('newest/');
    const newer = await runToEnd('newest/');
    const latest = async () =>
      (await ctx.pool.query<{ run_id: number }>('SELECT DISTINCT run_id FROM dataset_quality_latest')).rows;
    expect(await latest()).toEqual([{ run_id: newer.id }]);
    // the run published last was scheduled before the other one (an old failed run retried late)
    await ctx.pool.query(
      `UPDATE etl_runs SET scheduled_for = $2::timestamptz - interval '1 day' WHERE id = $1`,
      [newer.id, older.scheduled_for],
    );
    expect(await latest()).toEqual([{ run_id: older.id }]);
  });
});

describe('a transform worker killed mid-run', () => {
  function transformProcess(): ChildProcess {
    return spawn(
      process.execPath,
      ['--import', 'tsx', 'producer/cli.ts', 'workers', '--queues', 'transform'],
      {
        env: { ...process.env, ...configEnv(ctx.config, { LOG_LEVEL: 'warn' }), NODE_NO_WARNINGS: '1' },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
  }

  it('is replaced, and the run publishes with exact counts', { timeout: 150_000 }, async () => {
    // only the child processes transform here
    await workers.close();
    workers = await startWorkers(deps, ['extract', 'load']);
    const summary = await writeDumpToS3(ctx.s3, ctx.config.S3_BUCKET, 'killed/', {
      datasets: 2400,
      pages: 40,
      seed: 61,
      duplicates: 12,
    });
    let first = transformProcess();
    let second: ChildProcess | undefined;
    try {
      const { runId } = await enqueueRun(deps, { prefix: 'killed/', trigger: 'test' });
      // kill it once it is well into the run, with a job in its hands
      for (;;) {
        const run = await getRun(ctx.pool, runId);
        const active = await deps.queues.transform.getActiveCount();
        if ((run?.loaded_batches ?? 0) >= 5 && active > 0) break;
        if (run?.status === 'published') throw new Error('the run ended before the worker could be killed');
        await sleep(20);
      }
      first.kill('SIGKILL');
      await new Promise((r) =>
        first.exitCode !== null || first.signalCode !== null ? r(null) : first.once('exit', r),
      );
      const killedAt = Date.now();
      second = transformProcess();
      const run = await waitForRun(ctx.pool, runId, { timeoutMs: 120_000, intervalMs: 100 });
      expect(run.status).toBe('published');
      expect(run.datasets).toBe(summary.datasets);
      expect(run.duplicates).toBe(summary.datasetNodes - summary.datasets);
      // 40 pages, TRANSFORM_BATCH_SOURCES a job
      expect(run.loaded_batches).toBe(Math.ceil(40 / ctx.config.TRANSFORM_BATCH_SOURCES));
      expect(run.objects_read).toBe(40);
      const { rows } = await ctx.pool.query<{ n: number; d: number }>(
        'SELECT count(*)::int AS n, count(DISTINCT dataset_uri)::int AS d FROM dataset_quality WHERE run_id = $1',
        [runId],
      );
      expect(rows[0]).toEqual({ n: summary.datasets, d: summary.datasets });
      // the job the killed worker held was taken over within lockDuration + stalledInterval
      expect(Date.now() - killedAt).toBeLessThan(45_000);
    } finally {
      for (const c of [first, second]) c?.kill('SIGKILL');
      first = undefined as unknown as ChildProcess;
      await workers.close();
      workers = await startWorkers(deps, ['extract', 'transform', 'load']);
    }
  });
});
