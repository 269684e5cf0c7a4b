import pg from 'pg';
import { redactUrl } from './config.js';
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
    // the server answered: starting one would not help
    const answered: Record<string, string> = {
      '28000':
        'PostgreSQL answered but has no such role (user): create it (`createuser`) or fix the user in DATABASE_URL',
      '28P01':
        'PostgreSQL answered but refused the password: fix the password in DATABASE_URL (or PGPASSWORD)',
      '42501':
        'PostgreSQL answered but the role may not connect to this database: grant CONNECT, or fix DATABASE_URL',
      '53300':
        'PostgreSQL answered but has no connection slot left: raise max_connections or close idle clients',
      '57P03': 'PostgreSQL is starting up or shutting down: try again in a moment',
    };
    throw new ServiceUnreachableError(
      'PostgreSQL',
      `DATABASE_URL=${redactUrl(url)}`,
      e.message,
      answered[e.code ?? ''] ??
        'check it with `pg_isready -d "$DATABASE_URL"`; start one with `docker compose up -d postgres` or `pg_ctlcluster 15 main start`, or point DATABASE_URL at yours',
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
