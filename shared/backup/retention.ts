/** Retention of the Metabase backups in S3 (BACKUP_KEEP), run after a successful backup only. */
import { databaseFolder, deleteBackup, expiredBackups, scanBackups } from './store.js';
import type { BackupDeps, RunContext } from './types.js';

/**
 * Retention, after a successful backup only: keeps the newest BACKUP_KEEP backups of the
 * database, and removes leftovers of crashed backups older than the one just made.
 */
export async function applyBackupRetention(
  deps: BackupDeps,
  database: string,
  newestKey: string,
  ctx: RunContext = {},
): Promise<string[]> {
  const { config, s3 } = deps;
  const { backups, orphans } = await scanBackups(
    s3,
    config.S3_BUCKET,
    databaseFolder(config.BACKUP_PREFIX, database),
  );
  if (!backups.some((b) => b.key === newestKey)) return []; // never prune without the new backup in sight
  const deleted: string[] = [];
  for (const b of expiredBackups(backups, config.BACKUP_KEEP)) {
    await deleteBackup(s3, config.S3_BUCKET, b.key);
    deleted.push(b.key);
  }
  for (const key of orphans.filter((k) => k < newestKey)) {
    await deleteBackup(s3, config.S3_BUCKET, key.replace(/\.json$/, ''));
    deleted.push(key);
  }
  if (deleted.length > 0) ctx.log?.(`retention (keep ${config.BACKUP_KEEP}): deleted ${deleted.join(', ')}`);
  return deleted;
}
