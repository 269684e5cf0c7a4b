import type { S3Client } from '@aws-sdk/client-s3';
import { scanBackups } from '../shared/backup/store.js';

/** The newest complete backup (a `.dump` whose sidecar is valid). */
export interface LastBackup {
  key: string;
  createdAt: Date;
}

/** Where the board finds the newest backup; `null` when there is none. Throws when it cannot tell. */
export type LastBackupFinder = () => Promise<LastBackup | null>;

/** The newest backup under BACKUP_PREFIX, as `dcat-quality backup list` sees it; gives up after `timeoutMs`. */
export async function findLastBackup(
  s3: S3Client,
  bucket: string,
  prefix: string,
  { timeoutMs = 5_000 } = {},
): Promise<LastBackup | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`S3 did not list the backups within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    const { backups } = await Promise.race([scanBackups(s3, bucket, prefix), timeout]);
    const newest = backups[0];
    if (!newest) return null;
    const createdAt = new Date(newest.createdAt);
    return Number.isNaN(createdAt.getTime()) ? null : { key: newest.key, createdAt };
  } finally {
    clearTimeout(timer);
  }
}

/** Remembers the last answer for `ttlMs` so that frequent scrapes do not list S3 each time. */
export function cached(find: LastBackupFinder, ttlMs = 30_000): LastBackupFinder {
  let last: { at: number; value: Promise<LastBackup | null> } | undefined;
  return () => {
    const now = Date.now();
    if (!last || now - last.at > ttlMs) {
      const value = find();
      last = { at: now, value };
      // a failure is not remembered: the next scrape tries again
      value.catch(() => {
        if (last?.value === value) last = undefined;
      });
    }
    return last.value;
  };
}
