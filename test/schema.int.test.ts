import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import pg from 'pg';
import { columnDdl, QUALITY_COLUMNS, sqlType } from '../shared/columns.js';
import { createDatabase, createPool, dropDatabase, type Pool } from '../shared/db.js';
import { migrate, viewFiles } from '../shared/migrate.js';
import { ensureStaging, stagingTable } from '../shared/runs.js';

function databaseUrl(name: string): string {
  const u = new URL(inject('databaseUrl'));
  u.pathname = `/${name}`;
  return u.toString();
}

interface Column {
  name: string;
  type: string;
  not_null: boolean;
  comment: string | null;
}

async function qualityColumns(pool: Pool): Promise<Column[]> {
  const { rows } = await pool.query<Column>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
            col_description(a.attrelid, a.attnum) AS comment
     FROM pg_attribute a
     WHERE a.attrelid = 'dataset_quality'::regclass AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY a.attnum`,
  );
  return rows;
}

/** The columns the migrations built are exactly the declared ones (same type, NOT NULL, comment). */
async function expectDeclaredColumns(pool: Pool): Promise<void> {
  const byName = new Map((await qualityColumns(pool)).map((c) => [c.name, c]));
  for (const c of QUALITY_COLUMNS) {
    const found = byName.get(c.name);
    const hint = `a new migration file needs: ALTER TABLE dataset_quality ADD COLUMN ${columnDdl(c)};`;
    expect(found, `column ${c.name} is declared in shared/columns.ts but missing: ${hint}`).toBeDefined();
    expect({ type: found!.type, not_null: found!.not_null }, `${c.name}: ${hint}`).toEqual({
      type: sqlType(c) === 'real' ? 'real' : sqlType(c),
      not_null: c.required === true,
    });
    expect(found!.comment, c.name).toBe(c.doc);
  }
  const keys = ['run_id', 'dataset_uri', 'source_key', 'source_object', 'source_element'];
  const undeclared = [...byName.keys()].filter(
    (n) => !keys.includes(n) && !QUALITY_COLUMNS.some((c) => c.name === n),
  );
  expect(undeclared, 'columns of dataset_quality that shared/columns.ts does not declare').toEqual([]);
}

describe('a fresh database', () => {
  const url = databaseUrl(`dq_schema_fresh_${randomBytes(4).toString('hex')}`);
  let pool: Pool;

  beforeAll(async () => {
    await createDatabase(url);
    pool = createPool(url);
  });
  afterAll(async () => {
    await pool?.end();
    await dropDatabase(url);
  });

  it('gets every migration file, every view, and exactly the declared quality columns', async () => {
    expect((await migrate(pool)).applied).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const { rows } = await pool.query<{ version: number; md5: string | null }>(
      'SELECT version, md5 FROM schema_migrations ORDER BY version',
    );
    expect(rows.map((r) => r.version)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(rows.every((r) => /^[0-9a-f]{32}$/.test(r.md5 ?? ''))).toBe(true);
    const views = await pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.views WHERE table_schema = 'public' ORDER BY 1`,
    );
    expect(views.rows.map((r) => r.table_name)).toEqual(
      viewFiles()
        .map((v) => v.name)
        .sort(),
    );
    await expectDeclaredColumns(pool);
  });

  it("compresses the long text columns with lz4, and a run's staging table copies it", async () => {
    const methods = async (table: string) =>
      (
        await pool.query<{ attname: string; attcompression: string }>(
          `SELECT attname, attcompression FROM pg_attribute
           WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped AND attstorage IN ('x', 'm')`,
          [table],
        )
      ).rows;
    const parent = await methods('dataset_quality');
    expect(parent.map((c) => c.attname)).toEqual(expect.arrayContaining(['title', 'description']));
    expect(parent.every((c) => c.attcompression === 'l')).toBe(true);
    await ensureStaging(pool, 424242);
    const staging = await methods(stagingTable(424242));
    expect(staging).toEqual(parent);
    await pool.query(`DROP TABLE ${stagingTable(424242)}`);
  });

  it('is left alone by a second migrate (idempotent), also from several processes at once', async () => {
    const results = await Promise.all([migrate(pool), migrate(pool), migrate(pool)]);
    expect(results.map((r) => r.applied)).toEqual([[], [], []]);
  });
});

describe('a database created by the migrator before postgrator (test/fixtures/schema-v4.sql)', () => {
  const url = databaseUrl(`dq_schema_v4_${randomBytes(4).toString('hex')}`);
  let pool: Pool;

  beforeAll(async () => {
    await createDatabase(url);
    // pg_dump's script empties search_path for its session: a client of its own
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(readFileSync(new URL('./fixtures/schema-v4.sql', import.meta.url), 'utf8'));
    await client.end();
    pool = createPool(url);
  });
  afterAll(async () => {
    await pool?.end();
    await dropDatabase(url);
  });

  it('upgrades in place: only the newer migrations applied, published rows and views kept', async () => {
    const before = await pool.query('SELECT version, name FROM schema_migrations ORDER BY version');
    expect(before.rows.map((r: { version: number }) => r.version)).toEqual([1, 2, 3, 4]);
    expect((await migrate(pool)).applied).toEqual([5, 6, 7]);
    const after = await pool.query<{ version: number; name: string; md5: string | null }>(
      'SELECT version, name, md5 FROM schema_migrations ORDER BY version',
    );
    // the same rows (names as the old migrator wrote them), postgrator's md5 column added, empty
    expect(after.rows.slice(0, 4).map((r) => [r.version, r.name])).toEqual(
      before.rows.map((r: { version: number; name: string }) => [r.version, r.name]),
    );
    expect(after.rows.slice(0, 4).every((r) => r.md5 === null)).toBe(true);
    expect(after.rows[4]).toMatchObject({ version: 5, name: 'dcat-ap-recommendations' });
    const latest = await pool.query<{ dataset_uri: string; filling_rate: number; mqa_rating: string }>(
      'SELECT dataset_uri, filling_rate, mqa_rating FROM dataset_quality_latest ORDER BY dataset_uri',
    );
    expect(latest.rows).toEqual([
      { dataset_uri: 'https://example.org/ds/1', filling_rate: 55.56, mqa_rating: 'bad' },
      { dataset_uri: 'https://example.org/ds/2', filling_rate: 77.78, mqa_rating: 'good' },
    ]);
    const trend = await pool.query<{ datasets: number }>('SELECT datasets FROM quality_trend');
    expect(trend.rows).toEqual([{ datasets: 2 }]);
    const stored = await pool.query<{ name: string; definition: string }>(
      'SELECT name, definition FROM schema_views ORDER BY name',
    );
    expect(stored.rows).toEqual(
      viewFiles()
        .map((v) => ({ name: v.name, definition: v.sql }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    );
    await expectDeclaredColumns(pool);
    const indicators = await pool.query<{ n: number; points: number }>(
      'SELECT count(*)::int AS n, sum(points)::int AS points FROM mqa_indicators',
    );
    expect(indicators.rows[0]).toEqual({ n: 23, points: 405 });
  });
});
