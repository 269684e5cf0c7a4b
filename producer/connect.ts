import { getConfig, redactUrl, type Config } from '../shared/config.js';
import { closeQueues, createQueues, type Queues } from '../shared/bull.js';
import { assertDatabaseReachable, createPool, type Pool } from '../shared/db.js';
import { migrate } from '../shared/migrate.js';
import { assertRedisReachable, createRedis } from '../shared/redis.js';

export interface ProducerContext {
  config: Config;
  pool: Pool;
  queues: Queues;
  close(): Promise<void>;
}

/**
 * What a CLI command needs: checks Redis and PostgreSQL first, so that a service that is down
 * gives one clear line at once instead of a hang.
 */
export async function connectProducer(config: Config = getConfig()): Promise<ProducerContext> {
  await Promise.all([assertRedisReachable(config.REDIS_URL), assertDatabaseReachable(config.DATABASE_URL)]);
  const redis = createRedis(config.REDIS_URL, 'worker');
  // a Redis blip during `--wait` is said once a minute in one line, never as stack traces
  let said = 0;
  const onError = (err: Error) => {
    if (Date.now() - said < 60_000) return;
    said = Date.now();
    console.error(`Redis (REDIS_URL ${redactUrl(config.REDIS_URL)}): ${err.message}; reconnecting`);
  };
  redis.on('error', onError);
  const pool = createPool(config.DATABASE_URL, 2);
  await migrate(pool);
  const queues = createQueues(config, redis);
  for (const q of Object.values(queues)) q.on('error', onError);
  return {
    config,
    pool,
    queues,
    async close() {
      await closeQueues(queues);
      await pool.end();
      redis.disconnect();
    },
  };
}
