import { parsePayload } from '../../shared/queues.js';
import { dumpToS3 } from '../../shared/backup/dump.js';
import { resolveTarget, targetLabel } from '../../shared/backup/pg-tools.js';
import { applyBackupRetention } from '../../shared/backup/retention.js';
import type { BackupDeps, BackupResult, RunContext } from '../../shared/backup/types.js';

/** The backup job: dumps METABASE_DATABASE_URL to S3, then applies retention. */
export async function runBackup(
  data: unknown,
  deps: BackupDeps,
  ctx: RunContext = {},
): Promise<BackupResult> {
  const payload = parsePayload('backup', data);
  const startedAt = new Date().toISOString();
  const source = resolveTarget(undefined, deps.config.METABASE_DATABASE_URL);
  const sidecar = await dumpToS3(source, payload.trigger, deps, ctx);
  const deleted =
    payload.trigger === 'safety' ? [] : await applyBackupRetention(deps, source.database, sidecar.key, ctx);
  ctx.progress?.({ phase: 'done', bytes: sidecar.size, total: sidecar.size });
  return {
    key: sidecar.key,
    size: sidecar.size,
    sha256: sidecar.sha256,
    source: targetLabel(sidecar.source),
    createdAt: sidecar.createdAt,
    pgDumpVersion: sidecar.pgDumpVersion,
    serverVersion: sidecar.serverVersion,
    trigger: sidecar.trigger,
    deleted,
    startedAt,
    finishedAt: new Date().toISOString(),
  };
}
