/** pg_dump of a database streamed into S3, confirmed, described by its sidecar (backup and safety backup). */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getObjectStream } from '../s3.js';
import {
  assertDumpCompatible,
  collect,
  firstError,
  inspectDatabase,
  libpqEnv,
  pgDumpArgs,
  targetLabel,
  toolVersion,
  type PgTarget,
} from './pg-tools.js';
import { backupKey, deleteBackup, objectSize, putSidecar, type BackupSidecar } from './store.js';
import type { BackupDeps, BackupProgress, RunContext } from './types.js';

/** Counts and hashes what flows through; `beforeEnd` can fail the stream at its very end. */
class Meter extends Transform {
  bytes = 0;
  private readonly hash = createHash('sha256');
  private digest?: string;

  constructor(
    private readonly onBytes: (bytes: number) => void,
    private readonly beforeEnd: () => Promise<void> = () => Promise.resolve(),
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    this.onBytes(this.bytes);
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    this.beforeEnd().then(() => cb(), cb);
  }

  sha256(): string {
    this.digest ??= this.hash.digest('hex');
    return this.digest;
  }
}

/** Calls `fn` at most every `ms` (and always when the phase changes). */
export function throttledProgress(
  fn: ((p: BackupProgress) => void) | undefined,
  ms = 500,
): (p: BackupProgress) => void {
  let last = 0;
  let phase = '';
  return (p) => {
    const now = Date.now();
    if (!fn || (p.phase === phase && now - last < ms)) return;
    last = now;
    phase = p.phase;
    fn(p);
  };
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** sha256 of an object, read back from S3. */
export async function hashObject(
  s3: S3Client,
  bucket: string,
  key: string,
  onBytes?: (bytes: number) => void,
): Promise<{ sha256: string; bytes: number }> {
  const meter = new Meter(onBytes ?? (() => undefined));
  const body = await getObjectStream(s3, bucket, key);
  await pipeline(body, meter, async (source: AsyncIterable<Buffer>) => {
    for await (const _ of source) {
      /* drain: the meter has seen it */
    }
  });
  return { sha256: meter.sha256(), bytes: meter.bytes };
}

/**
 * pg_dump --format=custom of `target`, streamed to S3 (multipart, no temporary file), confirmed
 * (size and sha256 read back), then described by its sidecar. On any failure the partial dump is
 * deleted (and the multipart upload aborted), so nothing half-written is ever listed.
 */
export async function dumpToS3(
  target: PgTarget,
  trigger: string,
  deps: BackupDeps,
  ctx: RunContext = {},
): Promise<BackupSidecar> {
  const { config, s3 } = deps;
  const bucket = config.S3_BUCKET;
  const label = targetLabel(target);
  const dumpTool = await toolVersion(config.PG_DUMP_PATH, 'pg_dump');
  const server = await inspectDatabase(target);
  assertDumpCompatible(dumpTool, server, label);

  const createdAt = new Date();
  const key = backupKey(config.BACKUP_PREFIX, target.database, createdAt);
  const phase = trigger === 'safety' ? 'safety-backup' : 'dump';
  const progress = throttledProgress(ctx.progress);
  ctx.log?.(
    `pg_dump ${label} (PostgreSQL ${server.version}, ${mib(server.sizeBytes)} on disk, ${server.tables} tables) -> s3://${bucket}/${key}`,
  );
  progress({ phase, bytes: 0, total: server.sizeBytes });

  const child = spawn(dumpTool.path, pgDumpArgs(target), {
    env: libpqEnv(target),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr = collect(child, 'stderr', 256 * 1024);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  exited.catch(() => undefined);
  let killedByUs = false;
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) {
      killedByUs = true;
      child.kill('SIGTERM');
    }
  };
  const dumpError = (r: { code: number | null; signal: NodeJS.Signals | null }, cause?: unknown) =>
    new Error(
      `pg_dump of ${label} failed (${r.code !== null ? `exit code ${r.code}` : `killed by ${r.signal}`}): ${firstError(stderr())}`,
      { cause },
    );
  // the stream only ends cleanly when pg_dump exited 0: a failed dump can never complete the upload
  const meter = new Meter(
    (bytes) => progress({ phase, bytes, total: server.sizeBytes }),
    async () => {
      const r = await exited;
      if (r.code !== 0) throw dumpError(r);
    },
  );
  pipeline(child.stdout, meter).catch(() => undefined);

  const upload = new Upload({
    client: s3,
    params: {
      Bucket: bucket,
      Key: key,
      Body: meter,
      ContentType: 'application/octet-stream',
      Metadata: {
        'dcat-quality-source': encodeURIComponent(label),
        'pg-dump-version': dumpTool.version,
        'created-at': createdAt.toISOString(),
        trigger,
      },
    },
    partSize: 8 * 1024 * 1024,
    queueSize: 2,
  });
  const onAbort = () => {
    kill();
    void upload.abort();
  };
  ctx.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    try {
      if (ctx.signal?.aborted) throw ctx.signal.reason;
      await upload.done();
      const r = await exited;
      if (r.code !== 0) throw dumpError(r);
    } catch (err) {
      kill();
      meter.destroy();
      // report the first cause: pg_dump's own failure rather than the upload error it caused
      const r = await exited.catch((e: Error) => e);
      if (r instanceof Error)
        throw new Error(`could not run pg_dump "${dumpTool.path}": ${r.message}`, { cause: err });
      if (!killedByUs && r.code !== 0) throw dumpError(r, err);
      if (ctx.signal?.aborted) {
        throw new Error(
          `backup of ${label} stopped: ${(ctx.signal.reason as Error | undefined)?.message ?? 'aborted'}`,
          { cause: err },
        );
      }
      throw new Error(
        `upload of the dump of ${label} to s3://${bucket}/${key} failed: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    const warnings = stderr().trim();
    if (warnings) ctx.log?.(`pg_dump said: ${warnings}`);

    const size = meter.bytes;
    const sha256 = meter.sha256();
    const stored = await objectSize(s3, bucket, key);
    if (stored !== size) {
      throw new Error(
        `s3://${bucket}/${key} holds ${stored ?? 'no'} bytes after the upload, expected ${size}`,
      );
    }
    const check = await hashObject(s3, bucket, key, (bytes) =>
      progress({ phase: 'verify', bytes, total: size }),
    );
    if (check.sha256 !== sha256) {
      throw new Error(`s3://${bucket}/${key} reads back with sha256 ${check.sha256}, expected ${sha256}`);
    }
    const sidecar: BackupSidecar = {
      format: 'dcat-quality-backup/1',
      key,
      size,
      sha256,
      createdAt: createdAt.toISOString(),
      source: { host: target.host, port: target.port, user: target.user, database: target.database },
      pgDumpVersion: dumpTool.version,
      serverVersion: server.version,
      trigger,
    };
    await putSidecar(s3, bucket, sidecar);
    ctx.log?.(`backup ${key} confirmed: ${mib(size)}, sha256 ${sha256}`);
    return sidecar;
  } catch (err) {
    await deleteBackup(s3, bucket, key).catch((e: Error) =>
      deps.log.warn({ key, err: e.message }, 'could not delete a failed backup'),
    );
    throw err;
    ctx.signal?.removeEventListener('abort', onAbort);
    kill();
  }
}
