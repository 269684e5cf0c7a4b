import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { getObjectBytes, listObjects } from '../s3.js';

/**
 * Layout in S3, under BACKUP_PREFIX:
 *   <prefix><database>/<UTC timestamp>.dump       the pg_dump custom-format archive
 *   <prefix><database>/<UTC timestamp>.dump.json  its sidecar, written only once the dump is confirmed
 * A dump without a valid sidecar is not a backup: `backup list` ignores it and a restore refuses it.
 */

export const SIDECAR_SUFFIX = '.json';
const DUMP_SUFFIX = '.dump';

/** The sidecar written next to each confirmed dump. */
export const sidecarSchema = z.object({
  format: z.literal('dcat-quality-backup/1'),
  key: z.string(),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.string(),
  source: z.object({
    host: z.string(),
    port: z.number().int(),
    user: z.string(),
    database: z.string(),
  }),
  pgDumpVersion: z.string(),
  serverVersion: z.string(),
  trigger: z.string(),
});
export type BackupSidecar = z.infer<typeof sidecarSchema>;

/** `20251128T034512.345Z`: sorts like time, and no colon in S3 keys. */
export function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '');
}

/** `<prefix><database>/<UTC timestamp>.dump` */
export function backupKey(prefix: string, database: string, date: Date): string {
  return `${databaseFolder(prefix, database)}${timestamp(date)}${DUMP_SUFFIX}`;
}

/** The folder of one database's backups (the name is encoded: it may contain "/"). */
export function databaseFolder(prefix: string, database: string): string {
  return `${prefix}${encodeURIComponent(database)}/`;
}

export function sidecarKey(key: string): string {
  return `${key}${SIDECAR_SUFFIX}`;
}

/** A key this tool could have written: under the prefix, one folder deep, ending in .dump. */
export function isBackupKey(key: string, prefix: string): boolean {
  if (!key.startsWith(prefix) || !key.endsWith(DUMP_SUFFIX)) return false;
  const rest = key.slice(prefix.length, -DUMP_SUFFIX.length);
  return /^[^/]+\/[^/]+$/.test(rest);
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}

/** Size of an object, or undefined when it does not exist. */
export async function objectSize(s3: S3Client, bucket: string, key: string): Promise<number | undefined> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return head.ContentLength ?? 0;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

async function readSidecarObject(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<BackupSidecar | undefined> {
  let text: string;
  try {
    // through getObjectBytes: named errors, and the deadline on the body's bytes every GET has
    text = (await getObjectBytes(s3, bucket, sidecarKey(key))).toString('utf8');
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  try {
    const parsed = sidecarSchema.safeParse(JSON.parse(text));
    return parsed.success && parsed.data.key === key ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The sidecar of a backup key, checked against the dump object; throws a clear
 * UnrecoverableError when the key is not a complete backup.
 */
export async function getBackup(
  s3: S3Client,
  bucket: string,
  prefix: string,
  key: string,
): Promise<BackupSidecar> {
  const where = `s3://${bucket}/${key}`;
  if (!isBackupKey(key, prefix)) {
    throw new UnrecoverableError(
      `"${key}" is not a backup key: expected ${prefix}<database>/<timestamp>.dump (see \`dcat-quality backup list\`)`,
    );
  }
  const [size, sidecar] = await Promise.all([
    objectSize(s3, bucket, key),
    readSidecarObject(s3, bucket, key),
  ]);
  if (size === undefined) {
    throw new UnrecoverableError(`no backup ${where}: unknown key (see \`dcat-quality backup list\`)`);
  }
  if (!sidecar) {
    throw new UnrecoverableError(
      `${where} has no valid metadata sidecar (${sidecarKey(key)}): it is not a complete backup made by dcat-quality`,
    );
  }
  if (sidecar.size !== size) {
    throw new UnrecoverableError(
      `${where} is ${size} bytes but its sidecar says ${sidecar.size}: the backup is damaged`,
    );
  }
  return sidecar;
}

export async function putSidecar(s3: S3Client, bucket: string, sidecar: BackupSidecar): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: sidecarKey(sidecar.key),
      Body: `${JSON.stringify(sidecar, null, 2)}\n`,
      ContentType: 'application/json',
    }),
  );
}

/** Deletes a backup: the sidecar first, so that a half-deleted backup is never listed as valid. */
export async function deleteBackup(s3: S3Client, bucket: string, key: string): Promise<void> {
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: sidecarKey(key) }));
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}

export interface BackupScan {
  /** Valid backups, newest first. */
  backups: BackupSidecar[];
  /** Dumps without a valid sidecar, and sidecars without their dump (left by a crash). */
  orphans: string[];
}

/** Every object under `prefix` (or one database's folder), sorted into backups and orphans. */
export async function scanBackups(s3: S3Client, bucket: string, prefix: string): Promise<BackupScan> {
  const dumps = new Map<string, number>();
  const sidecars = new Set<string>();
  for await (const o of listObjects(s3, bucket, prefix)) {
    if (!o.Key) continue;
    if (o.Key.endsWith(DUMP_SUFFIX)) dumps.set(o.Key, o.Size ?? 0);
    else if (o.Key.endsWith(DUMP_SUFFIX + SIDECAR_SUFFIX)) sidecars.add(o.Key);
  }
  const backups: BackupSidecar[] = [];
  const orphans: string[] = [];
  for (const [key, size] of dumps) {
    const sidecar = sidecars.has(sidecarKey(key)) ? await readSidecarObject(s3, bucket, key) : undefined;
    if (sidecar && sidecar.size === size) backups.push(sidecar);
    else orphans.push(key);
  }
  for (const s of sidecars) {
    if (!dumps.has(s.slice(0, -SIDECAR_SUFFIX.length))) orphans.push(s);
  }
  return { backups: newestFirst(backups), orphans };
}

/** What retention removes from one database's folder: every backup after the newest `keep`. */
export function expiredBackups(backups: BackupSidecar[], keep: number): BackupSidecar[] {
  return newestFirst(backups).slice(keep);
}

function newestFirst(backups: BackupSidecar[]): BackupSidecar[] {
  const order = (b: BackupSidecar) => `${b.createdAt}\u0000${b.key}`;
  return [...backups].sort((a, b) => (order(a) < order(b) ? 1 : order(a) > order(b) ? -1 : 0));
}
