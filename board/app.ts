import { STATUS_CODES } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Redis } from 'ioredis';
import type { Config } from '../shared/config.js';
import type { Queues } from '../shared/bull.js';
import type { Pool } from '../shared/db.js';
import { QUEUE_NAMES, type QueueName } from '../shared/queues.js';
import { challenge, checkAuthorization, resolveCredentials } from './auth.js';
import { cached, findLastBackup, type LastBackupFinder } from './backups.js';
import { createMetrics } from './metrics.js';
import { redactSecrets, redactString } from './redact.js';
import { runsRoutes } from './runs.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served without authentication (health probes, public metrics). */
    public?: boolean;
  }
}

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

/** What each queue does, shown by Bull Board under its name. */
export const QUEUE_DESCRIPTIONS: Record<QueueName, string> = {
  extract: 'Reads the JSON-LD dump from S3 and cuts it into chunks of datasets (one job per ETL run)',
  transform: 'Computes the quality indicators of one chunk of datasets',
  load: 'COPYs the indicator rows of one chunk into PostgreSQL; the last batch publishes the run',
  backup: 'Dumps the Metabase database to S3 (pg_dump)',
  restore: 'Restores a backup of the Metabase database (pg_restore)',
};

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const UPDATE_DATA_ROUTE = '/api/queues/:queueName/:jobId/update-data';

function jobLabel(job: { name?: string; data?: unknown }): string {
  const data = (job.data ?? {}) as { runId?: unknown; batch?: unknown; trigger?: unknown };
  const parts = [job.name ?? ''];
  if (typeof data.runId === 'number') parts.push(`run ${data.runId}`);
  if (typeof data.batch === 'string') parts.push(data.batch);
  return parts.join(' · ');
}

async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The operations console as a Fastify app: authentication first, then Bull Board under `/board`,
 * the run history under `/api/runs`, `/healthz`, `/readyz` and `/metrics`. Not listening yet:
 * `board/server.ts` listens, tests use `app.inject`. Throws a BoardAuthConfigError when no
 * credentials are configured and `insecureDev` is not set.
 */
export async function buildApp(opts: BoardAppOptions): Promise<FastifyInstance> {
  const { config, pool, redis, queues } = opts;
  const creds = resolveCredentials(config, opts.insecureDev === true);
  const readOnly = opts.readOnly ?? config.BOARD_READ_ONLY;
  const metricsPublic = opts.metricsPublic ?? config.METRICS_PUBLIC;
  const redact = opts.redact ?? ((v: unknown) => redactSecrets(v));
  const loginLimit = opts.loginRateLimit ?? { max: 10, timeWindowMs: 60_000 };

  const app = Fastify({
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }),
    trustProxy: opts.trustProxy ?? false,
    // ids in the run history are numbers; a long path or query is never legitimate here
    routerOptions: { maxParamLength: 200 },
  }) as unknown as FastifyInstance;

  // nothing internal leaks: 5xx answers are generic, the details go to the log
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (err.code === '42P01') {
      req.log.error({ err }, 'etl_runs is missing: the database has not been migrated');
      return reply.code(503).send({
        statusCode: 503,
        error: STATUS_CODES[503],
        message: 'run history unavailable: the database has not been migrated yet',
      });
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err }, 'request failed');
    return reply.code(status).send({
      statusCode: status,
      error: STATUS_CODES[status],
      message: status >= 500 ? 'internal error' : redactString(err.message),
    });
  });

  // Bull Board's UI is a single-page app with inline styles; its scripts are files of its own
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'font-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'frame-ancestors': ["'none'"],
        // TLS is the ingress's business; upgrading would break a plain-HTTP local board
        'upgrade-insecure-requests': null,
      },
    },
  });
  await app.register(rateLimit, { global: false });
  const failedLogins = app.createRateLimit({ max: loginLimit.max, timeWindow: loginLimit.timeWindowMs });

  if (creds) {
    app.addHook('onRequest', async (req, reply) => {
      if (req.routeOptions.config?.public === true) return;
      // an IP past its failed-login budget is refused even with the right password (no oracle)
      const budget = await failedLogins(req, { increment: false });
      if (!budget.isAllowed && budget.remaining <= 0) {
        return reply.code(429).header('retry-after', String(budget.ttlInSeconds)).send({
          statusCode: 429,
          error: STATUS_CODES[429],
          message: 'too many failed logins, try again later',
        });
      }
      const outcome = checkAuthorization(req.headers.authorization, creds);
      if (outcome === 'ok') return;
      if (outcome === 'invalid') {
        await failedLogins(req);
        req.log.warn({ ip: req.ip }, 'board: failed login');
      }
      return reply
        .code(401)
        .header('www-authenticate', challenge(creds))
        .send({ statusCode: 401, error: STATUS_CODES[401], message: 'authentication required' });
    });
  } else {
    app.log.warn('board: started WITHOUT authentication (--insecure-dev); never expose it beyond localhost');
  }

  app.get('/healthz', { config: { public: true } }, (_req, reply) => reply.send({ status: 'ok' }));

  app.get('/readyz', { config: { public: true } }, async (req, reply) => {
    const probe = async (check: () => Promise<unknown>, name: string) => {
      try {
        await within(check(), 2_000);
        return 'ok' as const;
      } catch (err) {
        req.log.warn({ err: redactString((err as Error).message) }, `readyz: ${name} unreachable`);
        return 'unreachable' as const;
      }
    };
    const [redisState, postgresState] = await Promise.all([
      probe(() => redis.ping(), 'redis'),
      probe(() => pool.query('SELECT 1'), 'postgres'),
    ]);
    const ready = redisState === 'ok' && postgresState === 'ok';
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'not ready',
      checks: { redis: redisState, postgres: postgresState },
    });
  });

  const lastBackup =
    opts.lastBackup === undefined
      ? opts.s3
        ? cached(() => findLastBackup(opts.s3!, config.S3_BUCKET, config.BACKUP_PREFIX))
        : undefined
      : (opts.lastBackup ?? undefined);
  const registry = createMetrics({
    queues,
    pool,
    ...(lastBackup ? { lastBackup } : {}),
    onError: (source, err) =>
      app.log.warn({ err: redactString((err as Error).message) }, `metrics: ${source} unreadable`),
  });
  app.get('/metrics', { config: { public: metricsPublic } }, async (_req, reply) => {
    const body = await registry.metrics();
    return reply.type(registry.contentType).send(body);
  });

  await app.register(runsRoutes, { pool });

  app.get('/', async (_req, reply) => reply.redirect('/board/'));

  await app.register(async (scope) => {
    scope.addHook('onRequest', async (req, reply) => {
      if (readOnly && !READ_METHODS.has(req.method)) {
        return reply.code(403).send({
          statusCode: 403,
          error: STATUS_CODES[403],
          message: 'the board is read-only (BOARD_READ_ONLY)',
        });
      }
    });
    // Bull Board's own error handler echoes error messages: keep 5xx answers generic
    scope.addHook('onSend', async (_req, reply, payload) => {
      if (reply.statusCode < 500) return payload;
      reply.type('application/json; charset=utf-8');
      return JSON.stringify({
        statusCode: reply.statusCode,
        error: STATUS_CODES[reply.statusCode],
        message: 'internal error',
      });
    });

    const adapters = QUEUE_NAMES.map((name) => {
      const adapter = new BullMQAdapter(queues[name], {
        readOnlyMode: readOnly,
        allowRetries: !readOnly,
        description: QUEUE_DESCRIPTIONS[name],
      });
      adapter.setFormatter('name', jobLabel);
      if (redact) {
        adapter.setFormatter('data', redact);
        adapter.setFormatter('returnValue', redact);
        adapter.setFormatter('progress', redact);
      }
      return adapter;
    });
    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath('/board');
    createBullBoard({
      queues: adapters,
      serverAdapter,
      options: {
        uiConfig: { boardTitle: 'dcat-quality', hideDocsLink: true },
        handlerHooks: {
          before: ({ route }) => {
            // the board shows redacted data: saving it back would overwrite the real payload
            if (redact && route === UPDATE_DATA_ROUTE) {
              return {
                allow: false,
                status: 403,
                message: 'editing job data is disabled: the board shows redacted data',
              };
            }
          },
          // logs, failure reasons and stack traces are free text: mask what looks like a secret
          after: (_ctx, result) =>
            redact
              ? { ...result, body: redactSecrets(result.body, { keys: false }) as typeof result.body }
              : result,
        },
      },
    });
    await scope.register(serverAdapter.registerPlugin(), { prefix: '/board' });
  });

  return app;
}
