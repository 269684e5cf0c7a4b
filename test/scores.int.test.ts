import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, runDumpToEnd, type TestContext } from './helpers/context.js';
import { buildWorkerDeps, startWorkers } from '../workers/main.js';
import { writeDumpToS3 } from '../tools/synthetic/generate.js';
import { MQA_INDICATORS } from '../shared/columns.js';

/**
 * A real run with the DCAT-AP SHACL validation on (the default): compliance assessed on every
 * dataset, every SHACL result listed, recommendations that add up, udata scores in ninths, and
 * the `datasets` view in the previous chain's shapes.
 */
let ctx: TestContext;
let deps: Awaited<ReturnType<typeof buildWorkerDeps>>;
let workers: Awaited<ReturnType<typeof startWorkers>>;
let runId: number;

beforeAll(async () => {
  ctx = await createTestContext({ DCAT_AP_SHACL: 'on' });
  deps = await buildWorkerDeps(ctx.config);
  workers = await startWorkers(deps, ['extract', 'transform', 'load']);
  await writeDumpToS3(ctx.s3, ctx.config.S3_BUCKET, 'dcat/', { datasets: 150, pages: 3, seed: 11 });
  const run = await runDumpToEnd(deps, ctx.pool, 'dcat/');
  expect(run.status).toBe('published');
  runId = run.id;
});

afterAll(async () => {
  await workers?.close();
  await deps?.close();
  await ctx?.cleanup();
});

describe('DCAT-AP compliance and violations', () => {
  it('assesses compliance on every dataset: 30 more points assessable', async () => {
    const { rows } = await ctx.pool.query<{ n: number; assessed: number; assessable: number }>(
      `SELECT count(*)::int AS n, count(mqa_dcat_ap_compliance)::int AS assessed,
              min(mqa_assessable)::int AS assessable
       FROM dataset_quality_latest`,
    );
    expect(rows[0]).toEqual({ n: 150, assessed: 150, assessable: 325 });
  });

  it('lists every SHACL result in dataset_violations_latest, compliance following the Violations', async () => {
    const view = await ctx.pool.query(`SELECT * FROM dataset_violations_latest LIMIT 1`);
    expect(view.fields.map((f) => f.name)).toEqual([
      'run_id',
      'dataset_uri',
      'source_catalog',
      'focus_node',
      'path',
      'constraint',
      'severity',
      'message',
      'value',
    ]);
    const { rows } = await ctx.pool.query<{ ok: boolean }>(
      `SELECT (SELECT count(*) FROM dataset_violations_latest)
                = (SELECT sum(jsonb_array_length(dcat_ap_violations)) FROM dataset_quality_latest)
          AND NOT EXISTS (
            SELECT 1 FROM dataset_quality_latest q
            WHERE q.mqa_dcat_ap_compliance
                  <> NOT EXISTS (SELECT 1 FROM dataset_violations_latest v
                                 WHERE v.dataset_uri = q.dataset_uri AND v.severity = 'Violation')
          ) AS ok`,
    );
    expect(rows[0]!.ok).toBe(true);
    const sample = await ctx.pool.query<{ run_id: number; focus_node: string; path: string | null }>(
      `SELECT run_id, focus_node, path FROM dataset_violations_latest WHERE severity = 'Violation' LIMIT 5`,
    );
    expect(sample.rows.length).toBeGreaterThan(0);
    for (const r of sample.rows) {
      expect(r.run_id).toBe(runId);
      expect(r.focus_node).not.toMatch(/^_:N/); // blank nodes are named by their path from the dataset
    }
  });
});

describe('what to fix first', () => {
  it('dataset_recommendations_latest: one row per failed assessed indicator, adding up per dataset', async () => {
    const { rows } = await ctx.pool.query<{ bad: number; datasets: number }>(
      `SELECT count(*) FILTER (WHERE coalesce(r.points, 0) <> q.mqa_assessable - q.mqa_total)::int AS bad,
              count(*)::int AS datasets
       FROM dataset_quality_latest q
       LEFT JOIN (SELECT dataset_uri, sum(points) AS points FROM dataset_recommendations_latest GROUP BY 1) r
         USING (dataset_uri)`,
    );
    expect(rows[0]).toEqual({ bad: 0, datasets: 150 });
    const one = await ctx.pool.query<{
      indicator: string;
      points: number;
      advice: string;
      advice_fr: string;
    }>(
      `SELECT indicator, points, advice, advice_fr FROM dataset_recommendations_latest ORDER BY points DESC LIMIT 1`,
    );
    const declared = MQA_INDICATORS.find((i) => i.id === one.rows[0]!.indicator)!;
    expect(one.rows[0]).toEqual({
      indicator: declared.id,
      points: declared.points,
      advice: declared.advice,
      advice_fr: declared.adviceFr,
    });
  });

  it('catalog_recommendations_latest: the same points, per catalogue and indicator', async () => {
    const { rows } = await ctx.pool.query<{ a: number; b: number; catalogues: number }>(
      `SELECT (SELECT sum(points) FROM catalog_recommendations_latest)::int AS a,
              (SELECT sum(mqa_assessable - mqa_total) FROM dataset_quality_latest)::int AS b,
              (SELECT count(DISTINCT source_catalog) FROM catalog_recommendations_latest)::int AS catalogues`,
    );
    expect(rows[0]!.a).toBe(rows[0]!.b);
    expect(rows[0]!.catalogues).toBeGreaterThan(1);
  });
});

describe('scores in their owners shapes', () => {
  it('udata_score is always criteria met / 9; mqa_rating_raw follows the unscaled bands', async () => {
    const { rows } = await ctx.pool.query<{ bad_udata: number; bad_raw: number }>(
      `SELECT count(*) FILTER (WHERE abs(udata_score * 9 - round(udata_score * 9)) > 1e-4
                               OR round(udata_score * 9) <> (udata_description_length::int + udata_license::int
                                 + udata_temporal_coverage::int + udata_spatial_coverage::int
                                 + udata_update_frequency::int + udata_updated_in_time::int
                                 + udata_open_format::int + udata_resources_available::int
                                 + udata_resources_documented::int))::int AS bad_udata,
              count(*) FILTER (WHERE mqa_rating_raw <> CASE WHEN mqa_total > 350 THEN 'excellent'
                WHEN mqa_total > 220 THEN 'good' WHEN mqa_total > 120 THEN 'sufficient' ELSE 'bad' END)::int AS bad_raw
       FROM dataset_quality_latest`,
    );
    expect(rows[0]).toEqual({ bad_udata: 0, bad_raw: 0 });
  });

  it("the datasets view gives the previous chain's status labels and {a, b} lists", async () => {
    const { rows } = await ctx.pool.query<{
      status: string | null;
      key_words: string | null;
      themes: string | null;
    }>(`SELECT DISTINCT status, key_words, themes FROM datasets`);
    const statuses = new Set(rows.map((r) => r.status).filter((s) => s !== null));
    expect(statuses.size).toBeGreaterThan(0);
    expect(
      [...statuses].filter((s) => ['On going', 'Historical archive', 'Under development'].includes(s)),
    ).toEqual([]);
    const shapes = await ctx.pool.query<{ old: string }>(
      `SELECT DISTINCT d.status AS old FROM datasets d JOIN dataset_quality_latest q ON q.dataset_uri = d.dataset
       WHERE q.status IN ('On going', 'Historical archive', 'Under development')`,
    );
    for (const r of shapes.rows)
      expect(['On Going', 'Historical Archive', 'Under Development']).toContain(r.old);
    for (const r of rows) {
      for (const list of [r.key_words, r.themes]) if (list !== null) expect(list).toMatch(/^\{.*\}$/);
    }
  });
});
