/**
 * The synthetic dump: a CKAN DCAT catalogue export in JSON-LD, as rdflib writes it, reproducing
 * every fact of docs/input-format.md (value shapes, odd cases, node order, shared nodes, series
 * across pages, duplicated datasets). Deterministic: the same options give the same bytes.
 *
 * ```ts
 * const summary = await writeDumpToDir('./dump', { datasets: 24_375, pages: 244 });
 * for await (const file of generateDump({ datasets: 200, pages: 2 })) console.log(file.key);
 * ```
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setImmediate as nextTick } from 'node:timers/promises';
import { promisify } from 'node:util';
import { createGzip, gzip } from 'node:zlib';
import { DeleteObjectsCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { listObjects } from '../../shared/s3.js';
import { datasetIri } from './nodes.js';
import {
  BlankIds,
  DOCUMENT_TAIL,
  documentHead,
  exportingCatalog,
  layoutChunk,
  nodeText,
  nodesText,
  renderPage,
} from './page.js';
import { chunkDatasets, makePlan, type DumpPlan, type GenOptions } from './plan.js';

export type { GenOptions } from './plan.js';
export { ODD_VALUES, datasetIri, datasetUuid } from './nodes.js';

const gzipAsync = promisify(gzip);

/** One file of the dump. */
export interface GeneratedFile {
  /** File name, also the S3 key below the prefix: `page-0001.json[.gz]` or `catalog.json[.gz]`. */
  key: string;
  /**
   * A page: one Buffer (about 1 MB per 100 datasets). The single file: an async iterable of
   * Buffer chunks (about 1 MB each, gzip-compressed when asked) to be streamed, read once.
   */
  body: Buffer | AsyncIterable<Buffer>;
  contentType: string;
  /** Dataset nodes in this file, duplicates included. */
  datasetNodes: number;
}

/** The shape of a dump, known without generating it. */
export interface DumpCounts {
  files: number;
  /** Distinct dataset IRIs. */
  datasets: number;
  /** Dataset nodes across all files (datasets + duplicates). */
  datasetNodes: number;
  /** Datasets typed dcat:DatasetSeries. */
  series: number;
  /** File names in order. */
  keys: string[];
}

/** What a write reports: the counts plus the bytes written (compressed size for gzip). */
export interface GenSummary extends DumpCounts {
  bytes: number;
}

export interface WriteOptions {
  /** First delete the dump files (`page-*.json[.gz]`, `catalog.json[.gz]`) already there. */
  clean?: boolean;
  /** S3 only: files uploaded at the same time (default 4). */
  concurrency?: number;
}

const DUMP_FILE = /^(page-\d+|catalog)\.json(\.gz)?$/;

function fileKey(plan: DumpPlan, k: number): string {
  const ext = plan.opts.gzip ? '.json.gz' : '.json';
  if (plan.opts.single) return `catalog${ext}`;
  const width = Math.max(4, String(plan.chunks).length);
  return `page-${String(k + 1).padStart(width, '0')}${ext}`;
}

function contentType(plan: DumpPlan): string {
  return plan.opts.gzip ? 'application/gzip' : 'application/ld+json';
}

/** Counts, keys and series of a dump, from its plan only (cheap, no body is generated). */
export function summarizeDump(opts: GenOptions): DumpCounts {
  const plan = makePlan(opts);
  const files = plan.opts.single ? 1 : plan.chunks;
  return {
    files,
    datasets: plan.opts.datasets,
    datasetNodes: plan.opts.datasets + plan.duplicateCount,
    series: plan.seriesCount,
    keys: Array.from({ length: files }, (_, k) => fileKey(plan, k)),
  };
}

/** The single file's text, chunk by chunk (one @context, one @graph, bounded memory). */
async function* singleText(plan: DumpPlan): AsyncGenerator<Buffer> {
  const blanks = new BlankIds(plan.opts.seed, 0, false);
  const written = new Set<string>();
  yield Buffer.from(documentHead());
  for (let k = 0; k < plan.chunks; k++) {
    const { nodes } = layoutChunk(plan, k, chunkDatasets(plan, k), blanks, written, () => []);
    yield Buffer.from((k > 0 ? ',\n' : '') + nodesText(nodes));
    await nextTick();
  }
  const iris = Array.from({ length: plan.opts.datasets }, (_, i) => datasetIri(plan.opts, i));
  yield Buffer.from(`,\n${nodeText(exportingCatalog(plan.opts, iris))}${DOCUMENT_TAIL}`);
}

async function* gzipStream(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const gz = createGzip();
  const done = pipeline(Readable.from(source), gz);
  // an early stop of the consumer destroys gz: that rejection is expected, not unhandled
  done.catch(() => undefined);
  for await (const chunk of gz) yield chunk as Buffer;
  await done;
}

/**
 * The files of the dump, one at a time: memory stays bounded (one page, or one ~1 MB chunk of
 * the single file) whatever the dump size.
 */
export async function* generateDump(opts: GenOptions): AsyncGenerator<GeneratedFile> {
  const plan = makePlan(opts);
  const type = contentType(plan);
  if (plan.opts.single) {
    const text = singleText(plan);
    yield {
      key: fileKey(plan, 0),
      body: plan.opts.gzip ? gzipStream(text) : text,
      contentType: type,
      datasetNodes: plan.opts.datasets,
    };
    return;
  }
  for (let k = 0; k < plan.chunks; k++) {
    const datasets = chunkDatasets(plan, k);
    const text = Buffer.from(renderPage(plan, k, datasets));
    yield {
      key: fileKey(plan, k),
      body: plan.opts.gzip ? await gzipAsync(text) : text,
      contentType: type,
      datasetNodes: datasets.length,
    };
    await nextTick();
  }
}

/** A file body as one Buffer (the single file of a large dump can be hundreds of MB). */
export async function readBody(file: GeneratedFile): Promise<Buffer> {
  if (Buffer.isBuffer(file.body)) return file.body;
  const parts: Buffer[] = [];
  for await (const chunk of file.body) parts.push(chunk);
  return Buffer.concat(parts);
}

/** Generates every file and counts the bytes, writing nothing. */
export async function measureDump(opts: GenOptions): Promise<GenSummary> {
  let bytes = 0;
  for await (const file of generateDump(opts)) {
    if (Buffer.isBuffer(file.body)) bytes += file.body.length;
    else for await (const chunk of file.body) bytes += chunk.length;
  }
  return { ...summarizeDump(opts), bytes };
}

async function* counted(source: AsyncIterable<Buffer>, add: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    add(chunk.length);
    yield chunk;
  }
}

/** Writes the dump into a folder (created when missing). */
export async function writeDumpToDir(
  dir: string,
  opts: GenOptions,
  write: WriteOptions = {},
): Promise<GenSummary> {
  const counts = summarizeDump(opts);
  await mkdir(dir, { recursive: true });
  if (write.clean) {
    for (const name of await readdir(dir))
      if (DUMP_FILE.test(name)) await rm(join(dir, name), { force: true });
  }
  let bytes = 0;
  for await (const file of generateDump(opts)) {
    const path = join(dir, file.key);
    if (Buffer.isBuffer(file.body)) {
      await writeFile(path, file.body);
      bytes += file.body.length;
    } else {
      await pipeline(Readable.from(counted(file.body, (n) => (bytes += n))), createWriteStream(path));
    }
  }
  return { ...counts, bytes };
}

/** Deletes the dump files under a prefix (other objects are left alone). */
export async function deleteDumpFromS3(s3: S3Client, bucket: string, prefix: string): Promise<number> {
  const keys: string[] = [];
  for await (const object of listObjects(s3, bucket, prefix)) {
    if (object.Key && DUMP_FILE.test(object.Key.slice(prefix.length))) keys.push(object.Key);
  }
  for (let n = 0; n < keys.length; n += 1000) {
    await s3.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: keys.slice(n, n + 1000).map((Key) => ({ Key })), Quiet: true },
      }),
    );
  }
  return keys.length;
}

/**
 * Uploads the dump to `s3://bucket/<prefix><key>` (the prefix is used as given: end it with '/'),
 * a few files at a time; the single file is streamed as a multipart upload.
 */
export async function writeDumpToS3(
  s3: S3Client,
  bucket: string,
  prefix: string,
  opts: GenOptions,
  write: WriteOptions = {},
): Promise<GenSummary> {
  const counts = summarizeDump(opts);
  if (write.clean) await deleteDumpFromS3(s3, bucket, prefix);
  const concurrency = Math.max(1, write.concurrency ?? 4);
  let bytes = 0;
  let failure: Error | undefined;
  const inFlight = new Set<Promise<void>>();
  for await (const file of generateDump(opts)) {
    if (failure) break;
    const body = Buffer.isBuffer(file.body)
      ? file.body
      : Readable.from(counted(file.body, (n) => (bytes += n)));
    if (Buffer.isBuffer(file.body)) bytes += file.body.length;
    const upload = new Upload({
      client: s3,
      params: { Bucket: bucket, Key: `${prefix}${file.key}`, Body: body, ContentType: file.contentType },
      queueSize: 4,
      partSize: 8 * 1024 * 1024,
    });
    const task: Promise<void> = upload
      .done()
      .then(
        () => undefined,
        (err: unknown) => {
          failure ??= err instanceof Error ? err : new Error('S3 upload failed', { cause: err });
        },
      )
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failure) throw failure;
  return { ...counts, bytes };
}
