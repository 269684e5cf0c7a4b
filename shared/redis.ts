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
    throw new ServiceUnreachableError(
      'Redis',
      redactUrl(url),
      (err as Error).message,
      'start one with `docker compose up -d redis`, or `redis-server --daemonize yes`, or set REDIS_URL',
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
