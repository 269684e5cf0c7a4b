import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Redis } from 'ioredis';
import type { Config } from '../shared/config.js';
import type { Queues } from '../shared/bull.js';
import type { Pool } from '../shared/db.js';
import { resolveCredentials } from './auth.js';
import { cached, findLastBackup, type LastBackupFinder } from './backups.js';
import auth from './plugins/auth.js';
import bullBoard from './plugins/bull-board.js';
import errors from './plugins/errors.js';
import health from './plugins/health.js';
import { metricsRoutes } from './plugins/metrics.js';
import pages from './plugins/pages.js';
import { runsRoutes } from './plugins/runs-api.js';
import security from './plugins/security.js';
import { redactSecrets } from './redact.js';

export { QUEUE_DESCRIPTIONS } from './plugins/bull-board.js';

export interface BoardAppOptions {
  config: Config;
  pool: Pool;
  /** A connected, fail-fast Redis client (shared by the queues and the readiness probe). */
  redis: Redis;
  queues: Queues;
  /** For the backup age metric (ignored when `lastBackup` is given). */
  s3?: S3Client;
  /** Newest backup; default: listed from S3 under BACKUP_PREFIX when `s3` is given; `null`: no metric. */
  lastBackup?: LastBackupFinder | null;
  /** Allows starting without credentials (every request is then let in). */
  insecureDev?: boolean;
  /** Default: BOARD_READ_ONLY. */
  readOnly?: boolean;
  /** Default: METRICS_PUBLIC. */
  metricsPublic?: boolean;
  /** Applied to job data, return values and progress shown by the board; `false` shows them as they are. */
  redact?: ((value: unknown) => unknown) | false;
  /** Failed logins allowed per client IP and window before every request of that IP gets 429. */
  loginRateLimit?: { max: number; timeWindowMs: number };
  /** A pino logger (Fastify's request logs go there); default: no logs. */
  logger?: FastifyBaseLogger;
  /** Behind an ingress: which proxies to trust for the client IP (rate limiting is per IP). */
  trustProxy?: FastifyServerOptions['trustProxy'];
}

/**
 * The operations console as a Fastify app, one plugin per concern: errors, security headers,
 * authentication (first hook on every route but the public ones), health, metrics, the run
 * history API, the runs and quality pages (`/runs`, `/quality`), and Bull Board under `/board`. Not listening yet: `board/server.ts` listens, tests
 * use `app.inject`. Throws a BoardAuthConfigError when no credentials are configured and
 * `insecureDev` is not set.
 */
export async function buildApp(opts: BoardAppOptions): Promise<FastifyInstance> {
  const { config, pool, redis, queues } = opts;
  const creds = resolveCredentials(config, opts.insecureDev === true);
  const readOnly = opts.readOnly ?? config.BOARD_READ_ONLY;
  const redact = opts.redact ?? ((v: unknown) => redactSecrets(v));

  const app = Fastify({
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }),
    trustProxy: opts.trustProxy ?? false,
    // ids in the run history are numbers; a long path or query is never legitimate here
    routerOptions: { maxParamLength: 200 },
  }) as unknown as FastifyInstance;

  const lastBackup =
    opts.lastBackup === undefined
      ? opts.s3
        ? cached(() => findLastBackup(opts.s3!, config.S3_BUCKET, config.BACKUP_PREFIX))
        : undefined
      : (opts.lastBackup ?? undefined);

  await app.register(errors);
  await app.register(security);
  await app.register(auth, {
    creds,
    loginRateLimit: opts.loginRateLimit ?? { max: 10, timeWindowMs: 60_000 },
  });
  await app.register(health, { redis, pool });
  await app.register(metricsRoutes, {
    queues,
    pool,
    public: opts.metricsPublic ?? config.METRICS_PUBLIC,
    ...(lastBackup ? { lastBackup } : {}),
  });
  await app.register(runsRoutes, { pool });
  await app.register(pages, { pool, queues });
  app.get('/', async (_req, reply) => reply.redirect('/board/'));
  await app.register(bullBoard, { prefix: '/board', queues, readOnly, redact });
  return app;
}
