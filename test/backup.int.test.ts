import { buildWorkerDeps } from '../workers/main.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { QueueEvents, type Job, type Worker } from 'bullmq';
import { createTestContext, type TestContext } from './helpers/context.js';
import { createScratchDb, seedMetabaseLike, snapshot, type ScratchDb } from './backup-helpers.js';
import { createBackupWorker } from '../workers/backup/worker.js';
import { createRestoreWorker } from '../workers/restore/worker.js';
import type { BackupResult, RestoreResult } from '../shared/backup/types.js';

import { putSidecar, scanBackups, sidecarKey, type BackupSidecar } from '../shared/backup/store.js';
import { enqueue } from '../shared/bull.js';
import { acquireLock, backupLockKey } from '../shared/backup/lock.js';
import { backupCreate, backupList, backupRestore, type BackupCliIo } from '../producer/commands/backup.js';

/**
 * Backup and restore of a Metabase-like database on real PostgreSQL, Redis and S3 (s3rver),
 * with the backup and restore workers running in this process.
 */
let ctx: TestContext;
let deps: Awaited<ReturnType<typeof buildWorkerDeps>>;
let mb: ScratchDb;
let other: ScratchDb;
const workers: Worker[] = [];
let backupEvents: QueueEvents;
let restoreEvents: QueueEvents;
let out: string[] = [];
let io: BackupCliIo;

beforeAll(async () => {
  mb = await createScratchDb('mb');
  other = await createScratchDb('mb2');
  await seedMetabaseLike(mb);
  ctx = await createTestContext({ METABASE_DATABASE_URL: mb.url, BACKUP_KEEP: '50' });
  deps = await buildWorkerDeps(ctx.config);
  workers.push(createBackupWorker(deps), createRestoreWorker(deps));
  const events = { connection: { url: ctx.config.REDIS_URL }, prefix: ctx.config.QUEUE_PREFIX };
  backupEvents = new QueueEvents('backup', events);
  restoreEvents = new QueueEvents('restore', events);
  await Promise.all([...workers, backupEvents, restoreEvents].map((w) => w.waitUntilReady()));
  io = { config: ctx.config, out: (l) => out.push(l), err: (l) => out.push(l), progress: false };
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await backupEvents?.close();
  await restoreEvents?.close();
  await deps?.close();
  await ctx?.cleanup();
  await mb?.drop();
  await other?.drop();
});

async function restoreJob(data: { key: string; target?: string; allowOtherTarget?: boolean }): Promise<Job> {
  return enqueue(deps.queues, 'restore', { allowOtherTarget: false, ...data });
}

async function validKeys(): Promise<string[]> {
  const { backups } = await scanBackups(ctx.s3, ctx.config.S3_BUCKET, ctx.config.BACKUP_PREFIX);
  return backups.map((b) => b.key);
}

async function objectBytes(key: string): Promise<Buffer> {
  const res = await ctx.s3.send(new GetObjectCommand({ Bucket: ctx.config.S3_BUCKET, Key: key }));
  return Buffer.from(await res.Body!.transformToByteArray());
}

/** Stores `body` as a backup with a sidecar that matches it (as a tampered or foreign file would). */
async function plant(body: Buffer, like: BackupSidecar, stamp: string): Promise<string> {
  const key = like.key.replace(/[^/]+\.dump$/, `${stamp}.dump`);
  await ctx.s3.send(new PutObjectCommand({ Bucket: ctx.config.S3_BUCKET, Key: key, Body: body }));
  await putSidecar(ctx.s3, ctx.config.S3_BUCKET, {
    ...like,
    key,
    size: body.length,
    sha256: createHash('sha256').update(body).digest('hex'),
  });
  return key;
}

describe('backup and restore', () => {
  let first: BackupResult;
  let before: unknown;

  it('backs up with `backup create --wait`: a confirmed dump with its sidecar, listed', async () => {
    before = await snapshot(mb);
    out = [];
    const { result } = await backupCreate({ wait: true }, io);
    first = result!;
    expect(first.key).toMatch(new RegExp(`^backups/${mb.name}/\\d{8}T\\d{6}\\.\\d{3}Z\\.dump$`));
    expect(first.source).toBe(`postgres@127.0.0.1:5432/${mb.name}`);
    expect(first.pgDumpVersion).toMatch(/^pg_dump \(PostgreSQL\) \d+/);
    const body = await objectBytes(first.key);
    expect(body.subarray(0, 5).toString()).toBe('PGDMP');
    expect(body.length).toBe(first.size);
    expect(createHash('sha256').update(body).digest('hex')).toBe(first.sha256);
    const sidecar = JSON.parse((await objectBytes(sidecarKey(first.key))).toString()) as BackupSidecar;
    expect(sidecar).toMatchObject({ key: first.key, size: first.size, sha256: first.sha256 });
    expect(sidecar.source.database).toBe(mb.name);

    out = [];
    await backupList({}, io);
    expect(out[0]).toMatch(/^KEY\s+DATE\s+SIZE\s+SOURCE/);
    expect(out.some((l) => l.startsWith(first.key) && l.includes(mb.name))).toBe(true);
    out = [];
    await backupList({ json: true }, io);
    const listed = out.map(
      (l) => JSON.parse(l) as { key: string; size: number; source: string; createdAt: string },
    );
    expect(listed).toContainEqual(
      expect.objectContaining({
        key: first.key,
        size: first.size,
        createdAt: first.createdAt,
        source: first.source,
      }),
    );
  });

  it('refuses to restore without --yes, saying what would be overwritten', async () => {
    out = [];
    await expect(backupRestore(first.key, {}, io)).rejects.toThrow(/without --yes/);
    const text = out.join('\n');
    expect(text).toContain(mb.name);
    expect(text).toMatch(/\d+ tables?/);
    expect(await deps.queues.restore.getJobCountByTypes('wait', 'active', 'completed', 'failed')).toBe(0);
  });

  it('refuses an unknown key, a non-backup key, and a password in --target, clearly', async () => {
    await expect(
      backupRestore(`backups/${mb.name}/20200101T000000.000Z.dump`, { yes: true }, io),
    ).rejects.toThrow(/unknown key/);
    await expect(backupRestore('somewhere/else.txt', { yes: true }, io)).rejects.toThrow(/not a backup key/);
    await expect(
      backupRestore(first.key, { yes: true, target: 'postgres://postgres:secret@127.0.0.1:5432/x' }, io),
    ).rejects.toThrow(/must not carry a password/);
    const job = await restoreJob({ key: `backups/${mb.name}/20200101T000000.000Z.dump` });
    await expect(job.waitUntilFinished(restoreEvents)).rejects.toThrow(/no backup .* unknown key/);
  });

  it('round trip: changes and drops are undone by `backup restore --yes --wait`', async () => {
    await mb.query(`
      UPDATE report_card SET name = 'changed', archived = true WHERE id <= 10;
      DELETE FROM report_card WHERE id > 50;
      DROP VIEW v_cards;
      DROP TABLE report_dashboard;
      ALTER TABLE report_card ADD COLUMN extra text;
      SELECT setval('extra_seq', 5000);
      INSERT INTO report_card (name, query) VALUES ('new', '{}');
    `);
    expect(await snapshot(mb)).not.toEqual(before);
    const keysBefore = await validKeys();

    out = [];
    const res = await backupRestore(first.key, { yes: true, wait: true }, io);
    const result = res!.result!;
    expect(await snapshot(mb)).toEqual(before);
    expect(result.key).toBe(first.key);
    // the safety backup holds the changed database, under the same prefix, and is listed
    expect(result.safetyBackupKey).toMatch(new RegExp(`^backups/${mb.name}/`));
    expect(await validKeys()).toEqual([result.safetyBackupKey, ...keysBefore]);
    expect(out.join('\n')).toContain(result.safetyBackupKey);
  });

  it('refuses another target database without allowOtherTarget, restores into it with it', async () => {
    await expect(backupRestore(first.key, { yes: true, target: other.url }, io)).rejects.toThrow(
      /allow-other-target/,
    );
    const refused = await restoreJob({ key: first.key, target: other.url });
    await expect(refused.waitUntilFinished(restoreEvents)).rejects.toThrow(/allowOtherTarget/);

    const res = await backupRestore(
      first.key,
      { yes: true, target: other.url, allowOtherTarget: true, wait: true },
      io,
    );
    expect(res!.result!.target).toBe(`postgres@127.0.0.1:5432/${other.name}`);
    expect(res!.result!.safetyBackupKey).toMatch(new RegExp(`^backups/${other.name}/`));
    expect(await snapshot(other)).toEqual(before);
  });

  it('refuses a corrupt, a truncated and a non-dump backup before touching the target', async () => {
    await mb.query(`UPDATE report_card SET name = 'after backup' WHERE id = 1`);
    const current = await snapshot(mb);
    const good = await objectBytes(first.key);
    const sidecar = JSON.parse((await objectBytes(sidecarKey(first.key))).toString()) as BackupSidecar;

    // one byte flipped behind the sidecar's back: the checksum catches it
    const flipped = Buffer.from(good);
    const at = Math.floor(flipped.length / 2);
    flipped[at] = (flipped[at] ?? 0) ^ 0xff;
    const corruptKey = first.key.replace(/[^/]+\.dump$/, '20990101T000000.000Z.dump');
    await ctx.s3.send(new PutObjectCommand({ Bucket: ctx.config.S3_BUCKET, Key: corruptKey, Body: flipped }));
    await putSidecar(ctx.s3, ctx.config.S3_BUCKET, { ...sidecar, key: corruptKey });
    // truncated, with a sidecar that matches the truncated bytes: reading the whole archive catches it
    const truncatedKey = await plant(good.subarray(0, good.length - 64), sidecar, '20990101T000001.000Z');
    // not a dump at all
    const textKey = await plant(
      Buffer.from('SELECT 1; -- a plain SQL file\n'),
      sidecar,
      '20990101T000002.000Z',
    );

    const keysBefore = await validKeys();
    const cases: [string, RegExp][] = [
      [corruptKey, /corrupt: read \d+ bytes with sha256/],
      [truncatedKey, /damaged \(truncated or corrupt\)/],
      [textKey, /not a valid pg_dump custom-format archive/],
    ];
    for (const [key, message] of cases) {
      const job = await restoreJob({ key });
      await expect(job.waitUntilFinished(restoreEvents)).rejects.toThrow(message);
    }
    // no safety backup was even taken, the target is as it was
    expect(await validKeys()).toEqual(keysBefore);
    expect(await snapshot(mb)).toEqual(current);
  });

  it('a failing restore names the failing statement and the safety backup, and changes nothing', async () => {
    await mb.query(`CREATE VIEW blocker AS SELECT id, name FROM report_card`);
    const current = await snapshot(mb);
    const job = await restoreJob({ key: first.key });
    const err = await job.waitUntilFinished(restoreEvents).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/rolled back/);
    expect(err?.message).toMatch(/failing statement: DROP TABLE IF EXISTS public\.report_card/);
    const safety = /safety backup (\S+\.dump)/.exec(err?.message ?? '')?.[1];
    expect(safety).toBeDefined();
    expect(await validKeys()).toContain(safety);
    expect(await snapshot(mb)).toEqual(current);
    await mb.query(`DROP VIEW blocker`);
  });

  it('never runs a backup and a restore at the same time (two workers of each queue)', async () => {
    workers.push(createBackupWorker(deps), createRestoreWorker(deps));
    await Promise.all(workers.map((w) => w.waitUntilReady()));
    // hold the lock until all four jobs are active side by side, so that they really compete
    const gate = await acquireLock(ctx.redis, backupLockKey(ctx.config.QUEUE_PREFIX), 'the test');
    const active = new Set<string>();
    const allActive = new Promise<void>((resolve) => {
      const on =
        (queue: string) =>
        ({ jobId }: { jobId: string }) => {
          active.add(`${queue}:${jobId}`);
          if (active.size === 4) resolve();
        };
      backupEvents.on('active', on('backup'));
      restoreEvents.on('active', on('restore'));
    });
    const jobs = await Promise.all([
      enqueue(deps.queues, 'backup', { trigger: 'test' }),
      restoreJob({ key: first.key }),
      enqueue(deps.queues, 'backup', { trigger: 'test' }),
      restoreJob({ key: first.key }),
    ]);
    await allActive;
    await gate.release();
    const results = await Promise.all(
      jobs.map(
        async (job) =>
          (await job.waitUntilFinished(job.queueName === 'backup' ? backupEvents : restoreEvents)) as
            BackupResult | RestoreResult,
      ),
    );
    const spans = results
      .map((r) => [Date.parse(r.startedAt), Date.parse(r.finishedAt)] as const)
      .sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
    const logs = await Promise.all(
      jobs.map((j) => deps.queues[j.queueName as 'backup' | 'restore'].getJobLogs(j.id!)),
    );
    expect(logs.some((l) => l.logs.some((line) => line.startsWith('waiting:')))).toBe(true);
  });

  it('fails fast with a clear message when Redis is unreachable', async () => {
    const down = { ...io, config: { ...ctx.config, REDIS_URL: 'redis://127.0.0.1:1' } };
    await expect(backupCreate({}, down)).rejects.toThrow(/Redis is unreachable/);
    await expect(backupRestore(first.key, { yes: true }, down)).rejects.toThrow(/Redis is unreachable/);
  });
});
