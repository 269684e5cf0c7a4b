import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  PutObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  S3Client,
  type _Object,
} from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import type { Config } from './config.js';

/** An S3 client for MinIO or AWS: path-style when S3_FORCE_PATH_STYLE, the endpoint when S3_ENDPOINT. */
export function createS3(
  config: Pick<
    Config,
    'S3_ENDPOINT' | 'S3_REGION' | 'S3_ACCESS_KEY_ID' | 'S3_SECRET_ACCESS_KEY' | 'S3_FORCE_PATH_STYLE'
  > &
    Partial<Pick<Config, 'S3_REQUEST_TIMEOUT_MS' | 'S3_CONNECT_TIMEOUT_MS' | 'S3_MAX_ATTEMPTS'>>,
): S3Client {
  const client = new S3Client({
    region: config.S3_REGION,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
    // a stalled S3 must not stall a worker: every request has a deadline, then is retried
    requestHandler: {
      connectionTimeout: config.S3_CONNECT_TIMEOUT_MS ?? 5_000,
      requestTimeout: config.S3_REQUEST_TIMEOUT_MS ?? 30_000,
      // without it the SDK only warns and the request hangs on
      throwOnRequestTimeout: true,
    },
    maxAttempts: config.S3_MAX_ATTEMPTS ?? 5,
    ...(config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT } : {}),
    ...(config.S3_ACCESS_KEY_ID
      ? {
          credentials: {
            accessKeyId: config.S3_ACCESS_KEY_ID,
            secretAccessKey: config.S3_SECRET_ACCESS_KEY,
          },
        }
      : {}),
    // checksums on every request are not understood by every S3-compatible server
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  bodyIdleMs.set(client, config.S3_REQUEST_TIMEOUT_MS ?? 30_000);
  return client;
}

/** S3_REQUEST_TIMEOUT_MS of each client createS3 made: the deadline of a body's next bytes too. */
const bodyIdleMs = new WeakMap<S3Client, number>();

/** Thrown when an object's body stops coming after its headers did (a hung S3 or network). */
export class S3BodyStalledError extends Error {
  override readonly name = 'S3BodyStalledError';
}

/**
 * The chunks of a response body, each awaited with a deadline. The SDK's request timeout ends
 * once the headers are in, and a socket timeout would also fire while the reader itself is busy
 * (extract waiting for room in the queues holds the stream for minutes): here only the time spent
 * waiting for the next bytes counts. A stalled body is destroyed with an S3BodyStalledError naming
 * the object; the step fails and is retried by its queue's policy.
 */
async function* guardedBody(body: Readable, idleMs: number, where: string): AsyncGenerator<Buffer> {
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const stalled = () =>
    body.destroy(
      new S3BodyStalledError(
        `${where}: no bytes of its body for ${idleMs} ms (S3_REQUEST_TIMEOUT_MS) after its headers came; the S3 server or the network hung`,
      ),
    );
  try {
    for (;;) {
      const timer = setTimeout(stalled, idleMs);
      let next: IteratorResult<Buffer>;
      try {
        next = await chunks.next();
      } finally {
        clearTimeout(timer);
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // the reader stopped early (an error, a break): the socket is not left to hang on
    if (!body.readableEnded) body.destroy();
  }
}

/** Every object under a prefix, following continuation tokens (1,000 keys a page). */
export async function* listObjects(s3: S3Client, bucket: string, prefix: string): AsyncGenerator<_Object> {
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) yield object;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

/**
 * GETs an object (or a byte range of it). With `etag`, another version of the object is refused
 * with an ObjectChangedError: S3 checks IfMatch itself, and the answer's ETag is compared too, for
 * servers that ignore IfMatch (s3rver).
 */
async function openObject(
  s3: S3Client,
  bucket: string,
  key: string,
  opts: { etag?: string; range?: string },
): Promise<{ body: AsyncGenerator<Buffer>; raw: Readable; length: number | undefined }> {
  const where = `s3://${bucket}/${key}`;
  let out;
  try {
    out = await s3.send(
      new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ...(opts.etag ? { IfMatch: opts.etag } : {}),
        ...(opts.range ? { Range: opts.range } : {}),
      }),
    );
  } catch (err) {
    if (opts.etag && isPreconditionFailed(err))
      throw new ObjectChangedError(
        `${where} changed since it was listed (ETag is no longer ${bareEtag(opts.etag)})`,
      );
    throw namedS3Error(where, err);
  }
  if (opts.etag && bareEtag(out.ETag) !== bareEtag(opts.etag)) {
    (out.Body as Readable | undefined)?.destroy?.();
    throw new ObjectChangedError(
      `${where} changed since it was listed (ETag ${bareEtag(opts.etag)}, now ${bareEtag(out.ETag)})`,
    );
  }
  if (!out.Body) throw new Error(`${where}: empty body`);
  const raw = out.Body as Readable;
  return { body: guardedBody(raw, bodyIdleMs.get(s3) ?? 30_000, where), raw, length: out.ContentLength };
}

/** The body of an object as a Node stream; refused when its ETag is not `etag` (when given). */
export async function getObjectStream(
  s3: S3Client,
  bucket: string,
  key: string,
  etag?: string,
): Promise<Readable> {
  return Readable.from((await openObject(s3, bucket, key, { etag })).body, { objectMode: false });
}

/**
 * An S3 failure that says which object it was about; a missing object keeps its name (NoSuchKey)
 * so callers can tell it apart, and its $metadata.
 */
function namedS3Error(where: string, err: unknown): Error {
  const e = err as Error & { $metadata?: unknown; code?: string };
  if (e.name === 'NoSuchKey' || !(e instanceof Error)) return e;
  const out = new Error(
    `S3 request for ${where} failed: ${e.message || e.name || e.code} (check S3_ENDPOINT${process.env.S3_ENDPOINT ? `=${process.env.S3_ENDPOINT}` : ' (unset: AWS)'}, the credentials and S3_BUCKET, e.g. with \`aws --endpoint-url "$S3_ENDPOINT" s3 ls\`)`,
    {
      cause: err,
    },
  );
  out.name = e.name;
  return Object.assign(out, { $metadata: e.$metadata });
}

function isPreconditionFailed(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'PreconditionFailed' || e.$metadata?.httpStatusCode === 412;
}

/** Creates the bucket when it does not exist (demo, tests, first start). */
export async function ensureBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  }
}

/** Thrown when an object is not the version a run listed (its ETag changed). */
export class ObjectChangedError extends Error {
  override readonly name = 'ObjectChangedError';
}

/** Quotes are part of an ETag on the wire; servers differ in keeping them. */
const bareEtag = (etag: string | undefined) => (etag ?? '').replace(/^W\//, '').replace(/"/g, '');

/**
 * The whole body of an object, refused when it is larger than `maxBytes` or when its ETag is not
 * `etag` (when given): the object was rewritten since it was listed.
 */
export async function getObjectBytes(
  s3: S3Client,
  bucket: string,
  key: string,
  opts: { etag?: string; maxBytes?: number; range?: string } = {},
): Promise<Buffer> {
  const where = `s3://${bucket}/${key}`;
  const { body, raw, length: declared } = await openObject(s3, bucket, key, opts);
  const max = opts.maxBytes ?? Number.POSITIVE_INFINITY;
  if ((declared ?? 0) > max) {
    raw.destroy();
    throw new Error(`${where} is ${declared} bytes, over the ${max} bytes read whole`);
  }
  const parts: Buffer[] = [];
  let length = 0;
  for await (const b of body) {
    length += b.length;
    if (length > max) {
      // leaving the loop ends the body (guardedBody destroys it)
      throw new Error(`${where} is over the ${max} bytes read whole`);
    }
    parts.push(b);
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts, length);
}

export async function putObject(s3: S3Client, bucket: string, key: string, body: Buffer): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

/** Deletes every object under a prefix (1,000 a request); returns how many were deleted. */
export async function deletePrefix(s3: S3Client, bucket: string, prefix: string): Promise<number> {
  let deleted = 0;
  let batch: string[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await s3.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
      }),
    );
    deleted += batch.length;
    batch = [];
  };
  for await (const o of listObjects(s3, bucket, prefix)) {
    if (!o.Key) continue;
    batch.push(o.Key);
    if (batch.length >= 1000) await flush();
  }
  await flush();
  return deleted;
}
