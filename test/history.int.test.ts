import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createTestContext, type TestContext } from './helpers/context.js';
import { buildWorkerDeps, startWorkers } from '../workers/main.js';
import { enqueueRun, waitForRun } from '../producer/etl.js';
import { generateDump, readBody } from '../tools/synthetic/generate.js';

/**
 * Two real runs through the whole pipeline where one dataset improves between them (it gains its
 * keywords): history, the trend and the changes views see it, the latest views show run 2 only.
 */
let ctx: TestContext;
let deps: Awaited<ReturnType<typeof buildWorkerDeps>>;
let workers: Awaited<ReturnType<typeof startWorkers>>;
let improved: string;
const runs: number[] = [];

type Node = Record<string, unknown> & { '@id': string; '@type'?: string | string[] };

beforeAll(async () => {
  ctx = await createTestContext({ RETENTION_RUNS: '5' });
  deps = await buildWorkerDeps(ctx.config);
  workers = await startWorkers(deps, ['extract', 'transform', 'load']);

  for await (const file of generateDump({ datasets: 60, pages: 2, seed: 31 })) {
    const body = await readBody(file);
    await ctx.s3.send(
      new PutObjectCommand({ Bucket: ctx.config.S3_BUCKET, Key: `v2/${file.key}`, Body: body }),
    );
    // the first run's dump: the same, but the first dataset with keywords has none yet
    const doc = JSON.parse(body.toString('utf8')) as { '@graph': Node[] };
    if (!improved) {
      const target = doc['@graph'].find(
        (n) => [n['@type']].flat().includes('dcat:Dataset') && n['dcat:keyword'] !== undefined,
      )!;
      delete target['dcat:keyword'];
      improved = target['@id'];
    }
    await ctx.s3.send(
      new PutObjectCommand({
        Bucket: ctx.config.S3_BUCKET,
        Key: `v1/${file.key}`,
        Body: JSON.stringify(doc),
      }),
    );
  }
  for (const prefix of ['v1/', 'v2/']) {
    const { runId } = await enqueueRun(deps, { prefix, trigger: 'test' });
    const run = await waitForRun(ctx.pool, runId, { timeoutMs: 60_000, intervalMs: 50 });
    expect(run.status).toBe('published');
    runs.push(runId);
  }
});

afterAll(async () => {
  await workers?.close();
  await deps?.close();
  await ctx?.cleanup();
});

describe('quality over time, after two real runs', () => {
  it('keeps both runs as history and shows the latest in dataset_quality_latest', async () => {
    const perRun = await ctx.pool.query<{ run_id: number; n: number }>(
      'SELECT run_id, count(*)::int AS n FROM dataset_quality GROUP BY run_id ORDER BY run_id',
    );
    expect(perRun.rows).toEqual(runs.map((id) => ({ run_id: id, n: 60 })));
    const latest = await ctx.pool.query<{
      run_id: number;
      mqa_keyword_availability: boolean;
      keywords: string[];
    }>(
      'SELECT run_id, mqa_keyword_availability, keywords FROM dataset_quality_latest WHERE dataset_uri = $1',
      [improved],
    );
    expect(latest.rows).toHaveLength(1);
    expect(latest.rows[0]!.run_id).toBe(runs[1]);
    expect(latest.rows[0]!.mqa_keyword_availability).toBe(true);
    expect(latest.rows[0]!.keywords.length).toBeGreaterThan(0);
  });

  it('dataset_quality_changes lists exactly the improved dataset, with old and new values', async () => {
    const { rows } = await ctx.pool.query<Record<string, unknown>>('SELECT * FROM dataset_quality_changes');
    expect(rows.map((r) => r.dataset_uri)).toEqual([improved]);
    const change = rows[0]!;
    expect(Number(change.mqa_total_new) - Number(change.mqa_total_old)).toBe(30); // keyword_availability
  });

  it('quality_trend has one row per run and catalogue, and the mean MQA total went up', async () => {
    const { rows } = await ctx.pool.query<{ run_id: number; datasets: number; mean_mqa_total: number }>(
      `SELECT run_id, sum(datasets)::int AS datasets, sum(mean_mqa_total * datasets) / sum(datasets) AS mean_mqa_total
       FROM quality_trend GROUP BY run_id ORDER BY run_id`,
    );
    expect(rows.map((r) => [r.run_id, r.datasets])).toEqual(runs.map((id) => [id, 60]));
    expect(rows[1]!.mean_mqa_total).toBeGreaterThan(rows[0]!.mean_mqa_total);
  });

  it('catalog_quality_latest aggregates the latest run only', async () => {
    const { rows } = await ctx.pool.query<{ run_id: number; datasets: number }>(
      'SELECT run_id, datasets FROM catalog_quality_latest',
    );
    expect(new Set(rows.map((r) => r.run_id))).toEqual(new Set([runs[1]]));
    expect(rows.reduce((a, r) => a + r.datasets, 0)).toBe(60);
  });

  it('the datasets compatibility view shows the latest run under the old column names', async () => {
    const { rows } = await ctx.pool.query<{
      dataset: string;
      percantage_filling: number;
      filling_rate: number;
    }>(
      `SELECT d.dataset, d.percantage_filling, q.filling_rate
       FROM datasets d JOIN dataset_quality_latest q ON q.dataset_uri = d.dataset`,
    );
    expect(rows).toHaveLength(60);
    for (const r of rows) expect(r.percantage_filling).toBeCloseTo(r.filling_rate, 2);
  });
});
