import { spawn, type ChildProcess } from 'node:child_process';
import { devNull } from 'node:os';
import pg from 'pg';
import { UnrecoverableError } from 'bullmq';
import { redactUrl } from '../config.js';
import type { BackupSidecar } from './store.js';

/**
 * A PostgreSQL database to dump or restore into, as libpq sees it. `url` never carries the
 * password: it goes to child processes through PGPASSWORD, so it never shows in `ps`.
 */
export interface PgTarget {
  /** postgres://user@host:port/database?params, without password. */
  url: string;
  password?: string;
  host: string;
  port: number;
  user: string;
  database: string;
}

function parseUrl(value: string, what: string): URL {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new UnrecoverableError(`${what} is not a URL`);
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new UnrecoverableError(`${what} must be a postgres:// URL (got ${u.protocol}//...)`);
  }
  return u;
}

function describe(u: URL): Omit<PgTarget, 'url' | 'password'> {
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!database) throw new UnrecoverableError(`${redactUrl(u.toString())}: the URL names no database`);
  return {
    host: (u.hostname || u.searchParams.get('host') || 'localhost').toLowerCase(),
    port: Number(u.port || u.searchParams.get('port') || 5432),
    user: decodeURIComponent(u.username) || process.env.PGUSER || '',
    database,
  };
}

/**
 * The database a job works on: `target` (a URL without password) or METABASE_DATABASE_URL.
 * The password of a `target` comes from METABASE_DATABASE_URL when host, port and user match;
 * otherwise libpq finds it (PGPASSWORD, ~/.pgpass) in the worker's environment.
 */
export function resolveTarget(target: string | undefined, metabaseUrl: string): PgTarget {
  const metabase = metabaseUrl ? parseUrl(metabaseUrl, 'METABASE_DATABASE_URL') : undefined;
  const source = target ? parseUrl(target, 'the target') : metabase;
  if (!source) {
    throw new UnrecoverableError(
      'METABASE_DATABASE_URL is not set: set it to the Metabase application database (postgres://user:password@host:5432/metabase)',
    );
  }
  const parts = describe(source);
  let password = source.password ? decodeURIComponent(source.password) : undefined;
  if (target && metabase && !password) {
    const m = describe(metabase);
    if (m.host === parts.host && m.port === parts.port && m.user === parts.user && metabase.password) {
      password = decodeURIComponent(metabase.password);
    }
  }
  const clean = new URL(source.toString());
  clean.password = '';
  return { url: clean.toString(), ...(password ? { password } : {}), ...parts };
}

/** `user@host:port/database`: how a database is named in logs, listings and messages. */
export function targetLabel(t: Pick<PgTarget, 'user' | 'host' | 'port' | 'database'>): string {
  return `${t.user ? `${t.user}@` : ''}${t.host}:${t.port}/${t.database}`;
}

/** Same server and database name (the user does not matter). */
export function sameDatabase(
  a: Pick<PgTarget, 'host' | 'port' | 'database'>,
  b: Pick<PgTarget, 'host' | 'port' | 'database'>,
): boolean {
  return a.host === b.host && a.port === b.port && a.database === b.database;
}

/** Environment of a pg_dump / pg_restore child: the worker's own (PGPASSWORD, ~/.pgpass...) plus the password we know. */
export function libpqEnv(t: PgTarget): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...(t.password ? { PGPASSWORD: t.password } : {}),
    PGAPPNAME: 'dcat-quality-backup',
    PGCONNECT_TIMEOUT: process.env.PGCONNECT_TIMEOUT ?? '10',
  };
}

/** A node-postgres client config for the same database. */
export function clientConfig(t: PgTarget): pg.ClientConfig {
  const u = new URL(t.url);
  if (t.password) u.password = t.password;
  return { connectionString: u.toString(), connectionTimeoutMillis: 10_000 };
}

export interface ServerInfo {
  /** e.g. 150020 */
  versionNum: number;
  major: number;
  version: string;
  sizeBytes: number;
  tables: number;
}

/** Version, size and user table count of a database; a clear error when it cannot be reached. */
export async function inspectDatabase(t: PgTarget): Promise<ServerInfo> {
  const client = new pg.Client(clientConfig(t));
  try {
    await client.connect();
    const { rows } = await client.query<{ num: string; version: string; size: string; tables: string }>(
      `SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS version,
              pg_database_size(current_database())::text AS size,
              (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                  AND n.nspname NOT LIKE 'pg_toast%')::text AS tables`,
    );
    const row = rows[0]!;
    const versionNum = Number(row.num);
    return {
      versionNum,
      major: Math.floor(versionNum / 10_000),
      version: row.version,
      sizeBytes: Number(row.size),
      tables: Number(row.tables),
    };
  } catch (err) {
    const e = err as Error & { code?: string };
    const hint =
      e.code === '3D000'
        ? ' (create it first, e.g. `createdb`, or check the URL)'
        : e.code === '28P01' || e.code === '28000'
          ? ' (the password comes from METABASE_DATABASE_URL when host, port and user match it, else from PGPASSWORD or ~/.pgpass of the worker)'
          : '';
    throw new Error(`cannot connect to ${redactUrl(t.url)}: ${e.message}${hint}`, { cause: err });
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface ToolVersion {
  path: string;
  /** e.g. "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)" */
  version: string;
  major: number;
}

/** Runs `<tool> --version`; a missing binary or an unparsable answer is an UnrecoverableError. */
export async function toolVersion(path: string, tool: 'pg_dump' | 'pg_restore'): Promise<ToolVersion> {
  const setting = tool === 'pg_dump' ? 'PG_DUMP_PATH' : 'PG_RESTORE_PATH';
  let out: RunResult;
  try {
    out = await run(path, ['--version']);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT' || e.code === 'EACCES') {
      throw new UnrecoverableError(
        `${tool} not found at "${path}" (${e.code}): install the PostgreSQL client tools ` +
          `(e.g. apt-get install postgresql-client-<server major version>) or set ${setting}`,
      );
    }
    throw err;
  }
  const version = out.stdout.trim();
  const m = /\b(\d+)(?:\.(\d+))?/.exec(version.replace(/^[^)]*\)/, ''));
  if (out.code !== 0 || !m) {
    throw new UnrecoverableError(
      `"${path} --version" did not answer like ${tool} (${setting}): ${version || out.stderr}`,
    );
  }
  return { path, version, major: Number(m[1]) };
}

/** pg_dump must be at least the server's major version, else it refuses (or worse): say so plainly. */
export function assertDumpCompatible(
  dump: ToolVersion,
  server: Pick<ServerInfo, 'major' | 'version'>,
  where: string,
): void {
  if (dump.major < server.major) {
    throw new UnrecoverableError(
      `pg_dump ${dump.major} ("${dump.path}") cannot dump ${where}, a PostgreSQL ${server.version.replace(/\s.*$/, '')} server: ` +
        `pg_dump must be version ${server.major} or newer. Install postgresql-client-${server.major} and set PG_DUMP_PATH ` +
        `(e.g. /usr/lib/postgresql/${server.major}/bin/pg_dump)`,
    );
  }
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end, collecting its output; rejects only when it cannot start. */
export function run(
  path: string,
  args: string[],
  env?: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], signal });
    const stdout = collect(child, 'stdout', 16 * 1024 * 1024);
    const stderr = collect(child, 'stderr', 256 * 1024);
    child.on('error', (err) => {
      if ((err as NodeJS.ErrnoException).code === 'ABORT_ERR') return; // reported by 'close'
      reject(err);
    });
    child.on('close', (code, sig) => resolve({ code, signal: sig, stdout: stdout(), stderr: stderr() }));
  });
}

/** Collects a child's output up to `limit` bytes (the tail is dropped). */
export function collect(child: ChildProcess, which: 'stdout' | 'stderr', limit: number): () => string {
  const chunks: Buffer[] = [];
  let size = 0;
  child[which]?.on('data', (chunk: Buffer) => {
    if (size >= limit) return;
    chunks.push(chunk);
    size += chunk.length;
  });
  return () => Buffer.concat(chunks).toString('utf8');
}

/** Arguments of the backup dump: custom format, to stdout, of the URL (password via env). */
export function pgDumpArgs(t: PgTarget): string[] {
  // a lock held by a migration would otherwise stall the dump forever
  return ['--format=custom', '--no-password', '--lock-wait-timeout=300s', `--dbname=${t.url}`];
}

/**
 * `pg_restore --list`: reads the archive's table of contents. Fails on anything that is not a
 * custom-format archive. Returns the number of TOC entries.
 */
export async function listArchive(tool: ToolVersion, file: string): Promise<number> {
  const out = await run(tool.path, ['--list', file]);
  if (out.code !== 0) {
    throw new UnrecoverableError(
      `not a valid pg_dump custom-format archive: ${firstError(out.stderr)}${versionHint(out.stderr, tool)}`,
    );
  }
  return out.stdout.split('\n').filter((l) => /^\d+;/.test(l)).length;
}

/**
 * Reads the whole archive (every data block, decompressed) into a SQL script thrown away:
 * a truncated or corrupted archive fails here, before the target is touched.
 */
export async function readWholeArchive(tool: ToolVersion, file: string, signal?: AbortSignal): Promise<void> {
  const out = await run(tool.path, [`--file=${devNull}`, file], undefined, signal);
  if (out.code !== 0) {
    throw new UnrecoverableError(
      `the archive is damaged (truncated or corrupt): ${firstError(out.stderr)}${versionHint(out.stderr, tool)}`,
    );
  }
}

/**
 * The restore itself. --single-transaction: all or nothing, so a failure leaves the target as it
 * was. We never fall back to a non-transactional restore: one that fails midway would leave the
 * target half dropped. (--single-transaction implies --exit-on-error.)
 */
export function pgRestoreArgs(t: PgTarget, file: string): string[] {
  return [
    '--clean',
    '--if-exists',
    '--no-owner',
    '--single-transaction',
    '--no-password',
    `--dbname=${t.url}`,
    file,
  ];
}

/** The first "error:" line of pg_dump / pg_restore stderr, or its last line. */
export function firstError(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const line = lines.find((l) => /error:/i.test(l)) ?? lines.at(-1) ?? '(no message)';
  return line.replace(/^pg_(dump|restore): (error: )?/, '');
}

/**
 * Environment of pg_restore: like libpqEnv, with a lock timeout, so that a restore blocked by a
 * running Metabase fails (naming the statement) instead of waiting forever.
 */
export function restoreEnv(t: PgTarget, lockTimeoutMs = 60_000): NodeJS.ProcessEnv {
  const env = libpqEnv(t);
  env.PGOPTIONS = `${env.PGOPTIONS ?? ''} -c lock_timeout=${lockTimeoutMs}`.trim();
  return env;
}

/** From pg_restore stderr: the server's error and the statement that failed. */
export function failingStatement(stderr: string): { error: string; statement?: string } {
  const error = firstError(stderr).replace(/^could not execute query: /, '');
  const m = /Command was: ([\s\S]*?)(?:\npg_restore:|$)/.exec(stderr);
  const statement = m?.[1]?.trim().replace(/\s+/g, ' ');
  return statement
    ? { error, statement: statement.length > 500 ? `${statement.slice(0, 500)}...` : statement }
    : { error };
}

function versionHint(stderr: string, tool: ToolVersion): string {
  return /unsupported version/i.test(stderr)
    ? ` (the archive was written by a newer pg_dump than ${tool.version}: set PG_RESTORE_PATH to a newer pg_restore)`
    : '';
}

/** Restoring a backup somewhere else than its source needs the explicit option. */
export function assertTargetAllowed(
  backup: BackupSidecar,
  target: PgTarget,
  allowOtherTarget: boolean,
): void {
  if (allowOtherTarget || sameDatabase(backup.source, target)) return;
  throw new UnrecoverableError(
    `${backup.key} is a backup of ${targetLabel(backup.source)}, not of ${targetLabel(target)}: ` +
      'restoring it into another database needs allowOtherTarget (CLI: --allow-other-target)',
  );
}
