import { buildWorkerDeps } from '../workers/main.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueEvents, type Worker } from 'bullmq';
import { once } from 'node:events';
import { createTestContext, type TestContext } from './helpers/context.js';
import {
  createScratchDb,
  rawKeys,
  removeScripts,
  script,
  seedMetabaseLike,
  type ScratchDb,
} from './backup-helpers.js';
import { createBackupWorker } from '../workers/backup/worker.js';
import { runBackup } from '../workers/backup/processor.js';
import type { BackupDeps, BackupResult } from '../shared/backup/types.js';
import { runRestore } from '../workers/restore/processor.js';
import { scanBackups } from '../shared/backup/store.js';
import { acquireLock, backupLockKey } from '../shared/backup/lock.js';
import { upsertBackupScheduler } from '../shared/schedules.js';
import { createS3 } from '../shared/s3.js';
import { enqueue } from '../shared/bull.js';
import { SCHEDULER_IDS } from '../shared/queues.js';

/** Retention, failures that must leave nothing behind, the scheduler and the lock. */
let ctx: TestContext;
let deps: Awaited<ReturnType<typeof buildWorkerDeps>>;
let mb: ScratchDb;
let worker: Worker;
let events: QueueEvents;

beforeAll(async () => {
  mb = await createScratchDb('mbr');
  await seedMetabaseLike(mb);
  ctx = await createTestContext({ METABASE_DATABASE_URL: mb.url, BACKUP_KEEP: '3' });
  deps = await buildWorkerDeps(ctx.config);
  worker = createBackupWorker(deps);
  events = new QueueEvents('backup', {
    connection: { url: ctx.config.REDIS_URL },
    prefix: ctx.config.QUEUE_PREFIX,
  });
  await Promise.all([worker.waitUntilReady(), events.waitUntilReady()]);
});

afterAll(async () => {
  await worker?.close();
  await events?.close();
  await deps?.close();
  await ctx?.cleanup();
  await mb?.drop();
  await removeScripts();
});

async function backupJob(): Promise<BackupResult> {
  const job = await enqueue(deps.queues, 'backup', { trigger: 'test' });
  return (await job.waitUntilFinished(events)) as BackupResult;
}

async function validKeys(): Promise<string[]> {
  return (await scanBackups(ctx.s3, ctx.config.S3_BUCKET, ctx.config.BACKUP_PREFIX)).backups.map(
    (b) => b.key,
  );
}

function withConfig(overrides: Partial<BackupDeps['config']>): BackupDeps {
  return { ...deps, config: { ...deps.config, ...overrides } };
}

describe('retention', () => {
  it('keeps the newest BACKUP_KEEP backups and deletes only the oldest', async () => {
    const made: BackupResult[] = [];
    for (let i = 0; i < 3; i++) made.push(await backupJob());
    expect(made.every((r) => r.deleted.length === 0)).toBe(true);
    const fourth = await backupJob();
    expect(fourth.deleted).toEqual([made[0]!.key]);
    expect(await validKeys()).toEqual([fourth.key, made[2]!.key, made[1]!.key]);
    const fifth = await backupJob();
    expect(fifth.deleted).toEqual([made[1]!.key]);
    expect(await validKeys()).toEqual([fifth.key, fourth.key, made[2]!.key]);
    // nothing else is left in the folder: each backup is exactly a dump and its sidecar
    expect(await rawKeys(ctx.s3, ctx.config.S3_BUCKET, ctx.config.BACKUP_PREFIX)).toHaveLength(6);
  });
});

describe('a failed backup leaves nothing and deletes nothing', () => {
  it('pg_dump dying midway through a multipart upload: no object left, no retention', async () => {
    // large enough (about 10 MB, incompressible) for a multipart upload of several parts
    await mb.query(`CREATE TABLE blob AS
      SELECT g AS id, decode(md5(random()::text) || md5(random()::text), 'hex') AS b
      FROM generate_series(1, 330000) g`);
    const before = await rawKeys(ctx.s3, ctx.config.S3_BUCKET, ctx.config.BACKUP_PREFIX);
    const fake = await script(`
if [ "$1" = "--version" ]; then exec pg_dump --version; fi
pg_dump "$@" | head -c 9000000
echo "pg_dump: error: simulated crash after 9 MB" >&2
exit 1`);
    const logs: string[] = [];
    await expect(
      runBackup({ trigger: 'test' }, withConfig({ PG_DUMP_PATH: fake }), { log: (l) => logs.push(l) }),
    ).rejects.toThrow(/pg_dump of .* failed \(exit code 1\): simulated crash after 9 MB/);
    expect(await rawKeys(ctx.s3, ctx.config.S3_BUCKET, ctx.config.BACKUP_PREFIX)).toEqual(before);
    expect(logs.join('\n')).toMatch(/-> s3:\/\//);
  });

  it('the same large database backs up fine with the real pg_dump (multipart)', async () => {
    const r = await backupJob();
    expect(r.size).toBeGreaterThan(9_000_000);
    await mb.query('DROP TABLE blob');
  });

  it('an upload into a missing bucket fails clearly and leaves nothing listed', async () => {
    const before = await rawKeys(ctx.s3, ctx.config.S3_BUCKET, ctx.config.BACKUP_PREFIX);
    await expect(runBackup({ trigger: 'test' }, withConfig({ S3_BUCKET: 'no-such-bucket' }))).rejects.toThrow(
      /upload of the dump of .* to s3:\/\/no-such-bucket\/.* failed: .*bucket/i,
    );
    expect(await rawKeys(ctx.s3, ctx.config.S3_BUCKET, ctx.config.BACKUP_PREFIX)).toEqual(before);
  });

  it('S3 down: a clear error', async () => {
    const config = { ...deps.config, S3_ENDPOINT: 'http://127.0.0.1:1' };
    const s3 = createS3(config);
    try {
      await expect(runBackup({ trigger: 'test' }, { ...deps, config, s3 })).rejects.toThrow(
        /upload .* failed/,
      );
    } finally {
      s3.destroy();
    }
  });

  it('missing pg_dump, a pg_dump older than the server, a wrong database URL: clear errors', async () => {
    await expect(runBackup({}, withConfig({ PG_DUMP_PATH: '/nonexistent/pg_dump' }))).rejects.toThrow(
      /pg_dump not found at "\/nonexistent\/pg_dump" \(ENOENT\).*PG_DUMP_PATH/,
    );
    const old = await script('echo "pg_dump (PostgreSQL) 9.6.24"');
    await expect(runBackup({}, withConfig({ PG_DUMP_PATH: old }))).rejects.toThrow(
      /pg_dump 9 .* cannot dump .*PostgreSQL 1\d\.\d+ server: pg_dump must be version 1\d or newer/,
    );
    const wrong = new URL(mb.url);
    wrong.pathname = '/dq_no_such_database';
    await expect(runBackup({}, withConfig({ METABASE_DATABASE_URL: wrong.toString() }))).rejects.toThrow(
      /cannot connect to .*dq_no_such_database.*does not exist/,
    );
    await expect(runBackup({}, withConfig({ METABASE_DATABASE_URL: '' }))).rejects.toThrow(
      /METABASE_DATABASE_URL is not set/,
    );
  });

  it('a failed backup does not apply retention', async () => {
    const before = await validKeys();
    expect(before).toHaveLength(3);
    await expect(runBackup({}, withConfig({ PG_DUMP_PATH: '/nonexistent/pg_dump' }))).rejects.toThrow();
    expect(await validKeys()).toEqual(before);
  });

  it('a restore with a missing pg_restore fails before anything else', async () => {
    const [key] = await validKeys();
    await expect(
      runRestore({ key }, withConfig({ PG_RESTORE_PATH: '/nonexistent/pg_restore' })),
    ).rejects.toThrow(/pg_restore not found/);
    expect(await validKeys()).toHaveLength(3);
  });
});

describe('nightly scheduler', () => {
  it('upserts the job scheduler, and removes it when BACKUP_CRON is empty', async () => {
    const q = deps.queues.backup;
    expect(
      await upsertBackupScheduler(deps.queues, { BACKUP_CRON: '30 1 * * *', ETL_TZ: 'Europe/Paris' }),
    ).toBe('upserted');
    const s = await q.getJobScheduler(SCHEDULER_IDS.backup);
    expect(s).toMatchObject({ pattern: '30 1 * * *', tz: 'Europe/Paris' });
    expect(s?.template?.data).toEqual({ trigger: 'schedule' });
    expect(await upsertBackupScheduler(deps.queues, { BACKUP_CRON: '', ETL_TZ: 'Europe/Paris' })).toBe(
      'removed',
    );
    expect(await q.getJobScheduler(SCHEDULER_IDS.backup)).toBeUndefined();
  });
});

describe('backup/restore lock', () => {
  it('makes a second holder wait for the first, and aborts a holder that lost it', async () => {
    const key = backupLockKey(`${ctx.config.QUEUE_PREFIX}-locktest`);
    const first = await acquireLock(ctx.redis, key, 'first', { ttlMs: 300 });
    let waitedFor = '';
    const second = acquireLock(ctx.redis, key, 'second', {
      ttlMs: 300,
      pollMs: 20,
      onWait: async (holder) => {
        waitedFor = holder;
        await first.release();
      },
    });
    const held = await second;
    expect(waitedFor).toBe('first');
    // someone deletes the key: the holder notices at its next renewal
    const aborted = once(held.signal, 'abort');
    await ctx.redis.del(key);
    await aborted;
    expect((held.signal.reason as Error).message).toMatch(/lost the backup\/restore lock/);
    await held.release();
  });
});
