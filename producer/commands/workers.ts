import type { Command } from 'commander';
import { getConfig } from '../../shared/config.js';
import { assertDatabaseReachable } from '../../shared/db.js';
import { assertRedisReachable } from '../../shared/redis.js';
import { buildWorkerDeps, parseRoles, startWorkers } from '../../workers/main.js';

export function register(program: Command): void {
  program
    .command('workers')
    .description('run workers in the foreground until SIGTERM/SIGINT (then finish running jobs and exit)')
    .option(
      '--queues <list>',
      'comma-separated queues to work on: extract,transform,load,backup,restore (default: all)',
    )
    .action(async (opts: { queues?: string }) => {
      const config = getConfig();
      const roles = parseRoles(opts.queues);
      await Promise.all([
        assertRedisReachable(config.REDIS_URL),
        assertDatabaseReachable(config.DATABASE_URL),
      ]);
      // listen before starting: a signal arriving as the workers start must still stop them gracefully
      let received: NodeJS.Signals | undefined;
      const stopped = new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          received = signal;
          resolve();
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
      const deps = await buildWorkerDeps(config);
      const running = await startWorkers(deps, roles);
      await stopped;
      deps.log.info({ signal: received }, 'stopping: waiting for running jobs');
      await running.close();
      await deps.close();
    });
}
