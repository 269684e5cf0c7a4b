/**
 * The nightly job schedulers (BullMQ 6 job schedulers): the ETL run on `extract` and the Metabase
 * backup on `backup`. The one place schedules are written (`dcat-quality schedule`); calling it again
 * with the same settings changes nothing.
 */
import type { Queues } from './bull.js';
import type { Config } from './config.js';
import { extractPayload, SCHEDULER_IDS } from './queues.js';

/**
 * The nightly backup (BACKUP_CRON in ETL_TZ), removed when BACKUP_CRON is empty. Idempotent.
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

/** Upserts the ETL scheduler (ETL_CRON / ETL_TZ unless overridden) and the backup one. */
export async function upsertSchedules(
  queues: Queues,
  config: Config,
  opts: { cron?: string; tz?: string } = {},
): Promise<{ etl: { pattern: string; tz: string; next?: number }; backup: 'upserted' | 'removed' }> {
  const pattern = opts.cron ?? config.ETL_CRON;
  const tz = opts.tz ?? config.ETL_TZ;
  const job = await queues.extract.upsertJobScheduler(
    SCHEDULER_IDS.etl,
    { pattern, tz },
    { name: 'extract', data: extractPayload.parse({ trigger: 'schedule' }) },
  );
  const backup = await upsertBackupScheduler(queues, config);
  const scheduler = await queues.extract.getJobScheduler(SCHEDULER_IDS.etl);
  return {
    etl: { pattern, tz, next: scheduler?.next ?? (job ? job.timestamp + (job.opts.delay ?? 0) : undefined) },
    backup,
  };
}
