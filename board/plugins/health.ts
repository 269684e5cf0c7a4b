import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Pool } from '../../shared/db.js';
import { redactString } from '../redact.js';

export interface HealthPluginOptions {
  redis: Redis;
  pool: Pool;
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

/** `/healthz` (the process answers) and `/readyz` (Redis and PostgreSQL answer within 2 s), public. */
export default function healthRoutes(
  app: FastifyInstance,
  { redis, pool }: HealthPluginOptions,
): Promise<void> {
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
  return Promise.resolve();
}
