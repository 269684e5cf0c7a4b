import { Redis, type RedisOptions } from 'ioredis';
import { redactUrl } from './config.js';

/**
 * A Redis connection for BullMQ. Workers need `maxRetriesPerRequest: null` (they block);
 * producers fail fast instead of hanging when Redis is down.
 */
export function createRedis(url: string, role: 'worker' | 'producer', extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    connectTimeout: 5_000,
    lazyConnect: role === 'producer',
    ...extra,
  });
}

/** Connects (or fails within `timeoutMs`) with an error that says how to start Redis. */
export async function assertRedisReachable(url: string, timeoutMs = 3_000): Promise<void> {
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    const message = (err as Error).message;
    const auth = /NOAUTH|WRONGPASS|invalid password|invalid username/i.test(message);
    throw new ServiceUnreachableError(
      'Redis',
      `REDIS_URL=${redactUrl(url)}`,
      message,
      auth
        ? 'Redis answered but refused the credentials: check the user and password in REDIS_URL'
        : 'check it with `redis-cli -u "$REDIS_URL" ping`; start one with `docker compose up -d redis` or `redis-server --daemonize yes`, or point REDIS_URL at yours',
    );
  } finally {
    probe.disconnect();
  }
}

export class ServiceUnreachableError extends Error {
  constructor(service: string, where: string, cause: string, hint: string) {
    super(`${service} is unreachable at ${where} (${cause}): ${hint}`);
    this.name = 'ServiceUnreachableError';
  }
}

/**
 * BullMQ's production guide: Redis must never evict keys (`maxmemory-policy noeviction`), or jobs
 * vanish under memory pressure and runs never end; and it should persist (AOF), or a restart
 * loses every queued job. Refuses an evicting Redis; returns warnings for the rest. A Redis that
 * hides CONFIG (some managed services) gets a warning, not a refusal.
 */
export async function checkRedisPolicy(redis: Redis): Promise<string[]> {
  let policy: string | undefined;
  let aof: string | undefined;
  try {
    const p = (await redis.call('CONFIG', 'GET', 'maxmemory-policy')) as string[];
    const a = (await redis.call('CONFIG', 'GET', 'appendonly')) as string[];
    policy = p[1];
    aof = a[1];
  } catch (err) {
    return [
      `cannot read the Redis configuration (${(err as Error).message}): make sure maxmemory-policy is noeviction`,
    ];
  }
  if (policy !== undefined && policy !== 'noeviction') {
    throw new Error(
      `Redis maxmemory-policy is "${policy}": BullMQ needs "noeviction" (an evicted job is lost and its run never ends); set it with CONFIG SET maxmemory-policy noeviction or in redis.conf`,
    );
  }
  return aof === 'no'
    ? [
        'Redis persistence (AOF) is off: a Redis restart loses every queued job; set appendonly yes in production',
      ]
    : [];
}
