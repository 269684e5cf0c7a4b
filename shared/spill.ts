/**
 * What a run spills to S3, under `RUNS_PREFIX` in the dump's bucket, one folder per run
 * (`runs/run<id>-<token>/`): the resolved chunks extract streams out of a huge object
 * (`o<object>c<chunk>.records.json.gz`, or `o<object>c<first>-c<last>.records.json.gz` for the
 * chunks of one transform job spilled together: the records' element texts or their places in the
 * object, see workers/dump/element-chunk.ts),
 * and load batches too large to cross Redis (`o<object>c<chunk>.copy.gz`). A run's folder is
 * deleted once the run is published, and by retention once a failed run is old (see
 * {@link purgeSpills}).
 */
import { promisify } from 'node:util';
import {
  brotliCompressSync,
  brotliDecompressSync,
  constants as zlib,
  deflateRawSync,
  gunzipSync,
  gzip,
  gzipSync,
  inflateRawSync,
} from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Config } from './config.js';
import type { Pool } from './db.js';
import type { RunRef } from './queues.js';
import type { DatasetRecord, GraphNode } from './record.js';
import { deletePrefix, getObjectBytes, listObjects, putObject } from './s3.js';

type SpillConfig = Pick<Config, 'S3_BUCKET' | 'RUNS_PREFIX'>;

/** The run's folder under RUNS_PREFIX. */
export function runFolder(config: SpillConfig, run: RunRef): string {
  return `${config.RUNS_PREFIX}run${run.id}-${run.token}/`;
}

export const recordChunkKey = (config: SpillConfig, run: RunRef, batch: string) =>
  `${runFolder(config, run)}${batch}.records.json.gz`;

/**
 * The object holding `count` chunks of one job, from the chunk `batch` names on:
 * `o<object>c<first>-c<last>.records.json.gz` (a name no single chunk has, whatever version wrote it).
 */
export const recordChunksKey = (config: SpillConfig, run: RunRef, batch: string, count: number) => {
  const m = /^(o\d+c)(\d+)$/.exec(batch);
  const last = m ? `-c${Number(m[2]) + count - 1}` : `+${count - 1}`;
  return `${runFolder(config, run)}${batch}${last}.records.json.gz`;
};

export const copyBatchKey = (config: SpillConfig, run: RunRef, batch: string) =>
  `${runFolder(config, run)}${batch}.copy.gz`;

/**
 * Thrown when a spilled object a job names is gone (deleted by hand, or by retention), or no
 * longer matches the object it was spilled from (rewritten since): only a new run can help.
 */
export class SpillMissingError extends Error {
  override readonly name = 'SpillMissingError';
}

async function readSpill(s3: S3Client, config: SpillConfig, key: string): Promise<Buffer> {
  try {
    return gunzipSync(await getObjectBytes(s3, config.S3_BUCKET, key));
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number } };
    if (e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404) {
      throw new SpillMissingError(
        `spilled object s3://${config.S3_BUCKET}/${key} is missing (deleted by hand or by retention): ` +
          'enqueue a new run',
      );
    }
    throw err;
  }
}

const gzipAsync = promisify(gzip);

/**
 * Writes one chunk spilled from a huge object (its text: see workers/dump/element-chunk.ts),
 * gzipped (level 1) on libuv's thread pool, off the thread that streams and resolves the object.
 */
export async function writeSpilledChunk(
  s3: S3Client,
  config: SpillConfig,
  key: string,
  text: string,
): Promise<number> {
  const body = await gzipAsync(text, { level: 1 });
  await putObject(s3, config.S3_BUCKET, key, body);
  return body.length;
}

/** The text of a spilled chunk. */
export async function readSpilledChunk(s3: S3Client, config: SpillConfig, key: string): Promise<string> {
  return (await readSpill(s3, config, key)).toString('utf8');
}

/**
 * Several chunks in one spilled object (the chunks of one transform job, written together): one
 * PUT and one GET for the job instead of one each a chunk. The object is a header line, the
 * chunks' byte lengths, then the chunks' texts end to end:
 * `dcat-quality/chunks-1 <length>,<length>,...\n<text><text>...`.
 */
const CHUNKS_HEAD = 'dcat-quality/chunks-1 ';

export async function writeSpilledChunks(
  s3: S3Client,
  config: SpillConfig,
  key: string,
  texts: readonly string[],
): Promise<number> {
  const bodies = texts.map((t) => Buffer.from(t, 'utf8'));
  const head = Buffer.from(`${CHUNKS_HEAD}${bodies.map((b) => b.length).join(',')}\n`, 'utf8');
  const body = await gzipAsync(Buffer.concat([head, ...bodies]), { level: 1 });
  await putObject(s3, config.S3_BUCKET, key, body);
  return body.length;
}

/**
 * The chunk texts of a spilled object: those of {@link writeSpilledChunks}, or the one text of an
 * object holding a single chunk ({@link writeSpilledChunk}, and earlier versions).
 */
export async function readSpilledChunks(s3: S3Client, config: SpillConfig, key: string): Promise<string[]> {
  const bytes = await readSpill(s3, config, key);
  const head = Buffer.from(CHUNKS_HEAD, 'utf8');
  if (bytes.length < head.length || !bytes.subarray(0, head.length).equals(head))
    return [bytes.toString('utf8')];
  const corrupt = () =>
    new SpillMissingError(
      `spilled object s3://${config.S3_BUCKET}/${key} is truncated or corrupt (its chunks do not add up): enqueue a new run`,
    );
  const eol = bytes.indexOf(0x0a);
  if (eol < 0) throw corrupt();
  let at = eol + 1;
  const texts: string[] = [];
  for (const n of bytes.toString('latin1', head.length, eol).split(',').map(Number)) {
    if (!Number.isInteger(n) || n < 0 || at + n > bytes.length) throw corrupt();
    texts.push(bytes.toString('utf8', at, at + n));
    at += n;
  }
  return texts;
}

/** A record as earlier versions spilled it: its nodes as an array, or keyed by id. */
interface SpilledRecord extends Omit<DatasetRecord, 'nodes'> {
  nodes: GraphNode[] | Record<string, GraphNode>;
}

function unspilled(r: SpilledRecord): DatasetRecord {
  const nodes = Array.isArray(r.nodes) ? r.nodes : Object.values(r.nodes);
  return { ...r, nodes: new Map(nodes.map((n) => [n.id, n])) };
}

/**
 * The records of a chunk as earlier versions spilled them (a run in flight over an upgrade): a
 * JSON array of whole records, or JSON lines.
 */
export function parseRecordChunk(text: string): DatasetRecord[] {
  if (text === '') return [];
  if (text.charCodeAt(0) === 0x5b) return (JSON.parse(text) as SpilledRecord[]).map(unspilled);
  return text.split('\n').map((line) => unspilled(JSON.parse(line) as SpilledRecord));
}

export async function writeCopyBatch(
  s3: S3Client,
  config: SpillConfig,
  key: string,
  copy: string | Buffer,
): Promise<void> {
  await putObject(s3, config.S3_BUCKET, key, gzipSync(copy, { level: 1 }));
}

/**
 * COPY text as it rides in a load job (`copyBr`): brotli at quality 0, base64. Four to seven
 * times smaller than the text, and plain ASCII: BullMQ's JSON and Redis carry it without escaping
 * the COPY text's tabs and newlines (which cost more CPU than the compression). Measured on 600
 * rows (1.6 MB of COPY text): 3.0 ms to compress, 1.1 ms back, 223 KB, against 6.8 ms, 1.9 ms and
 * 306 KB for the raw deflate at level 1 of earlier versions (`copyZ`, still read).
 */
export function compressCopy(copy: string | Buffer): string {
  const text = typeof copy === 'string' ? Buffer.from(copy, 'utf8') : copy;
  return brotliCompressSync(text, {
    params: { [zlib.BROTLI_PARAM_QUALITY]: 0, [zlib.BROTLI_PARAM_SIZE_HINT]: text.length },
  }).toString('base64');
}

export function decompressCopy(copyBr: string): Buffer {
  return brotliDecompressSync(Buffer.from(copyBr, 'base64'));
}

/** COPY text as earlier versions put it in a load job (`copyZ`): raw deflate (level 1), base64. */
export function deflateCopy(copy: string): string {
  return deflateRawSync(copy, { level: 1 }).toString('base64');
}

export function inflateCopy(copyZ: string): Buffer {
  return inflateRawSync(Buffer.from(copyZ, 'base64'));
}

export async function readCopyBatch(s3: S3Client, config: SpillConfig, key: string): Promise<Buffer> {
  return readSpill(s3, config, key);
}

/** Deletes one run's folder. */
export async function deleteRunSpills(s3: S3Client, config: SpillConfig, run: RunRef): Promise<number> {
  return deletePrefix(s3, config.S3_BUCKET, runFolder(config, run));
}

const FOLDER = /run(\d+)-([0-9a-z]+)\/$/;

/**
 * Retention of spilled objects: deletes the folders of published runs (left over when a worker died
 * right after publishing), of failed runs finished over `failedAfterHours` ago.
 * Folders of runs still going, or unknown to this database, are kept.
 */
export async function purgeSpills(
  s3: S3Client,
  pool: Pool,
  config: SpillConfig,
  opts: { failedAfterHours?: number } = {},
): Promise<number> {
  const folders = new Set<string>();
  for await (const o of listObjects(s3, config.S3_BUCKET, config.RUNS_PREFIX)) {
    const rest = o.Key?.slice(config.RUNS_PREFIX.length) ?? '';
    const slash = rest.indexOf('/');
    if (slash > 0) folders.add(`${config.RUNS_PREFIX}${rest.slice(0, slash + 1)}`);
  }
  if (folders.size === 0) return 0;
  const runs = [...folders]
    .map((folder) => ({ folder, m: FOLDER.exec(folder) }))
    .filter((f): f is { folder: string; m: RegExpExecArray } => f.m !== null);
  const { rows } = await pool.query<{ id: number; token: string; gone: boolean }>(
    `SELECT id, token,
       status = 'published' OR (status = 'failed' AND finished_at < now() - make_interval(hours => $2)) AS gone
     FROM etl_runs WHERE id = ANY($1::bigint[])`,
    [runs.map((r) => Number(r.m[1])), opts.failedAfterHours ?? 24],
  );
  const known = new Map(rows.map((r) => [`${r.id}-${r.token}`, r.gone]));
  let deleted = 0;
  for (const { folder, m } of runs) {
    // a folder of a run this database does not know may belong to another deployment: kept
    const gone = known.get(`${m[1]}-${m[2]}`) ?? false;
    if (gone) deleted += await deletePrefix(s3, config.S3_BUCKET, folder);
  }
  return deleted;
}
