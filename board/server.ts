import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../shared/config.js';
import { closeQueues, createQueues } from '../shared/bull.js';
import { createPool } from '../shared/db.js';
import { logger } from '../shared/logger.js';
import { assertRedisReachable, createRedis } from '../shared/redis.js';
import { createS3 } from '../shared/s3.js';
import { buildApp, type BoardAppOptions } from './app.js';
import { resolveCredentials } from './auth.js';

export interface BoardServerOptions {
  /** Default: PORT (3000). 0 picks a free port. */
  port?: number;
  /** Default: HOST. */
  host?: string;
  insecureDev?: boolean;
  log?: Logger;
  /** Passed to buildApp (read-only, redaction, rate limit, trusted proxies...). */
  app?: Partial<Omit<BoardAppOptions, 'config' | 'pool' | 'redis' | 'queues' | 's3' | 'logger'>>;
}

export interface BoardServer {
  app: FastifyInstance;
  /** Where it listens, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** Stops accepting requests, lets the current ones finish, then closes every connection. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the operations console: checks the credentials before anything else, connects to Redis
 * (a clear error when it is down), then listens.
 */
export async function startBoard(config: Config, opts: BoardServerOptions = {}): Promise<BoardServer> {
  const log = (opts.log ?? logger()).child({ component: 'board' });
  resolveCredentials(config, opts.insecureDev === true); // throws before any connection is opened

  await assertRedisReachable(config.REDIS_URL);
  const redis = createRedis(config.REDIS_URL, 'producer');
  redis.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
  await redis.connect();
  const pool = createPool(config.DATABASE_URL);
  const queues = createQueues(config, redis);
  const s3 = createS3(config);
  const releaseAll = async () => {
    await closeQueues(queues).catch(() => undefined);
    redis.disconnect();
    await pool.end().catch(() => undefined);
    s3.destroy();
  };

  let app: FastifyInstance;
  try {
    app = await buildApp({
      ...opts.app,
      config,
      pool,
      redis,
      queues,
      s3,
      insecureDev: opts.insecureDev,
      logger: log,
      // behind an ingress the client address (for the login rate limit) is in X-Forwarded-For
      trustProxy:
        opts.app?.trustProxy ??
        (config.BOARD_TRUST_PROXY > 0
          ? (_address: string, hop: number) => hop < config.BOARD_TRUST_PROXY
          : false),
    });
    await app.listen({ port: opts.port ?? config.PORT, host: opts.host ?? config.HOST });
  } catch (err) {
    await releaseAll();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? config.PORT);
  const host = opts.host ?? config.HOST;
  const url = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}`;
  log.info({ url: `${url}/board/` }, 'board: listening');

  let closing: Promise<void> | undefined;
  return {
    app,
    url,
    close() {
      closing ??= (async () => {
        await app.close();
        await releaseAll();
        log.info('board: stopped');
      })();
      return closing;
    },
  };
}

/** Closes the server gracefully on SIGTERM/SIGINT; a second signal exits at once. */
export function closeOnSignals(server: Pick<BoardServer, 'close'>, log: Logger = logger()): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'board: second signal, exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'board: shutting down');
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'board: shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
