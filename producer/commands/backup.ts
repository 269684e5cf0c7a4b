import type { Command } from 'commander';
import { NoWorkerError, noWorkerFor } from '../etl.js';
import { QueueEvents, type Job, type Queue } from 'bullmq';
import cliProgress from 'cli-progress';
import { closeQueues, createQueues, enqueue, type Queues } from '../../shared/bull.js';
import { getConfig, redactUrl, type Config } from '../../shared/config.js';
import { assertRedisReachable, createRedis } from '../../shared/redis.js';
import { createS3 } from '../../shared/s3.js';
import {
  assertTargetAllowed,
  inspectDatabase,
  resolveTarget,
  targetLabel,
  type PgTarget,
} from '../../shared/backup/pg-tools.js';
import type { BackupProgress, BackupResult, RestoreResult } from '../../shared/backup/types.js';
import { getBackup, scanBackups, type BackupSidecar } from '../../shared/backup/store.js';

/** How long `--wait` tolerates no worker on the queue before it gives up (exit 1). */
const NO_WORKER_MS = 10_000;

/** Where a command reads its settings and writes its output (tests pass their own). */
export interface BackupCliIo {
  config: Config;
  out: (line: string) => void;
  err: (line: string) => void;
  /** Progress bar with --wait (default: when stderr is a terminal). */
  progress?: boolean;
}

function defaultIo(): BackupCliIo {
  return {
    config: getConfig(),
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    progress: process.stderr.isTTY,
  };
}

function mib(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MiB`
    : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Redis first (one clear line when it is down), then the queues on a connection that fails fast. */
async function withQueues<T>(config: Config, fn: (queues: Queues) => Promise<T>): Promise<T> {
  await assertRedisReachable(config.REDIS_URL);
  const redis = createRedis(config.REDIS_URL, 'producer');
  redis.on('error', () => undefined);
  const queues = createQueues(config, redis);
  try {
    return await fn(queues);
  } finally {
    await closeQueues(queues);
    redis.disconnect();
  }
}

/** Adds a job and, when `wait`, follows it to its end with a progress bar; throws when it fails. */
async function submit<R>(
  queue: Queue,
  add: () => Promise<Job>,
  wait: boolean,
  io: BackupCliIo,
): Promise<{ jobId: string; result?: R }> {
  const config = io.config;
  if (!wait) {
    const job = await add();
    io.out(`${queue.name} job ${job.id} enqueued (follow it on the board, or use --wait)`);
    return { jobId: String(job.id) };
  }
  // listening before adding: no event can be missed
  const events = new QueueEvents(queue.name, {
    connection: { url: config.REDIS_URL },
    prefix: config.QUEUE_PREFIX,
  });
  events.on('error', () => undefined);
  let bar: cliProgress.SingleBar | undefined;
  try {
    await events.waitUntilReady();
    const job = await add();
    io.out(`${queue.name} job ${job.id} enqueued`);
    let phase = '';
    events.on('progress', ({ jobId, data }) => {
      if (jobId !== job.id || typeof data !== 'object' || data === null) return;
      const p = data as BackupProgress;
      const total = Math.max(p.total ?? p.bytes, p.bytes, 1);
      if (io.progress) {
        if (!bar) {
          bar = new cliProgress.SingleBar(
            {
              format: `${queue.name} [{bar}] {percentage}% | {phase} {done}`,
              stream: process.stderr,
              hideCursor: true,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total, 0, { phase: p.phase, done: mib(p.bytes) });
        }
        bar.setTotal(total);
        bar.update(p.bytes, { phase: p.phase, done: mib(p.bytes) });
      } else if (p.phase !== phase) {
        io.err(`${queue.name} job ${job.id}: ${p.phase}`);
      }
      phase = p.phase;
    });
    // no worker serving the queue for NO_WORKER_MS (none started, or they went away): say so, exit 1
    const watch = new AbortController();
    const noWorker = (async () => {
      const lonely = noWorkerFor(NO_WORKER_MS);
      while (!watch.signal.aborted) {
        if (lonely(await queue.getWorkersCount().catch(() => undefined))) {
          throw new NoWorkerError(
            `no worker serves the ${queue.name} queue: start one with \`dcat-quality workers --queues backup,restore\` (job ${job.id} stays queued and runs once one does)`,
          );
        }
        await new Promise((r) => setTimeout(r, 1_000));
      }
      return new Promise<never>(() => undefined);
    })();
    try {
      const result = (await Promise.race([job.waitUntilFinished(events), noWorker])) as R;
      return { jobId: String(job.id), result };
    } catch (err) {
      if (err instanceof NoWorkerError) throw err;
      throw new Error(`${queue.name} job ${job.id} failed: ${(err as Error).message}`, { cause: err });
    } finally {
      watch.abort();
    }
  } finally {
    bar?.stop();
    await events.close();
  }
}

/** `backup create [--wait]`: enqueues a backup of METABASE_DATABASE_URL. */
export async function backupCreate(
  opts: { wait?: boolean },
  io: BackupCliIo = defaultIo(),
): Promise<{ jobId: string; result?: BackupResult }> {
  return withQueues(io.config, async (queues) => {
    const out = await submit<BackupResult>(
      queues.backup,
      () => enqueue(queues, 'backup', { trigger: 'cli' }),
      Boolean(opts.wait),
      io,
    );
    if (out.result) {
      const r = out.result;
      io.out(`backup ${r.key} done: ${mib(r.size)}, sha256 ${r.sha256}, source ${r.source}`);
      if (r.deleted.length > 0) io.out(`retention deleted: ${r.deleted.join(', ')}`);
    }
    return out;
  });
}

/** `backup list [--json]`: the valid backups (with a confirmed sidecar), newest first. */
export async function backupList(
  opts: { json?: boolean },
  io: BackupCliIo = defaultIo(),
): Promise<BackupSidecar[]> {
  const { config } = io;
  const s3 = createS3(config);
  try {
    const { backups } = await scanBackups(s3, config.S3_BUCKET, config.BACKUP_PREFIX);
    if (opts.json) {
      for (const b of backups) {
        io.out(
          JSON.stringify({
            key: b.key,
            createdAt: b.createdAt,
            size: b.size,
            source: targetLabel(b.source),
            sha256: b.sha256,
            trigger: b.trigger,
            pgDumpVersion: b.pgDumpVersion,
            serverVersion: b.serverVersion,
          }),
        );
      }
      return backups;
    }
    if (backups.length === 0) {
      io.out(
        `no backups under s3://${config.S3_BUCKET}/${config.BACKUP_PREFIX} (dcat-quality backup create)`,
      );
      return backups;
    }
    const rows = [
      ['KEY', 'DATE', 'SIZE', 'SOURCE', 'TRIGGER'],
      ...backups.map((b) => [b.key, b.createdAt, mib(b.size), targetLabel(b.source), b.trigger]),
    ];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows)
      io.out(
        r
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      );
    return backups;
  } finally {
    s3.destroy();
  }
}

async function describeTarget(target: PgTarget): Promise<string> {
  try {
    const info = await inspectDatabase(target);
    return `PostgreSQL ${info.version}, ${mib(info.sizeBytes)}, ${info.tables} ${info.tables === 1 ? 'table' : 'tables'}`;
  } catch (err) {
    return `not reachable from here: ${(err as Error).message}`;
  }
}

/**
 * `backup restore <key> --yes [--target URL] [--allow-other-target] [--wait]`. Checks the key
 * and the target first and prints what would be overwritten; refuses without --yes.
 */
export async function backupRestore(
  key: string,
  opts: { yes?: boolean; target?: string; allowOtherTarget?: boolean; wait?: boolean },
  io: BackupCliIo = defaultIo(),
): Promise<{ jobId: string; result?: RestoreResult } | undefined> {
  const { config } = io;
  if (opts.target !== undefined) {
    let u: URL;
    try {
      u = new URL(opts.target);
    } catch {
      throw new Error(`--target is not a URL: expected postgres://user@host:5432/database`);
    }
    if (u.password) {
      throw new Error(
        '--target must not carry a password (it would be stored in the job): the worker takes it from ' +
          'METABASE_DATABASE_URL when host, port and user match, else from PGPASSWORD or ~/.pgpass',
      );
    }
  }
  const s3 = createS3(config);
  let backup: BackupSidecar;
  try {
    backup = await getBackup(s3, config.S3_BUCKET, config.BACKUP_PREFIX, key);
  } finally {
    s3.destroy();
  }
  const target =
    opts.target || config.METABASE_DATABASE_URL
      ? resolveTarget(opts.target, config.METABASE_DATABASE_URL)
      : undefined;
  if (target) assertTargetAllowed(backup, target, Boolean(opts.allowOtherTarget));

  io.out(
    `backup:  ${backup.key} (${targetLabel(backup.source)}, ${backup.createdAt}, ${mib(backup.size)}, ${backup.pgDumpVersion})`,
  );
  io.out(
    target
      ? `target:  ${redactUrl(target.url)} (${await describeTarget(target)})`
      : "target:  the workers' METABASE_DATABASE_URL (not set here)",
  );
  io.out(
    'every object of the backup is dropped and recreated in the target (pg_restore --clean --if-exists --no-owner, ' +
      'one transaction); a safety backup of the target is taken first. Stop Metabase before restoring.',
  );
  if (!opts.yes) {
    throw new Error('refusing to restore without --yes: the target database above would be overwritten');
  }

  return withQueues(config, async (queues) => {
    const out = await submit<RestoreResult>(
      queues.restore,
      () =>
        enqueue(queues, 'restore', {
          key,
          ...(opts.target ? { target: opts.target } : {}),
          allowOtherTarget: Boolean(opts.allowOtherTarget),
        }),
      Boolean(opts.wait),
      io,
    );
    if (out.result) {
      io.out(`restored ${out.result.key} into ${out.result.target}`);
      io.out(`safety backup of the target before the restore: ${out.result.safetyBackupKey}`);
    }
    return out;
  });
}

/** `dcat-quality backup create|list|restore`. */
export function register(program: Command): void {
  const backup = program
    .command('backup')
    .description(
      'backups of the Metabase database (METABASE_DATABASE_URL) in S3, run by the backup/restore workers',
    );

  backup
    .command('create')
    .description('enqueue a backup now (pg_dump --format=custom to BACKUP_PREFIX)')
    .option('--wait', 'show progress; exit 0 when the backup is confirmed, 1 when it failed')
    .action(async (opts: { wait?: boolean }) => {
      await backupCreate(opts);
    });

  backup
    .command('list')
    .description('the backups in S3, newest first: key, date, size, source')
    .option('--json', 'one JSON object per line')
    .action(async (opts: { json?: boolean }) => {
      await backupList(opts);
    });

  backup
    .command('restore')
    .argument('<key>', 'a backup key, as `backup list` prints it')
    .description('enqueue a restore of a backup (a safety backup of the target is taken first)')
    .option('--yes', 'really overwrite the target database')
    .option(
      '--target <url>',
      'postgres URL WITHOUT password of the database to restore into (default: METABASE_DATABASE_URL)',
    )
    .option('--allow-other-target', "allow restoring into another database than the backup's source")
    .option('--wait', 'show progress; exit 0 when restored, 1 when it failed')
    .action(
      async (
        key: string,
        opts: { yes?: boolean; target?: string; allowOtherTarget?: boolean; wait?: boolean },
      ) => {
        await backupRestore(key, opts);
      },
    );
}
