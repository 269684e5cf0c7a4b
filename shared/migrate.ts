/**
 * The database schema: versioned migrations (`sql/migrations/NNN.do.<name>.sql`, applied by
 * postgrator and recorded in `schema_migrations`), then the dashboards' views (`sql/views/NN.<name>.sql`,
 * recreated whenever a file changes, recorded in `schema_views`), then the quality columns'
 * comments and the `mqa_indicators` table from their declarations. A released migration is never edited (postgrator checks its
 * md5): add a new file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import Postgrator from 'postgrator';
import { MQA_INDICATORS, QUALITY_COLUMNS } from './columns.js';
import { withTransaction, type Pool, type PoolClient } from './db.js';

const SQL_DIR = fileURLToPath(new URL('./sql/', import.meta.url));
const MIGRATION_LOCK = 7_318_204_611;

export interface ViewFile {
  name: string;
  /** The file's text: `CREATE VIEW ...;` and its `COMMENT ON VIEW`. */
  sql: string;
}

/** The views, in dependency order (the files' numeric prefixes). */
export function viewFiles(): ViewFile[] {
  const dir = `${SQL_DIR}views/`;
  return readdirSync(dir)
    .filter((f) => /^\d+\.[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ name: f.split('.')[1]!, sql: readFileSync(dir + f, 'utf8') }));
}

async function createBookkeeping(client: PoolClient): Promise<void> {
  // the table postgrator keeps; databases migrated before postgrator have version, name and
  // applied_at, and postgrator adds md5 and run_at to them
  await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version bigint PRIMARY KEY,
    name text,
    md5 text,
    run_at timestamptz,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  await client.query(`CREATE TABLE IF NOT EXISTS schema_views (
    name text PRIMARY KEY,
    definition text NOT NULL
  )`);
}

async function recreateViews(client: PoolClient, force: boolean): Promise<boolean> {
  const views = viewFiles();
  const current = new Map(
    (
      await client.query<{ name: string; definition: string }>('SELECT name, definition FROM schema_views')
    ).rows.map((r) => [r.name, r.definition]),
  );
  if (!force && current.size === views.length && views.every((v) => current.get(v.name) === v.sql)) {
    return false;
  }
  // views depend on each other and on the tables: drop them all (newest first, and any view
  // no file defines any more), create them in order
  const gone = [...current.keys()].filter((n) => !views.some((v) => v.name === n));
  for (const name of [...[...views].reverse().map((v) => v.name), ...gone]) {
    await client.query(`DROP VIEW IF EXISTS ${pg.escapeIdentifier(name)} CASCADE`);
  }
  await client.query('DELETE FROM schema_views');
  for (const v of views) {
    await client.query(v.sql);
    await client.query('INSERT INTO schema_views (name, definition) VALUES ($1, $2)', [v.name, v.sql]);
  }
  return true;
}

/** COMMENT ON COLUMN for every quality column whose comment is not its declared doc line. */
async function commentColumns(client: PoolClient): Promise<void> {
  const { rows } = await client.query<{ name: string; comment: string | null }>(
    `SELECT a.attname AS name, col_description(a.attrelid, a.attnum) AS comment
     FROM pg_attribute a WHERE a.attrelid = 'dataset_quality'::regclass AND a.attnum > 0 AND NOT a.attisdropped`,
  );
  const comments = new Map(rows.map((r) => [r.name, r.comment]));
  for (const c of QUALITY_COLUMNS) {
    if (!comments.has(c.name) || comments.get(c.name) === c.doc) continue;
    await client.query(
      `COMMENT ON COLUMN dataset_quality.${pg.escapeIdentifier(c.name)} IS ${pg.escapeLiteral(c.doc)}`,
    );
  }
}

/** `mqa_indicators` equal to MQA_INDICATORS (points and advice are declared once, in columns.ts). */
async function syncMqaIndicators(client: PoolClient): Promise<void> {
  const want = MQA_INDICATORS.map((i) => [i.id, i.dimension, i.points, i.advice, i.adviceFr] as const);
  const { rows } = await client.query<{ i: string; d: string; p: number; a: string; f: string }>(
    'SELECT indicator AS i, dimension AS d, points AS p, advice AS a, advice_fr AS f FROM mqa_indicators',
  );
  // compared as sorted sets in JavaScript: PostgreSQL's collation may order the ids otherwise
  const have = rows.map((r) => JSON.stringify([r.i, r.d, r.p, r.a, r.f])).sort();
  const wanted = want.map((w) => JSON.stringify(w)).sort();
  if (have.join('\n') === wanted.join('\n')) return;
  await client.query('DELETE FROM mqa_indicators');
  for (const w of want) {
    await client.query(
      'INSERT INTO mqa_indicators (indicator, dimension, points, advice, advice_fr) VALUES ($1, $2, $3, $4, $5)',
      [...w],
    );
  }
}

/**
 * Applies the migrations not yet applied, then recreates the views if any changed, all in one
 * transaction under an advisory lock (several workers may start at once).
 */
export async function migrate(pool: Pool): Promise<{ applied: number[] }> {
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await createBookkeeping(client);
    const postgrator = new Postgrator({
      migrationPattern: `${SQL_DIR}migrations/*.sql`,
      driver: 'pg',
      schemaTable: 'schema_migrations',
      validateChecksums: true,
      execQuery: (query: string) => client.query(query),
    });
    const applied = (await postgrator.migrate()).map((m) => m.version);
    await recreateViews(client, applied.length > 0);
    await commentColumns(client);
    await syncMqaIndicators(client);
    return { applied };
  });
}
