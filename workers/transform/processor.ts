import { UnrecoverableError } from 'bullmq';
import { ECOSPHERES_COLUMNS, QUALITY_COLUMNS, type QualityRow } from '../../shared/columns.js';
import type { LoadPayload, RunRef, TransformPayload, TransformSource } from '../../shared/queues.js';
import type { DatasetRecord } from '../../shared/record.js';
import { markRunning } from '../../shared/runs.js';
import { getObjectBytes, ObjectChangedError } from '../../shared/s3.js';
import {
  compressCopy,
  copyBatchKey,
  parseRecordChunk,
  readSpilledChunks,
  SpillMissingError,
  writeCopyBatch,
} from '../../shared/spill.js';
import type { WorkerDeps } from '../deps.js';
import {
  chunkSpans,
  decodeElementChunk,
  isElementChunk,
  mergedRangeReader,
  parseElementChunk,
  type ParsedElementChunk,
  type RangeReader,
} from '../dump/element-chunk.js';
import { InputError } from '../dump/input-error.js';
import { readWholeObject } from '../dump/whole-object.js';
import { encodeCopyRows } from '../../shared/copy-text.js';
import { enqueueNext, failRun, isFinalAttempt, type StepContext } from '../pipeline.js';
import { computeEcospheres } from './ecospheres.js';
import { DcatApValidator, type DcatApVerdict } from './dcat-ap.js';
import { computeFair, type FairContext } from './fair.js';
import { sanitizeRow } from './sanitize.js';

/** Compressed COPY text up to this size rides in the load job; larger batches are spilled to S3 (bounded Redis). */
export const LOAD_INLINE_MAX_BYTES = 1024 * 1024;

/** Every indicator of one dataset, and the per-run counters it adds to. */
export async function computeRow(
  record: DatasetRecord,
  ctx: FairContext,
): Promise<{ row: QualityRow; notes: string[] }> {
  const eco = computeEcospheres(record);
  const fair = await computeFair(record, ctx);
  const notes = eco.notes.length === 0 ? fair.notes : [...eco.notes, ...fair.notes];
  if (record.dangling?.length) notes.push('dangling_reference');
  return { row: mergeRow(record, eco.row, fair.row), notes };
}

/**
 * The whole row as one object literal with every column in a fixed order, compiled once from the
 * column declarations: V8 then gives every row the same fast shape. Growing a row key by key
 * (spread, Object.assign) turns each into a slow dictionary, which cost more than the indicators.
 */
const mergeRow = ((): ((record: DatasetRecord, eco: QualityRow, fair: QualityRow) => QualityRow) => {
  const eco = new Set<string>(ECOSPHERES_COLUMNS.map((c) => c.name));
  const fields = QUALITY_COLUMNS.map(
    (c) => `${JSON.stringify(c.name)}: ${eco.has(c.name) ? 'e' : 'f'}[${JSON.stringify(c.name)}]`,
  );
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from the column list above, no input
  return new Function(
    'r',
    'e',
    'f',
    `return { dataset_uri: r.uri, source_key: r.source.key, source_object: null, source_element: null, ${fields.join(', ')} };`,
  ) as (record: DatasetRecord, eco: QualityRow, fair: QualityRow) => QualityRow;
})();

export interface TransformResult {
  runId: number;
  batch: string;
  datasets: number;
  /** True when the COPY text went to S3 rather than into the load job. */
  spilled: boolean;
}

/** The bytes of a whole object of the dump, as stored (the ETag listed, unless a retry accepts a new version). */
function fetchWhole(source: TransformSource, acceptNewVersion: boolean, deps: WorkerDeps): Promise<Buffer> {
  const { config, s3 } = deps;
  return getObjectBytes(s3, config.S3_BUCKET, source.object.key, {
    // a retry after bad input reads the version the operator fixed in place
    ...(acceptNewVersion ? {} : { etag: source.object.etag }),
    maxBytes: config.WHOLE_OBJECT_MAX_BYTES,
  });
}

/** The ranged reads of the object a chunk was spilled from: never another version than extract read. */
function spanReader(object: TransformSource['object'], spillKey: string, deps: WorkerDeps): RangeReader {
  const { config, s3 } = deps;
  return async (start, end) => {
    try {
      // the chunk names bytes of the object as extract read it: never another version
      return await getObjectBytes(s3, config.S3_BUCKET, object.key, {
        etag: object.etag,
        range: `bytes=${start}-${end - 1}`,
      });
    } catch (err) {
      const e = err as Error & { $metadata?: { httpStatusCode?: number } };
      // a server that ignores IfMatch (s3rver) answers a range past the end of a shorter version
      const shorter = e.name === 'InvalidRange' || e.$metadata?.httpStatusCode === 416;
      if (!(err instanceof ObjectChangedError) && !shorter) throw err;
      const what = shorter
        ? `s3://${config.S3_BUCKET}/${object.key} changed since it was listed (it no longer has bytes ${start}-${end - 1})`
        : e.message;
      throw new SpillMissingError(
        `${what}: the chunk ${spillKey} spilled from it no longer matches it; enqueue a new run`,
        { cause: err },
      );
    }
  };
}

type SpillSource = Extract<TransformSource, { kind: 'spill' }>;

/**
 * The most one ranged GET of a job's spans reads (about three chunks of the one-file dump): its
 * bytes are held until its last span is decoded, and an 8 MiB read took a transform process past
 * its 256 MB RSS budget.
 */
const MERGED_READ_MAX_BYTES = 4 * 1024 * 1024;

/**
 * The spilled chunks a job names, read together: each spilled object once (it holds the job's
 * chunks, or one), every chunk parsed up front so that the spans they read again from the object
 * are merged into a few ranged GETs (see mergedRangeReader), then decoded one chunk at a time.
 */
class SpilledChunks {
  private texts = new Map<string, Promise<string[]>>();
  private parsed?: Promise<(ParsedElementChunk | string | undefined)[]>;
  private reader?: RangeReader;

  constructor(
    private readonly sources: TransformSource[],
    private readonly deps: WorkerDeps,
  ) {}

  private text(source: SpillSource): Promise<string> {
    let texts = this.texts.get(source.key);
    if (texts === undefined) {
      texts = readSpilledChunks(this.deps.s3, this.deps.config, source.key);
      texts.catch(() => undefined); // surfaces at the chunk's turn
      this.texts.set(source.key, texts);
    }
    return texts.then((all) => {
      const text = all[source.part ?? 0];
      if (text === undefined || (source.part === undefined && all.length !== 1))
        throw new SpillMissingError(
          `spilled object s3://${this.deps.config.S3_BUCKET}/${source.key} holds ${all.length} chunks, not chunk ${source.part ?? 0} the job names: enqueue a new run`,
        );
      return text;
    });
  }

  /** The records of the k-th source of the job (a spill). */
  async records(k: number): Promise<DatasetRecord[]> {
    this.parsed ??= Promise.all(
      this.sources.map(async (s) => {
        if (s.kind !== 'spill') return undefined;
        const text = await this.text(s);
        return isElementChunk(text) ? parseElementChunk(text) : text;
      }),
    );
    const all = await this.parsed;
    const source = this.sources[k] as SpillSource;
    // planned once, over every chunk of the job (none decoded yet)
    this.reader ??= mergedRangeReader(
      all.flatMap((c) => (c !== undefined && typeof c !== 'string' ? chunkSpans(c) : [])),
      spanReader(source.object, source.key, this.deps),
      Math.min(MERGED_READ_MAX_BYTES, this.deps.config.WHOLE_OBJECT_MAX_BYTES),
    );
    const chunk = all[k];
    all[k] = undefined;
    if (chunk === undefined) throw new Error(`source ${k} of the job was read already`);
    if (typeof chunk === 'string') return parseRecordChunk(chunk);
    return decodeElementChunk(source.key, chunk, this.reader);
  }
}

/**
 * The records of a whole object of the dump, read and resolved here (spilled chunks: see
 * SpilledChunks). `prefetched`: the object's GET, started while the previous one was scored.
 */
async function readRecords(
  source: Extract<TransformSource, { kind: 'object' }>,
  acceptNewVersion: boolean,
  deps: WorkerDeps,
  notes: Record<string, number>,
  prefetched: Promise<Buffer> | undefined,
): Promise<DatasetRecord[]> {
  const { config } = deps;
  const { object } = source;
  const stored = await (prefetched ?? fetchWhole(source, acceptNewVersion, deps));
  const read = await readWholeObject(object.key, stored, { maxBytes: config.WHOLE_OBJECT_MAX_BYTES });
  if (read.records.length === 0) {
    if (!read.hasGraph) {
      // an error body saved as a page: taking it for an empty page would lose its datasets in silence
      throw new InputError({
        key: object.key,
        problem: 'not a dump page',
        detail: 'the document has no @graph and no dcat:Dataset node',
      });
    }
    notes[`object_without_datasets:${object.key.slice(-200)}`] = 1;
  }
  return read.records;
}

/**
 * DCAT-AP compliance of the records, validated together (DCAT_AP_SHACL=on). An engine failure on
 * odd input never fails the step: the records are validated one by one, and a record that still
 * fails is left unassessed (NULL) and counted as `shacl_error`.
 */
async function validateDcatAp(
  records: DatasetRecord[],
  deps: WorkerDeps,
  notes: Record<string, number>,
): Promise<Map<string, DcatApVerdict> | undefined> {
  if (deps.config.DCAT_AP_SHACL !== 'on' || records.length === 0) return undefined;
  const validator = DcatApValidator.for(deps.config.DCAT_AP_SHAPES);
  let verdicts: Map<string, DcatApVerdict>;
  try {
    verdicts = await validator.validate(records);
  } catch {
    verdicts = new Map();
    for (const record of records) {
      try {
        for (const [uri, v] of await validator.validate([record])) verdicts.set(uri, v);
      } catch {
        notes.shacl_error = (notes.shacl_error ?? 0) + 1;
      }
    }
  }
  for (const v of verdicts.values()) {
    if (v.dropped > 0) notes.shacl_results_dropped = (notes.shacl_results_dropped ?? 0) + v.dropped;
  }
  return verdicts;
}

/** The objects (or the chunks of one object) a batch read, for its log line. */
function describeSources(sources: TransformSource[]): string {
  const keys = sources.map((s) => s.object.key);
  if (sources.length === 1) return keys[0]!;
  if (sources[0]!.kind === 'spill') return `${keys[0]!} (${sources.length} spilled chunks)`;
  return `${sources.length} objects (${keys[0]!} to ${keys[keys.length - 1]!})`;
}

/**
 * Transform: reads what the job names (never records carried through Redis), computes the
 * indicators of its datasets, encodes them as COPY text and hands them to load.
 */
export async function runTransform(
  payload: TransformPayload,
  deps: WorkerDeps,
  ctx: StepContext,
  fair: Omit<FairContext, 'runDate'> = {},
): Promise<TransformResult> {
  const started = Date.now();
  const run: RunRef = { id: payload.runId, token: payload.runToken };
  const sources = [payload.source, ...(payload.more ?? [])];
  const objects = new Set(sources.map((s) => s.object.index)).size;
  try {
    await deps.hooks?.beforeTransform?.(payload);
    await markRunning(deps.pool, payload.runId, ctx.jobId);
    const notes: Record<string, number> = {};
    // the COPY text of the references read so far, as UTF-8 bytes: each reference's rows are
    // encoded once it is scored, so that they, and the strings the text is made of, die young
    // rather than wait (and be promoted to the old generation) for the whole job
    const copyParts: Buffer[] = [];
    let datasets = 0;
    const repaired: string[] = [];
    const limits = { maxValueBytes: deps.config.MAX_VALUE_BYTES };
    const fairCtx = { ...fair, runDate: payload.runDate };
    let readMs = 0;
    const acceptNewVersion = payload.acceptNewVersion === true;
    // the next whole object's GET goes out while this one is scored: its bytes wait in the
    // socket, not the worker for S3 (one object ahead, so one more page in memory at most)
    const prefetch = (k: number): Promise<Buffer> | undefined => {
      const next = sources[k];
      if (next?.kind !== 'object') return undefined;
      const got = fetchWhole(next, acceptNewVersion, deps);
      got.catch(() => undefined); // a failure surfaces when that object's turn comes
      return got;
    };
    let ahead = prefetch(0);
    const chunks = new SpilledChunks(sources, deps);
    // one reference at a time: the records of one object or chunk in memory, the COPY text of all
    for (let k = 0; k < sources.length; k++) {
      const source = sources[k]!;
      const reading = Date.now();
      const recordsOf =
        source.kind === 'spill'
          ? chunks.records(k)
          : readRecords(source, acceptNewVersion, deps, notes, ahead);
      ahead = prefetch(k + 1);
      const records = await recordsOf;
      readMs += Date.now() - reading;
      const shacl = await validateDcatAp(records, deps, notes);
      const rows: QualityRow[] = [];
      for (let i = 0; i < records.length; i++) {
        const record = records[i]!;
        // a record scored is let go at once: its nodes die young instead of being copied by every
        // scavenge that comes while the rest of the object is scored
        (records as (DatasetRecord | undefined)[])[i] = undefined;
        let result;
        try {
          const dcatAp = shacl?.get(record.uri);
          result = await computeRow(record, dcatAp ? { ...fairCtx, dcatAp } : fairCtx);
        } catch (err) {
          throw new Error(
            `dataset ${record.uri} (${record.source.key}, @graph element ${record.source.index}): ${(err as Error).message}`,
            { cause: err },
          );
        }
        result.row.source_object = source.object.index;
        result.row.source_element = record.source.index;
        const repairs = sanitizeRow(result.row, limits);
        if (repairs.length > 0) {
          repaired.push(record.uri);
          result.notes.push(...repairs);
        }
        rows.push(result.row);
        for (const note of result.notes) notes[note] = (notes[note] ?? 0) + 1;
      }
      copyParts.push(Buffer.from(encodeCopyRows(payload.runId, rows, QUALITY_COLUMNS), 'utf8'));
      datasets += rows.length;
    }
    const copy = copyParts.length === 1 ? copyParts[0]! : Buffer.concat(copyParts);
    const load: LoadPayload = {
      runId: payload.runId,
      batch: payload.batch,
      object: payload.source.object.index,
      ...(objects > 1 ? { objects } : {}),
      datasets,
      notes,
    };
    const copyBr = compressCopy(copy);
    const spilled = copyBr.length > (deps.hooks?.loadInlineMaxBytes ?? LOAD_INLINE_MAX_BYTES);
    if (spilled) {
      load.copyKey = copyBatchKey(deps.config, run, payload.batch);
      await writeCopyBatch(deps.s3, deps.config, load.copyKey, copy);
    } else {
      load.copyBr = copyBr;
    }
    await enqueueNext(deps, 'transform', run, payload.batch, load);
    if (repaired.length > 0) {
      await ctx.log(
        `${repaired.length} datasets had text repaired (NUL bytes, lone surrogates, values over MAX_VALUE_BYTES): ${repaired.slice(0, 10).join(', ')}${repaired.length > 10 ? ', ...' : ''}`,
      );
    }
    const counted = Object.entries(notes)
      .map(([k, n]) => `${k}=${n}`)
      .join(', ');
    await ctx.log(
      `run ${payload.runId} batch ${payload.batch}: ${datasets} datasets of ${describeSources(sources)} read in ${readMs} ms, scored in ${Date.now() - started - readMs} ms${spilled ? ' (COPY text spilled)' : ''}${counted ? `; notes: ${counted}` : ''}`,
    );
    return { runId: payload.runId, batch: payload.batch, datasets, spilled };
  } catch (caught) {
    let err = caught;
    if (caught instanceof InputError || caught instanceof ObjectChangedError) {
      // bad or rewritten input: retrying by itself cannot help, but the operator may fix the object
      // in place and retry this step from the board, which then reads the object as it is
      await ctx.saveData({ ...payload, acceptNewVersion: true }).catch(() => undefined);
      const hint =
        caught instanceof ObjectChangedError
          ? ': retry this step to read the new version, or enqueue a new run'
          : '';
      err = new UnrecoverableError(`${caught.message}${hint}`);
    } else if (caught instanceof SpillMissingError) {
      err = new UnrecoverableError(caught.message);
    }
    if (isFinalAttempt(ctx, err))
      await failRun(deps, payload.runId, `transform ${payload.batch}: ${(err as Error).message}`, ctx.jobId);
    throw err;
  }
}
