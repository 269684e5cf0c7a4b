import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UnrecoverableError } from 'bullmq';
import { redactUrl } from '../../shared/config.js';
import { parsePayload } from '../../shared/queues.js';
import { getObjectStream } from '../../shared/s3.js';
import { dumpToS3, throttledProgress } from '../../shared/backup/dump.js';
import type { BackupDeps, RestoreResult, RunContext } from '../../shared/backup/types.js';
import {
  assertDumpCompatible,
  assertTargetAllowed,
  failingStatement,
  inspectDatabase,
  listArchive,
  pgRestoreArgs,
  readWholeArchive,
  resolveTarget,
  restoreEnv,
  run,
  targetLabel,
  toolVersion,
} from '../../shared/backup/pg-tools.js';
import { getBackup, type BackupSidecar } from '../../shared/backup/store.js';

/** Downloads the archive to `file`, checking its size and sha256 against the sidecar. */
async function downloadVerified(
  deps: BackupDeps,
  backup: BackupSidecar,
  file: string,
  ctx: RunContext,
): Promise<void> {
  const progress = throttledProgress(ctx.progress);
  const hash = createHash('sha256');
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      hash.update(chunk);
      progress({ phase: 'download', bytes, total: backup.size });
      cb(null, chunk);
    },
  });
  const body = await getObjectStream(deps.s3, deps.config.S3_BUCKET, backup.key);
  await pipeline(
    body,
    meter,
    createWriteStream(file, { mode: 0o600 }),
    ctx.signal ? { signal: ctx.signal } : {},
  );
  const sha256 = hash.digest('hex');
  if (bytes !== backup.size || sha256 !== backup.sha256) {
    throw new UnrecoverableError(
      `${backup.key} is corrupt: read ${bytes} bytes with sha256 ${sha256}, its sidecar says ${backup.size} bytes ` +
        `with sha256 ${backup.sha256}. Nothing was restored.`,
    );
  }
}

/**
 * The restore job. Everything that can be checked is checked before the target is touched:
 * the backup's sidecar, the target (reachable, allowed), the tools' versions, the archive's
 * checksum, its table of contents and every data block. Then a safety backup of the target,
 * then `pg_restore --clean --if-exists --no-owner --single-transaction`.
 */
export async function runRestore(
  data: unknown,
  deps: BackupDeps,
  ctx: RunContext = {},
): Promise<RestoreResult> {
  const payload = parsePayload('restore', data);
  const startedAt = new Date().toISOString();
  const { config, s3 } = deps;
  const backup = await getBackup(s3, config.S3_BUCKET, config.BACKUP_PREFIX, payload.key);
  const target = resolveTarget(payload.target, config.METABASE_DATABASE_URL);
  const label = targetLabel(target);
  assertTargetAllowed(backup, target, payload.allowOtherTarget);

  const restoreTool = await toolVersion(config.PG_RESTORE_PATH, 'pg_restore');
  const dumpTool = await toolVersion(config.PG_DUMP_PATH, 'pg_dump');
  const server = await inspectDatabase(target);
  assertDumpCompatible(dumpTool, server, label); // the safety backup needs it
  ctx.log?.(
    `restore ${backup.key} (${targetLabel(backup.source)}, ${backup.createdAt}) into ${label} ` +
      `(PostgreSQL ${server.version}, ${server.tables} tables)`,
  );

  const dir = await mkdtemp(join(tmpdir(), 'dcat-quality-restore-'));
  try {
    const file = join(dir, 'backup.dump');
    await downloadVerified(deps, backup, file, ctx);
    ctx.progress?.({ phase: 'check', bytes: backup.size, total: backup.size });
    const entries = await listArchive(restoreTool, file);
    await readWholeArchive(restoreTool, file, ctx.signal);
    ctx.log?.(`archive verified: sha256 ${backup.sha256}, ${entries} entries, every block readable`);

    const safety = await dumpToS3(target, 'safety', deps, ctx);
    ctx.log?.(`safety backup of ${label}: ${safety.key}`);

    ctx.progress?.({ phase: 'restore', bytes: 0, total: backup.size });
    const out = await run(restoreTool.path, pgRestoreArgs(target, file), restoreEnv(target), ctx.signal);
    if (out.code !== 0) {
      const how = out.code === null ? `stopped by ${out.signal}` : `exit code ${out.code}`;
      const f = failingStatement(out.stderr);
      const hint = /lock timeout/i.test(out.stderr)
        ? ' (the target is in use: stop Metabase before restoring)'
        : '';
      throw new UnrecoverableError(
        `restore of ${backup.key} into ${label} failed (${how}) and was rolled back: ${f.error}${hint}` +
          `${f.statement ? `; failing statement: ${f.statement}` : ''}. ` +
          `The target as it was before: safety backup ${safety.key}`,
      );
    }
    if (out.stderr.trim()) ctx.log?.(`pg_restore said: ${out.stderr.trim()}`);
    ctx.progress?.({ phase: 'done', bytes: backup.size, total: backup.size });
    ctx.log?.(`restored ${backup.key} into ${redactUrl(target.url)}`);
    return {
      key: backup.key,
      target: label,
      safetyBackupKey: safety.key,
      entries,
      startedAt,
      finishedAt: new Date().toISOString(),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
