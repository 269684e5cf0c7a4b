import type { Queues } from '../../shared/bull.js';
import type { Config } from '../../shared/config.js';
import { SCHEDULER_IDS } from '../../shared/queues.js';

/**
 * The nightly backup: a BullMQ job scheduler on the `backup` queue (BACKUP_CRON in ETL_TZ),
 * removed when BACKUP_CRON is empty. Idempotent; `dcat-quality schedule` calls it.
 */
export async function upsertBackupScheduler(
  queues: Queues,
  config: Pick<Config, 'BACKUP_CRON' | 'ETL_TZ'>,
): Promise<'upserted' | 'removed'> {
  const queue = queues.backup;
  if (!config.BACKUP_CRON.trim()) {
    await queue.removeJobScheduler(SCHEDULER_IDS.backup);
    return 'removed';
  }
  await queue.upsertJobScheduler(
    SCHEDULER_IDS.backup,
    { pattern: config.BACKUP_CRON, tz: config.ETL_TZ },
    { name: 'backup', data: { trigger: 'schedule' } },
  );
  return 'upserted';
}
