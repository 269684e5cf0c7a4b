import { Command } from 'commander';
import { ConfigError } from '../shared/config.js';
import { register as registerEtl } from './commands/etl.js';
import { register as registerWorkers } from './commands/workers.js';
import { register as registerSchedule } from './commands/schedule.js';
import { register as registerBackup } from './commands/backup.js';
import { register as registerBoard } from './commands/board.js';

const program = new Command('dcat-quality')
  .description('Nightly quality measurement of a DCAT catalogue, as a BullMQ pipeline into PostgreSQL')
  .showHelpAfterError();

for (const register of [registerEtl, registerWorkers, registerSchedule, registerBackup, registerBoard]) {
  register(program);
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // configuration and unreachable services are the user's to fix: one clear line, no stack
  const e = err as Error;
  console.error(`dcat-quality: ${e instanceof ConfigError ? e.message : e.message}`);
  if (process.env.DEBUG) console.error(e.stack);
  process.exitCode = 1;
}
