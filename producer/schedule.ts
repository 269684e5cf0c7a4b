import type { Config } from '../shared/config.js';
import type { Queues } from '../shared/bull.js';
import { extractPayload, SCHEDULER_IDS } from '../shared/queues.js';
import { upsertBackupScheduler } from '../workers/backup/schedule.js';

/**
 * Upserts the nightly job schedulers (BullMQ 6 job schedulers): the ETL run and the Metabase backup.
 * The one place schedules are written; calling it again with the same settings changes nothing.
 */
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
