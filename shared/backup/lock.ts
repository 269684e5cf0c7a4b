import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';

/**
 * A Redis mutex with a renewed TTL, shared by the backup and restore processors of every worker
 * process: at most one backup or restore runs at a time across both queues. The TTL frees the
 * lock if its holder dies; the holder renews it every third of the TTL and, should a renewal
 * fail (lock lost, Redis gone), its `signal` aborts so the running pg_dump/pg_restore is stopped.
 */

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** The lock key of a deployment (inside its queue prefix, so tests and deployments stay apart). */
export function backupLockKey(queuePrefix: string): string {
  return `${queuePrefix}:backup-restore:lock`;
}

export interface LockOptions {
  /** Default 30 s. */
  ttlMs?: number;
  /** Pause between two attempts while another job holds the lock. Default 500 ms. */
  pollMs?: number;
  /** Give up waiting after this long. Default 6 h. */
  maxWaitMs?: number;
  /** Stops waiting (the worker is closing). */
  signal?: AbortSignal;
  /** Called once when the lock is busy, with the holder's description. */
  onWait?: (holder: string) => void | Promise<void>;
}

export interface HeldLock {
  /** Aborted when the lock is lost. */
  signal: AbortSignal;
  release(): Promise<void>;
}

/** Waits for the lock, then holds it (renewing its TTL) until `release()`. */
export async function acquireLock(
  redis: Redis,
  key: string,
  owner: string,
  opts: LockOptions = {},
): Promise<HeldLock> {
  const ttl = opts.ttlMs ?? 30_000;
  const token = `${owner} ${randomBytes(6).toString('hex')}`;
  const deadline = Date.now() + (opts.maxWaitMs ?? 6 * 3600_000);
  let told = false;
  for (;;) {
    opts.signal?.throwIfAborted();
    if ((await redis.set(key, token, 'PX', ttl, 'NX')) === 'OK') break;
    if (!told) {
      told = true;
      await opts.onWait?.(((await redis.get(key)) ?? '?').replace(/ [0-9a-f]+$/, ''));
    }
    if (Date.now() > deadline) throw new Error(`waited too long for the backup/restore lock ${key}`);
    await sleep(opts.pollMs ?? 500, undefined, opts.signal ? { signal: opts.signal } : {});
  }

  const lost = new AbortController();
  const timer = setInterval(
    () => {
      redis.eval(RENEW, 1, key, token, ttl).then(
        (renewed) => {
          if (renewed !== 1) lost.abort(new Error(`lost the backup/restore lock ${key}`));
        },
        (err: Error) => lost.abort(new Error(`could not renew the backup/restore lock: ${err.message}`)),
      );
    },
    Math.max(100, Math.floor(ttl / 3)),
  );
  timer.unref();
  return {
    signal: lost.signal,
    async release() {
      clearInterval(timer);
      await redis.eval(RELEASE, 1, key, token);
    },
  };
}

/** Runs `fn` holding the lock; `fn` gets a signal aborted when the lock is lost or `opts.signal` aborts. */
export async function withLock<T>(
  redis: Redis,
  key: string,
  owner: string,
  opts: LockOptions,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const lock = await acquireLock(redis, key, owner, opts);
  const signal = opts.signal ? AbortSignal.any([lock.signal, opts.signal]) : lock.signal;
  try {
    return await fn(signal);
  } finally {
    await lock.release().catch(() => undefined);
  }
}
