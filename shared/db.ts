import pg from 'pg';
import { redactUrl } from './config.js';
import { MIGRATIONS } from './migrations.js';
import { VIEWS } from './views.js';
import { ServiceUnreachableError } from './redis.js';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

// DATE columns come back as 'YYYY-MM-DD' strings, not JS Dates shifted by the local time zone
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);
// numeric aggregates and scores (filling_rate numeric(5,2)) as numbers, not strings
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
// bigint ids fit in a JS number for centuries of nightly runs
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export function createPool(url: string, max = 4): Pool {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 10_000 });
  // an idle client losing its connection must not crash the process; the next query reports it
  pool.on('error', () => undefined);
  return pool;
}

/** Fails with a message that says how to start PostgreSQL when it is not there. */
export async function assertDatabaseReachable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e.code === '3D000') {
      await createDatabase(url);
      return;
    }
    throw new ServiceUnreachableError(
      'PostgreSQL',
      redactUrl(url),
      e.message,
      'start one with `docker compose up -d postgres`, or `pg_ctlcluster 15 main start`, or set DATABASE_URL',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The database name of a URL, and the URL of the `postgres` database of the same server. */
function splitDatabaseUrl(url: string): { name: string; adminUrl: string } {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(1));
  u.pathname = '/postgres';
  return { name, adminUrl: u.toString() };
}

/** Drops the database named in the URL, closing its connections (benchmarks, tests). */
export async function dropDatabase(url: string): Promise<void> {
  const { name, adminUrl } = splitDatabaseUrl(url);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** Creates the database named in the URL (connecting to the `postgres` database of the same server). */
export async function createDatabase(url: string): Promise<void> {
  const { name, adminUrl } = splitDatabaseUrl(url);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } catch (err) {
    if ((err as { code?: string }).code !== '42P04') throw err; // already exists
  } finally {
    await admin.end();
  }
}

export async function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // a checked-out client losing its connection emits 'error', and without a listener the process
  // dies: the failing query rejects anyway (the job is retried), the broken client is discarded
  let broken = false;
  const onError = () => {
    broken = true;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

const MIGRATION_LOCK = 7_318_204_611;

/**
 * Applies the versioned migrations not yet applied, then recreates the views whose definition
 * changed, all in one transaction under an advisory lock (several workers may start at once).
 */
export async function migrate(pool: Pool): Promise<{ applied: number[] }> {
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_views (
      name text PRIMARY KEY,
      definition text NOT NULL
    )`);
    const done = new Set(
      (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
        (r) => r.version,
      ),
    );
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        m.version,
        m.name,
      ]);
      applied.push(m.version);
    }
    const current = new Map(
      (
        await client.query<{ name: string; definition: string }>('SELECT name, definition FROM schema_views')
      ).rows.map((r) => [r.name, r.definition]),
    );
    if (applied.length > 0 || VIEWS.some((v) => current.get(v.name) !== v.sql)) {
      // views depend on each other and on the tables: drop them all (newest first), create them in order
      for (const v of [...VIEWS].reverse()) await client.query(`DROP VIEW IF EXISTS ${v.name} CASCADE`);
      for (const v of VIEWS) {
        await client.query(`CREATE VIEW ${v.name} AS ${v.sql}`);
        if (v.comment) await client.query(`COMMENT ON VIEW ${v.name} IS ${pg.escapeLiteral(v.comment)}`);
        await client.query(
          `INSERT INTO schema_views (name, definition) VALUES ($1, $2)
           ON CONFLICT (name) DO UPDATE SET definition = EXCLUDED.definition`,
          [v.name, v.sql],
        );
      }
    }
    return { applied };
  });
}
