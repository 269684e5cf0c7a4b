import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { FAIR_COLUMNS } from '../shared/columns.js';
import type { QualityRow } from '../shared/columns.js';
import type { Pool } from '../shared/db.js';
import { applyRunRetention as applyRetention, partitionName } from '../shared/run-retention.js';
import { computeFair } from '../workers/transform/fair.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { fullRecord } from './helpers/fair-records.js';

let ctx: TestContext;
let pool: Pool;

const CATALOG = 'GéoIDE Catalogue';

/** A dataset row: a few section-1 columns and the FAIR columns computed from a hand-written record. */
async function qualityRow(uri: string, improved: boolean): Promise<QualityRow> {
  const record = fullRecord((p) => {
    if (!improved) {
      delete p.dataset['dcat:keyword'];
      delete p.dataset['dcat:contactPoint'];
    }
  });
  const { row } = await computeFair(record, { runDate: '2024-06-16' });
  return {
    dataset_uri: uri,
    source_key: 'dcat/page-1.json',
    title: 'PPRN de la commune',
    description: 'Plan de prévention des risques naturels',
    modified: '2024-01-10',
    themes: ['http://example.org/theme/risques'],
    keywords: improved ? ['risques', 'inondation, crue'] : [],
    rights_statements: ["Pas de restriction d'accès public selon INSPIRE"],
    open_access: true,
    contact_email: improved ? 'someone@example.gouv.fr' : null,
    status: 'Completed',
    source_catalog: CATALOG,
    communes: ['74079'],
    departements: ['74'],
    geo_coverage: 'Communale',
    universe_pprn: true,
    licences: ['https://spdx.org/licenses/etalab-2.0'],
    filling_rate: improved ? 100 : 88.9,
    ...row,
  };
}

/** What the load worker does for a run: a standalone table, filled, attached at publication. */
async function publishRun(
  rows: QualityRow[],
  publishedAt: string,
  notes: Record<string, number> = {},
): Promise<number> {
  const run = await pool.query<{ id: number }>(
    `INSERT INTO etl_runs (status, prefix, scheduled_for, published_at, finished_at, notes)
     VALUES ('published', 'dcat/', $1::timestamptz - interval '1 hour', $1, $1, $2) RETURNING id`,
    [publishedAt, JSON.stringify(notes)],
  );
  const id = run.rows[0]!.id;
  const table = pg.escapeIdentifier(partitionName(id));
  await pool.query(`CREATE TABLE ${table} (LIKE dataset_quality INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
  await pool.query(`ALTER TABLE ${table} ADD CHECK (run_id = ${id})`);
  for (const row of rows) {
    const cols = ['run_id', ...Object.keys(row)];
    await pool.query(
      `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
      [id, ...Object.values(row)],
    );
  }
  await pool.query(`ALTER TABLE dataset_quality ATTACH PARTITION ${table} FOR VALUES IN (${id})`);
  return id;
}

async function failRun(finishedAgo: string, withStaging = true): Promise<number> {
  const run = await pool.query<{ id: number }>(
    `INSERT INTO etl_runs (status, prefix, finished_at, error) VALUES ('failed', 'dcat/', now() - $1::interval, 'boom')
     RETURNING id`,
    [finishedAgo],
  );
  const id = run.rows[0]!.id;
  if (withStaging) {
    await pool.query(
      `CREATE TABLE ${partitionName(id)} (LIKE dataset_quality INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
    );
  }
  return id;
}

async function tableExists(name: string): Promise<boolean> {
  const { rows } = await pool.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [name]);
  return rows[0]?.t != null;
}

beforeAll(async () => {
  ctx = await createTestContext();
  pool = ctx.pool;
});

afterAll(async () => {
  await ctx?.cleanup();
});

describe('migration 2', () => {
  it('adds every FAIR column to dataset_quality with its declared type, nullable', async () => {
    const { rows } = await pool.query<{ column_name: string; data_type: string; is_nullable: string }>(
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = 'dataset_quality'`,
    );
    const byName = new Map(rows.map((r) => [r.column_name, r]));
    const sqlType = {
      boolean: 'boolean',
      integer: 'integer',
      real: 'real',
      text: 'text',
      jsonb: 'jsonb',
    } as Record<string, string>;
    for (const c of FAIR_COLUMNS) {
      expect(byName.get(c.name), c.name).toMatchObject({ data_type: sqlType[c.type], is_nullable: 'YES' });
    }
  });

  it('adds etl_runs.purged_at', async () => {
    const { rowCount } = await pool.query(
      `SELECT 1 FROM information_schema.columns WHERE table_name = 'etl_runs' AND column_name = 'purged_at'`,
    );
    expect(rowCount).toBe(1);
  });
});

describe('views after two published runs where a dataset improves', () => {
  let first: number;
  let second: number;

  beforeAll(async () => {
    first = await publishRun(
      [
        await qualityRow('https://example.org/ds/a', false),
        await qualityRow('https://example.org/ds/b', true),
      ],
      '2024-06-15T02:00:00Z',
    );
    second = await publishRun(
      [
        await qualityRow('https://example.org/ds/a', true),
        await qualityRow('https://example.org/ds/b', true),
      ],
      '2024-06-16T02:00:00Z',
      { 'unknown_format:Format maison': 3, 'unknown_licence:https://example.org/l': 1, dates_unparseable: 2 },
    );
  });

  it('dataset_quality_changes: only the improved dataset, with old and new values', async () => {
    const { rows } = await pool.query<Record<string, unknown>>('SELECT * FROM dataset_quality_changes');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      dataset_uri: 'https://example.org/ds/a',
      previous_run_id: first,
      run_id: second,
      previous_run_date: '2024-06-15',
      run_date: '2024-06-16',
      mqa_total_old: 245,
      mqa_total_new: 295,
      mqa_total_delta: 50,
      mqa_rating_old: 'good',
      mqa_rating_new: 'excellent',
    });
    expect(rows[0]!.filling_rate_old).toBeCloseTo(88.9, 4);
    expect(rows[0]!.filling_rate_new).toBe(100);
  });

  it('quality_trend: one row per run and catalogue, for line charts', async () => {
    const { rows } = await pool.query<Record<string, unknown>>(
      'SELECT * FROM quality_trend ORDER BY run_date',
    );
    expect(rows.map((r) => [r.run_id, r.run_date, r.source_catalog, r.datasets])).toEqual([
      [first, '2024-06-15', CATALOG, 2],
      [second, '2024-06-16', CATALOG, 2],
    ]);
    expect(rows[0]).toMatchObject({
      mean_mqa_total: 270.0,
      rating_excellent: 1,
      rating_good: 1,
      rating_sufficient: 0,
      rating_bad: 0,
      pct_open_access: 100.0,
      pct_with_licence: 100.0,
      pct_with_contact: 50.0,
    });
    expect(rows[1]).toMatchObject({
      mean_mqa_total: 295.0,
      rating_excellent: 2,
      pct_with_contact: 100.0,
    });
  });

  it('catalog_quality_latest: the latest run only', async () => {
    const { rows } = await pool.query('SELECT * FROM catalog_quality_latest');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      run_id: second,
      source_catalog: CATALOG,
      datasets: 2,
      mean_filling_rate: 100.0,
      mean_mqa_total: 295.0,
      mean_udata_score: 1.0,
      rating_excellent: 2,
      pct_open_access: 100.0,
      pct_with_licence: 100.0,
      pct_with_contact: 100.0,
    });
  });

  it('datasets: the previous chain column names and shapes, on the latest run', async () => {
    const result = await pool.query('SELECT * FROM datasets ORDER BY dataset');
    expect(result.fields.map((f) => f.name)).toEqual([
      'dataset',
      'title',
      'description',
      'modification',
      'right_statement',
      'themes',
      'key_words',
      'creator',
      'rights_holder',
      'contact_point',
      'status',
      'catalog',
      'licenses',
      'percantage_filling',
      'univers',
      'commune',
      'departement',
      'geo_coverage',
      'right_statement_processed',
    ]);
    expect(result.rows).toHaveLength(2);
    expect(result.rows[0]).toEqual({
      dataset: 'https://example.org/ds/a',
      title: 'PPRN de la commune',
      description: 'Plan de prévention des risques naturels',
      modification: '2024-01-10',
      right_statement: "Pas de restriction d'accès public selon INSPIRE",
      themes: '{http://example.org/theme/risques}',
      key_words: '{risques, inondation, crue}',
      creator: null,
      rights_holder: null,
      contact_point: 'someone@example.gouv.fr',
      status: 'Completed',
      catalog: CATALOG,
      licenses: '{https://spdx.org/licenses/etalab-2.0}',
      percantage_filling: 100,
      univers: 'PPRN',
      commune: '{74079}',
      departement: '{74}',
      geo_coverage: 'Communale',
      right_statement_processed: true,
    });
  });

  it('dataset_quality_latest picks up the FAIR columns', async () => {
    const { rows } = await pool.query(
      `SELECT mqa_total, mqa_rating, mqa_estimated, udata_score FROM dataset_quality_latest WHERE dataset_uri = $1`,
      ['https://example.org/ds/a'],
    );
    expect(rows).toEqual([{ mqa_total: 295, mqa_rating: 'excellent', mqa_estimated: true, udata_score: 1 }]);
  });

  it('run_unknown_values: what the vocabularies missed, per run', async () => {
    const { rows } = await pool.query(
      'SELECT kind, value, datasets FROM run_unknown_values WHERE run_id = $1 ORDER BY kind',
      [second],
    );
    expect(rows).toEqual([
      { kind: 'unknown_format', value: 'Format maison', datasets: 3 },
      { kind: 'unknown_licence', value: 'https://example.org/l', datasets: 1 },
    ]);
  });

  it('catalog_quality_latest reads one partition only', async () => {
    const { rows } = await pool.query<{ 'QUERY PLAN': string }>(
      'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT * FROM catalog_quality_latest',
    );
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toContain(partitionName(second));
    expect(plan).toMatch(new RegExp(`${partitionName(first)}[^\\n]*\\(never executed\\)`));
  });
});

describe('applyRetention', () => {
  it('keeps the newest runs by publication time, drops older partitions, marks them purged', async () => {
    await pool.query('TRUNCATE etl_batches');
    const existing = await pool.query<{ id: number }>(`SELECT id FROM etl_runs WHERE status = 'published'`);
    // four more runs, ids not in publication order: the last inserted was published first
    const late = await publishRun(
      [await qualityRow('https://example.org/ds/c', true)],
      '2024-06-20T02:00:00Z',
    );
    const latest = await publishRun(
      [await qualityRow('https://example.org/ds/c', true)],
      '2024-06-21T02:00:00Z',
    );
    const early = await publishRun(
      [await qualityRow('https://example.org/ds/c', true)],
      '2024-06-01T02:00:00Z',
    );
    await pool.query(`INSERT INTO etl_batches (run_id, batch, rows) VALUES ($1, 'o0c0', 1)`, [early]);

    const client = await pool.connect();
    let result: Awaited<ReturnType<typeof applyRetention>>;
    try {
      result = await applyRetention(client, 2);
    } finally {
      client.release();
    }
    expect(result.dropped.sort((a, b) => a - b)).toEqual(
      [...existing.rows.map((r) => r.id), early].sort((a, b) => a - b),
    );
    expect(result.staging).toEqual([]);

    for (const id of result.dropped) expect(await tableExists(partitionName(id)), `run ${id}`).toBe(false);
    for (const id of [late, latest]) expect(await tableExists(partitionName(id)), `run ${id}`).toBe(true);
    const kept = await pool.query<{ run_id: number }>(
      'SELECT DISTINCT run_id FROM dataset_quality ORDER BY run_id',
    );
    expect(kept.rows.map((r) => r.run_id)).toEqual([late, latest].sort((a, b) => a - b));
    const purged = await pool.query<{ id: number }>(
      'SELECT id FROM etl_runs WHERE purged_at IS NOT NULL ORDER BY id',
    );
    expect(purged.rows.map((r) => r.id)).toEqual([...result.dropped].sort((a, b) => a - b));
    expect((await pool.query('SELECT 1 FROM etl_batches WHERE run_id = $1', [early])).rowCount).toBe(0);

    // the dashboards still see the latest run; with one run left there is no "previous" to compare
    const latestRows = await pool.query('SELECT run_id FROM dataset_quality_latest');
    expect(latestRows.rows).toEqual([{ run_id: latest }]);

    // idempotent
    const again = await pool.connect();
    try {
      expect(await applyRetention(again, 2)).toEqual({ dropped: [], staging: [] });
    } finally {
      again.release();
    }
  });

  it('drops the staging tables of runs failed over a day ago, never published history', async () => {
    const old = await failRun('2 days');
    const oldNoTable = await failRun('3 days', false);
    const recent = await failRun('1 hour');
    const published = await pool.query<{ id: number }>(
      `SELECT id FROM etl_runs WHERE status = 'published' AND purged_at IS NULL ORDER BY id`,
    );
    const before = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM dataset_quality');

    const client = await pool.connect();
    try {
      const result = await applyRetention(client, 10);
      expect(result).toEqual({ dropped: [], staging: [old] });
    } finally {
      client.release();
    }
    expect(await tableExists(partitionName(old))).toBe(false);
    expect(await tableExists(partitionName(recent))).toBe(true);
    const marks = await pool.query<{ id: number; purged: boolean }>(
      'SELECT id, purged_at IS NOT NULL AS purged FROM etl_runs WHERE id = ANY($1) ORDER BY id',
      [[old, oldNoTable, recent]],
    );
    expect(marks.rows).toEqual([
      { id: old, purged: true },
      { id: oldNoTable, purged: true },
      { id: recent, purged: false },
    ]);
    const after = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM dataset_quality');
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
    const stillPublished = await pool.query<{ id: number }>(
      `SELECT id FROM etl_runs WHERE status = 'published' AND purged_at IS NULL ORDER BY id`,
    );
    expect(stillPublished.rows).toEqual(published.rows);
  });

  it('rejects a keep below 1', async () => {
    const client = await pool.connect();
    try {
      await expect(applyRetention(client, 0)).rejects.toThrow(RangeError);
    } finally {
      client.release();
    }
  });
});
