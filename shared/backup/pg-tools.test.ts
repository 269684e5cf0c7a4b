import { describe, expect, it } from 'vitest';
import { UnrecoverableError } from 'bullmq';
import {
  assertDumpCompatible,
  failingStatement,
  firstError,
  pgRestoreArgs,
  resolveTarget,
  restoreEnv,
  sameDatabase,
  targetLabel,
} from './pg-tools.js';

const METABASE = 'postgres://metabase:s3cr%40t@db.internal:5432/metabase?sslmode=require';

describe('resolveTarget', () => {
  it('takes METABASE_DATABASE_URL by default, and keeps the password out of the URL', () => {
    const t = resolveTarget(undefined, METABASE);
    expect(t).toMatchObject({
      host: 'db.internal',
      port: 5432,
      user: 'metabase',
      database: 'metabase',
      password: 's3cr@t',
    });
    expect(t.url).toBe('postgres://metabase@db.internal:5432/metabase?sslmode=require');
  });

  it('borrows the password of METABASE_DATABASE_URL only when host, port and user match', () => {
    expect(resolveTarget('postgres://metabase@DB.internal/other', METABASE).password).toBe('s3cr@t');
    expect(resolveTarget('postgres://metabase@db.internal:5433/metabase', METABASE).password).toBeUndefined();
    expect(resolveTarget('postgres://admin@db.internal/metabase', METABASE).password).toBeUndefined();
    expect(resolveTarget('postgres://metabase@elsewhere/metabase', METABASE).password).toBeUndefined();
  });

  it('refuses a missing URL, a URL without database and a non-postgres URL', () => {
    expect(() => resolveTarget(undefined, '')).toThrow(/METABASE_DATABASE_URL is not set/);
    expect(() => resolveTarget('postgres://u@h:5432/', METABASE)).toThrow(/names no database/);
    expect(() => resolveTarget('mysql://u@h/db', METABASE)).toThrow(UnrecoverableError);
  });

  it('names and compares databases by server and name, not user', () => {
    const a = resolveTarget(undefined, METABASE);
    const b = resolveTarget('postgres://other@db.internal/metabase', METABASE);
    expect(targetLabel(a)).toBe('metabase@db.internal:5432/metabase');
    expect(sameDatabase(a, b)).toBe(true);
    expect(sameDatabase(a, resolveTarget('postgres://metabase@db.internal/metabase2', METABASE))).toBe(false);
  });
});

describe('tool checks', () => {
  const tool = { path: 'pg_dump', version: 'pg_dump (PostgreSQL) 14.9', major: 14 };
  it('refuses a pg_dump older than the server, with what to install', () => {
    expect(() => assertDumpCompatible(tool, { major: 15, version: '15.4 (Debian)' }, 'x')).toThrow(
      /pg_dump 14 .*PostgreSQL 15\.4 server: pg_dump must be version 15 or newer\. Install postgresql-client-15/,
    );
    expect(() => assertDumpCompatible(tool, { major: 14, version: '14.1' }, 'x')).not.toThrow();
    expect(() => assertDumpCompatible(tool, { major: 13, version: '13.1' }, 'x')).not.toThrow();
  });

  it('restores in one transaction, without owners, dropping what exists', () => {
    const t = resolveTarget(undefined, METABASE);
    const args = pgRestoreArgs(t, '/tmp/x.dump');
    expect(args).toEqual(
      expect.arrayContaining(['--clean', '--if-exists', '--no-owner', '--single-transaction']),
    );
    expect(args.join(' ')).not.toContain('s3cr');
  });

  it('passes the password through the environment, with a lock timeout for the restore', () => {
    const env = restoreEnv(resolveTarget(undefined, METABASE), 1234);
    expect(env.PGPASSWORD).toBe('s3cr@t');
    expect(env.PGOPTIONS).toContain('-c lock_timeout=1234');
  });
});

describe('pg_restore messages', () => {
  const stderr = [
    'pg_restore: while PROCESSING TOC:',
    'pg_restore: from TOC entry 3340; 1259 16390 TABLE report_card postgres',
    'pg_restore: error: could not execute query: ERROR:  cannot drop table public.report_card because other objects depend on it',
    'DETAIL:  view blocker depends on table report_card',
    'HINT:  Use DROP ... CASCADE to drop the dependent objects too.',
    'Command was: DROP TABLE IF EXISTS public.report_card;',
    '',
  ].join('\n');

  it('finds the error and the failing statement', () => {
    expect(failingStatement(stderr)).toEqual({
      error: 'ERROR:  cannot drop table public.report_card because other objects depend on it',
      statement: 'DROP TABLE IF EXISTS public.report_card;',
    });
  });

  it('falls back to the last line when there is no error line', () => {
    expect(firstError('something\nwent wrong\n')).toBe('went wrong');
    expect(firstError('pg_dump: error: connection to server failed')).toBe('connection to server failed');
  });
});
