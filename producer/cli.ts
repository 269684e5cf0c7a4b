import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { ConfigError } from '../shared/config.js';
import { register as registerEtl } from './commands/etl.js';
import { register as registerWorkers } from './commands/workers.js';
import { register as registerSchedule } from './commands/schedule.js';
import { register as registerBackup } from './commands/backup.js';
import { register as registerBoard } from './commands/board.js';

/** The package's version: dist/producer/cli.js and producer/cli.ts sit at different depths. */
function version(): string {
  for (const up of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'dcat-quality' && pkg.version) return pkg.version;
    } catch {
      /* try the next level */
    }
  }
  return 'unknown';
}

const program = new Command('dcat-quality')
  .description('Nightly quality measurement of a DCAT catalogue, as a BullMQ pipeline into PostgreSQL')
  .version(`dcat-quality ${version()} (Node.js ${process.version})`, '-V, --version')
  .showHelpAfterError();

for (const register of [registerEtl, registerWorkers, registerSchedule, registerBackup, registerBoard]) {
  register(program);
}

/** An AWS SDK error that never reached S3 (refused, unknown host, timeout) names S3 and its setting. */
function describeError(e: Error & { $metadata?: unknown; code?: string }): string {
  if (e instanceof ConfigError) return e.message;
  const network = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|TimeoutError|socket hang up/i;
  if (
    e.$metadata !== undefined &&
    network.test(`${e.code ?? ''} ${e.name} ${e.message}`) &&
    !/S3_ENDPOINT/.test(e.message)
  ) {
    const endpoint = process.env.S3_ENDPOINT
      ? `S3_ENDPOINT=${process.env.S3_ENDPOINT}`
      : 'S3_ENDPOINT (unset: AWS)';
    return `S3 is unreachable at ${endpoint} (${e.message || e.name}): check it with \`curl -sI "$S3_ENDPOINT"\`; start MinIO with \`docker compose up -d minio\`, or point S3_ENDPOINT at yours`;
  }
  return e.message;
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // configuration and unreachable services are the user's to fix: one clear line, no stack
  const e = err as Error & { $metadata?: unknown; code?: string };
  console.error(`dcat-quality: ${describeError(e)}`);
  if (process.env.DEBUG) console.error(e.stack);
  process.exitCode = 1;
}
