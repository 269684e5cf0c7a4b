import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';

/** The newest complete backup: a `.dump` object whose `.json` sidecar exists. */
export interface LastBackup {
  key: string;
  createdAt: Date;
}

/** Where the board finds the newest backup; `null` when there is none. Throws when it cannot tell. */
export type LastBackupFinder = () => Promise<LastBackup | null>;

/**
 * Lists `<prefix><db>/<timestamp>.dump` objects under the backup prefix and keeps the newest one
 * whose `.json` sidecar exists (the sidecar is written last, so a dump without it is incomplete).
 */
export async function findLastBackup(
  s3: S3Client,
  bucket: string,
  prefix: string,
  { timeoutMs = 5_000 } = {},
): Promise<LastBackup | null> {
  const signal = AbortSignal.timeout(timeoutMs);
  const dumps = new Map<string, Date>();
  const sidecars = new Set<string>();
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      { abortSignal: signal },
    );
    for (const o of page.Contents ?? []) {
      if (!o.Key) continue;
      if (o.Key.endsWith('.dump')) dumps.set(o.Key, o.LastModified ?? new Date(0));
      else if (o.Key.endsWith('.json')) sidecars.add(o.Key);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);

  let newest: LastBackup | null = null;
  for (const [key, createdAt] of dumps) {
    if (!sidecars.has(`${key.slice(0, -'.dump'.length)}.json`) && !sidecars.has(`${key}.json`)) continue;
    if (!newest || createdAt > newest.createdAt) newest = { key, createdAt };
  }
  return newest;
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
