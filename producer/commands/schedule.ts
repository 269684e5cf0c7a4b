import { InvalidArgumentError, type Command } from 'commander';
import { cronProblem, timeZoneProblem } from '../../shared/cron.js';
import { connectProducer } from '../connect.js';
import { upsertSchedules } from '../../shared/schedules.js';

export function register(program: Command): void {
  program
    .command('schedule')
    .description('create or update the nightly ETL (and backup) job schedulers; idempotent')
    .option(
      '--cron <pattern>',
      'cron pattern of the ETL run (default: ETL_CRON, "0 0 * * *")',
      (v: string) => {
        const problem = cronProblem(v);
        if (problem) throw new InvalidArgumentError(problem);
        return v;
      },
    )
    .option('--tz <zone>', 'time zone of the pattern (default: ETL_TZ, Europe/Paris)', (v: string) => {
      const problem = timeZoneProblem(v);
      if (problem) throw new InvalidArgumentError(problem);
      return v;
    })
    .action(async (opts: { cron?: string; tz?: string }) => {
      const ctx = await connectProducer();
      try {
        const result = await upsertSchedules(ctx.queues, ctx.config, opts);
        const next = result.etl.next ? new Date(result.etl.next).toISOString() : 'unknown';
        console.log(`ETL run scheduled: "${result.etl.pattern}" (${result.etl.tz}), next at ${next}`);
        console.log(
          result.backup === 'upserted'
            ? `Metabase backup scheduled: "${ctx.config.BACKUP_CRON}" (${ctx.config.ETL_TZ})`
            : 'Metabase backup: no schedule (BACKUP_CRON is empty)',
        );
      } finally {
        await ctx.close();
      }
    });
}
