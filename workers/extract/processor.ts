import { UnrecoverableError } from 'bullmq';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { dateInZone } from '../../shared/dates.js';
import type { DumpObjectRef, ExtractPayload, RunRef, TransformSource } from '../../shared/queues.js';
import type { DatasetRecord } from '../../shared/record.js';
import {
  createRun,
  ensureStaging,
  getRun,
  markExtracted,
  markListed,
  markRunning,
  tryPublish,
} from '../../shared/runs.js';
import { getObjectBytes, getObjectStream, listObjects } from '../../shared/s3.js';
import {
  recordChunkKey,
  recordChunksKey,
  writeSpilledChunk,
  writeSpilledChunks,
} from '../../shared/spill.js';
import type { WorkerDeps } from '../deps.js';
import { afterPublish, enqueueNext, failRun, isFinalAttempt, type StepContext } from '../pipeline.js';
import { InputError } from '../dump/input-error.js';
import { encodeElementChunk } from '../dump/element-chunk.js';
import { readSourcedRecords } from '../dump/read-object.js';

/** Object keys the extract reads; anything else under the prefix (README, checksums) is skipped. */
export const DUMP_OBJECT = /\.(json|jsonld|json\.gz|jsonld\.gz)$/i;

/** What an extract job keeps in its data between attempts, so that a retry enqueues nothing twice. */
interface Checkpoint {
  /** Objects whose every batch has been enqueued. */
  objectsDone: number;
  /** Batches enqueued for those objects. */
  batches?: number;
  /** sha1 of the object keys listed by the first attempt: batch keys are positions in that list. */
  listing?: string;
  /**
   * TRANSFORM_BATCH_SOURCES and TRANSFORM_BATCH_BYTES of the first attempt: a retry groups the
   * references the same way (same batches, same job ids), whatever the configuration now says.
   */
  group?: { sources: number; bytes: number };
}

export interface ExtractProgress {
  runId: number;
  /** Objects referenced (whole) or streamed and spilled so far. */
  objects: number;
  totalObjects: number;
  bytes: number;
  totalBytes: number;
  /** Datasets resolved by extract itself (huge objects only; whole objects are read by transform). */
  datasets: number;
  batches: number;
  /** Objects too large to be read whole, streamed here. */
  streamed: number;
}

export interface ExtractResult extends ExtractProgress {
  skipped?: 'already published';
}

/**
 * Room for transform jobs while the pipeline holds at most `max` pending jobs (bounded Redis,
 * bounded memory). Redis is asked only when the room it last gave is used up: pending jobs only
 * decrease meanwhile, but for the ones this extract adds, which it counts.
 */
class Room {
  private free = 0;

  constructor(
    private readonly deps: WorkerDeps,
    private readonly max: number,
    private readonly signal?: AbortSignal,
  ) {}

  /** Waits until one more job may be enqueued, and takes that place. */
  async take(): Promise<void> {
    if (this.free === 0) this.free = await this.wait();
    this.free--;
  }

  private async wait(): Promise<number> {
    const { queues, shutdown } = this.deps;
    for (let pause = 5; ; pause = Math.min(pause * 2, 25)) {
      const [t, l] = await Promise.all([
        queues.transform.getJobCounts('waiting', 'active', 'delayed', 'prioritized'),
        queues.load.getJobCounts('waiting', 'active', 'delayed', 'prioritized'),
      ]);
      const pending =
        Object.values(t).reduce((a, b) => a + b, 0) + Object.values(l).reduce((a, b) => a + b, 0);
      if (pending < this.max) return this.max - pending;
      if (this.signal?.aborted || shutdown?.signal.aborted)
        throw new Error('extract interrupted: the worker is stopping (the job resumes from its checkpoint)');
      await sleep(pause);
    }
  }
}

/**
 * The size of an object once decompressed: its stored size, or for a `.gz` key the ISIZE field
 * of its gzip trailer (one 4-byte ranged read). Decides whether transform may read it whole.
 */
async function decompressedSize(deps: WorkerDeps, key: string, size: number): Promise<number> {
  if (!/\.gz$/i.test(key)) return size;
  if (size < 18 || size > deps.config.WHOLE_OBJECT_MAX_BYTES) return Number.POSITIVE_INFINITY;
  const tail = await getObjectBytes(deps.s3, deps.config.S3_BUCKET, key, { range: `bytes=${size - 4}-` });
  return tail.length === 4 ? tail.readUInt32LE(0) : Number.POSITIVE_INFINITY;
}

/**
 * One ETL run's extract step: lists the dump and enqueues, in key order, one transform job per
 * object that names it (key, ETag, size): transform workers read and resolve the objects
 * themselves, so the dump's bytes never go through Redis. An object too large to be read whole
 * (over WHOLE_OBJECT_MAX_BYTES once decompressed) is streamed here through the bounded resolver,
 * and its resolved datasets are spilled in chunks of CHUNK_SIZE under RUNS_PREFIX, one transform
 * job per chunk. Job ids are deterministic (`run<id>-<token>-transform-o<object>c<chunk>`).
 */
export async function runExtract(
  payload: ExtractPayload,
  deps: WorkerDeps,
  ctx: StepContext,
): Promise<ExtractResult> {
  const { config, pool, s3 } = deps;
  const prefix = payload.prefix ?? config.DUMP_PREFIX;

  // a scheduled job carries no run id: the job id names its run, so a retry finds the same run
  let runId = payload.runId;
  if (runId === undefined) {
    runId = (
      await createRun(pool, { prefix, trigger: payload.trigger, scheduledFor: ctx.dueAt, jobKey: ctx.jobId })
    ).id;
    await ctx.saveData({ ...(ctx.data as object), ...payload, runId });
  }
  const status = await markRunning(pool, runId, ctx.jobId);
  if (status === undefined) throw new UnrecoverableError(`run ${runId} does not exist in etl_runs`);
  const empty = { runId, objects: 0, totalObjects: 0, bytes: 0, totalBytes: 0, datasets: 0, batches: 0 };
  if (status === 'published') return { ...empty, streamed: 0, skipped: 'already published' };
  const row = (await getRun(pool, runId))!;
  const run: RunRef = { id: runId, token: row.token };
  const runDate = dateInZone(row.scheduled_for, config.ETL_TZ);
  deps.log.info(
    { runId, prefix, runDate, trigger: row.trigger, attempt: ctx.attemptsMade + 1 },
    ctx.attemptsMade === 0 && !row.extract_finished_at ? 'run started' : 'run resumed',
  );

  try {
    await ensureStaging(pool, runId);
    const where = `s3://${config.S3_BUCKET}/${prefix}`;
    const objects: Omit<DumpObjectRef, 'index'>[] = [];
    try {
      for await (const o of listObjects(s3, config.S3_BUCKET, prefix)) {
        if (o.Key && DUMP_OBJECT.test(o.Key))
          objects.push({ key: o.Key, size: o.Size ?? 0, etag: o.ETag ?? '' });
      }
    } catch (err) {
      throw new Error(`cannot list ${where}: ${(err as Error).message}`, { cause: err });
    }
    objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    if (objects.length === 0) {
      throw new UnrecoverableError(`empty dump: no .json, .jsonld or .json.gz object under ${where}`);
    }
    await ctx.log(`run ${runId}: ${objects.length} objects under ${where}`);

    const listing = createHash('sha1')
      .update(objects.map((o) => o.key).join('\n'))
      .digest('hex');
    const checkpoint: Checkpoint = (ctx.data as { checkpoint?: Checkpoint }).checkpoint ?? { objectsDone: 0 };
    if (checkpoint.listing !== undefined && checkpoint.listing !== listing) {
      // batches are numbered by position in the listing: a different listing would mix two dumps
      throw new UnrecoverableError(
        `the objects under ${where} changed since run ${runId} started (added or removed keys): enqueue a new run`,
      );
    }
    // a checkpoint without `group` was written by a version that enqueued one job per reference
    const group =
      checkpoint.group ??
      (checkpoint.listing !== undefined
        ? { sources: 1, bytes: config.TRANSFORM_BATCH_BYTES }
        : { sources: config.TRANSFORM_BATCH_SOURCES, bytes: config.TRANSFORM_BATCH_BYTES });
    const saveCheckpoint = (c: Omit<Checkpoint, 'listing' | 'group'>) =>
      ctx.saveData({ ...(ctx.data as object), ...payload, runId, checkpoint: { ...c, listing, group } });
    if (checkpoint.listing === undefined) await saveCheckpoint({ objectsDone: 0, batches: 0 });
    const totalBytes = objects.reduce((a, o) => a + o.size, 0);
    await markListed(pool, runId, { objects: objects.length, bytes: totalBytes });
    const progress: ExtractProgress = {
      runId,
      objects: checkpoint.objectsDone,
      totalObjects: objects.length,
      bytes: objects.slice(0, checkpoint.objectsDone).reduce((a, o) => a + o.size, 0),
      totalBytes,
      datasets: 0,
      batches: checkpoint.batches ?? 0,
      streamed: 0,
    };
    const notes: Record<string, number> = {};
    let lastProgress = 0;
    const report = async (force = false) => {
      if (!force && Date.now() - lastProgress < 1_000) return;
      lastProgress = Date.now();
      await ctx.progress({ ...progress });
    };

    const room = new Room(deps, config.MAX_PENDING_CHUNKS, ctx.signal);
    // consecutive whole objects go to one transform job, up to group.sources and group.bytes; the
    // checkpoint moves once their job is enqueued, so that a retry forms the same group again
    let pending: DumpObjectRef[] = [];
    let pendingBytes = 0;
    const enqueuePending = async () => {
      if (pending.length === 0) return;
      await enqueueBatch(
        deps,
        room,
        run,
        runDate,
        `o${pending[0]!.index}c0`,
        pending.map((object) => ({ kind: 'object', object })),
      );
      progress.batches++;
      progress.objects += pending.length;
      progress.bytes += pending.reduce((a, o) => a + o.size, 0);
      await saveCheckpoint({
        objectsDone: pending[pending.length - 1]!.index + 1,
        batches: progress.batches,
      });
      pending = [];
      pendingBytes = 0;
    };
    for (let index = checkpoint.objectsDone; index < objects.length; index++) {
      const object: DumpObjectRef = { ...objects[index]!, index };
      const size = await decompressedSize(deps, object.key, object.size);
      if (size <= config.WHOLE_OBJECT_MAX_BYTES) {
        if (pending.length >= group.sources || (pending.length > 0 && pendingBytes + size > group.bytes))
          await enqueuePending();
        pending.push(object);
        pendingBytes += size;
      } else {
        await enqueuePending();
        const started = Date.now();
        const chunks = await streamObject(deps, room, run, runDate, object, group, progress, report);
        progress.streamed++;
        if (chunks === 0) notes[`object_without_datasets:${object.key.slice(-200)}`] = 1;
        await ctx.log(
          `${object.key}: ${object.size} bytes, over WHOLE_OBJECT_MAX_BYTES: streamed into ${chunks} spilled chunks in ${Date.now() - started} ms`,
        );
        progress.objects++;
        await saveCheckpoint({ objectsDone: index + 1, batches: progress.batches });
      }
      await report();
    }
    await enqueuePending();
    await report(true);

    await markExtracted(pool, runId, {
      objects: objects.length,
      bytes: totalBytes,
      batches: progress.batches,
      notes,
    });
    await ctx.log(
      `run ${runId}: ${objects.length} objects enqueued as ${progress.batches} batches (${progress.streamed} streamed and spilled)`,
    );
    // every batch may already be loaded (a small dump, or a retry): publish now if so
    if (await tryPublish(pool, runId, config.RETENTION_RUNS)) await afterPublish(deps, runId, ctx);
    return progress;
  } catch (caught) {
    // a malformed object stays malformed: fail at once, retry from the board once it is fixed
    const err = caught instanceof InputError ? new UnrecoverableError(caught.message) : caught;
    if (isFinalAttempt(ctx, err)) await failRun(deps, runId, `extract: ${(err as Error).message}`, ctx.jobId);
    throw err;
  }
}

/**
 * Enqueues one transform job naming `sources` (consecutive whole objects, or chunks of one object)
 * once the pipeline has room for it; the batch is named after the first source.
 */
async function enqueueBatch(
  deps: WorkerDeps,
  room: Room,
  run: RunRef,
  runDate: string,
  batch: string,
  sources: TransformSource[],
): Promise<void> {
  const [source, ...more] = sources;
  await room.take();
  await enqueueNext(deps, 'extract', run, batch, {
    runId: run.id,
    runToken: run.token,
    batch,
    runDate,
    source: source!,
    ...(more.length > 0 ? { more } : {}),
  });
}

/**
 * Streams one huge object through the bounded resolver and cuts its datasets in chunks of
 * CHUNK_SIZE; each transform job names up to `jobs.sources` chunks in a row (and up to
 * `jobs.bytes` of chunk text), spilled together as one gzipped object under the run's folder. A
 * retry streams the object again from its start: chunks come out the same, so their keys and job
 * ids do too, and what was already enqueued is not enqueued twice.
 */
async function streamObject(
  deps: WorkerDeps,
  room: Room,
  run: RunRef,
  runDate: string,
  object: DumpObjectRef,
  jobs: { sources: number; bytes: number },
  progress: ExtractProgress,
  report: () => Promise<void>,
): Promise<number> {
  const { config, s3 } = deps;
  const perJob = jobs.sources;
  const maxBytes = jobs.bytes;
  let chunk: DatasetRecord[] = [];
  let chunkNo = 0;
  // the chunk texts of the next transform job, spilled together once there are perJob of them (or
  // maxBytes of text): one object, one PUT for the job, and one GET when it runs
  let group: { batch: string; text: string; datasets: number }[] = [];
  let groupChars = 0;
  const spillGroup = async (chunks: typeof group) => {
    const batch = chunks[0]!.batch;
    let key: string;
    if (chunks.length === 1) {
      key = recordChunkKey(config, run, batch);
      await writeSpilledChunk(s3, config, key, chunks[0]!.text);
    } else {
      key = recordChunksKey(config, run, batch, chunks.length);
      await writeSpilledChunks(
        s3,
        config,
        key,
        chunks.map((c) => c.text),
      );
    }
    const sources = chunks.map((c, part): TransformSource => ({
      kind: 'spill',
      object,
      key,
      datasets: c.datasets,
      ...(chunks.length > 1 ? { part } : {}),
    }));
    await enqueueBatch(deps, room, run, runDate, batch, sources);
    progress.batches++;
  };
  // one job's chunks are compressed and written while the next ones are resolved: jobs still go
  // out one at a time, in order (the same keys and job ids on a retry)
  let inFlight: Promise<void> | undefined;
  let failed: { err: unknown } | undefined;
  const drain = async () => {
    await inFlight;
    inFlight = undefined;
    if (failed) throw failed.err;
  };
  const spill = async () => {
    if (group.length === 0) return;
    const chunks = group;
    group = [];
    groupChars = 0;
    await drain();
    inFlight = spillGroup(chunks).catch((err: unknown) => {
      failed = { err };
    });
  };
  const flush = async () => {
    if (chunk.length === 0) return;
    const records = chunk;
    chunk = [];
    const batch = `o${object.index}c${chunkNo++}`;
    // the records' element texts, or for a plain object where they lie in it (see element-chunk.ts)
    const text = encodeElementChunk(read.context(), records);
    group.push({ batch, text, datasets: records.length });
    groupChars += text.length;
    if (group.length >= perJob || groupChars >= maxBytes) await spill();
  };
  const read = readSourcedRecords(
    { key: object.key, open: () => getObjectStream(s3, config.S3_BUCKET, object.key, object.etag) },
    {
      maxNodes: config.RESOLVER_MAX_NODES,
      onBytes: (n) => {
        progress.bytes += n;
      },
    },
  );
  try {
    for await (const record of read.records) {
      progress.datasets++;
      chunk.push(record);
      if (chunk.length >= config.CHUNK_SIZE) await flush();
      await report();
    }
    await flush();
    await spill();
  } finally {
    // the chunks in flight are written (or have failed) before the step returns or throws
    await inFlight;
  }
  await drain();
  return chunkNo;
}
