import { UnrecoverableError, type Job } from 'bullmq';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { dateInZone } from '../../shared/dates.js';
import { jobIds, parsePayload, type ExtractPayload, type TransformPayload } from '../../shared/queues.js';
import type { DatasetRecord } from '../../shared/record.js';
import {
  createRun,
  ensureStaging,
  getRun,
  markExtracted,
  markFailed,
  markRunning,
  tryPublish,
} from '../../shared/runs.js';
import { getObjectStream, listObjects } from '../../shared/s3.js';
import type { WorkerDeps } from '../deps.js';
import { isFinalAttempt } from '../worker-factory.js';
import { InputError } from './input-error.js';
import { readDatasetRecords } from './read-object.js';

/** Object keys the extract reads; anything else under the prefix (README, checksums) is skipped. */
export const DUMP_OBJECT = /\.(json|jsonld|json\.gz|jsonld\.gz)$/i;

/** What an extract job keeps in its data between attempts, so that a retry enqueues nothing twice. */
interface Checkpoint {
  /** Objects whose every chunk has been enqueued. */
  objectsDone: number;
  /** sha1 of the object keys listed by the first attempt: batch keys are positions in that list. */
  listing?: string;
}

export interface ExtractProgress {
  runId: number;
  objects: number;
  totalObjects: number;
  bytes: number;
  totalBytes: number;
  datasets: number;
  batches: number;
}

export interface ExtractResult extends ExtractProgress {
  duplicates: number;
  skipped?: 'already published';
}

/** Waits while the pipeline already holds `max` pending chunks (bounded Redis, bounded memory). */
async function waitForRoom(deps: WorkerDeps, max: number, signal?: AbortSignal): Promise<void> {
  for (let pause = 5; ; pause = Math.min(pause * 2, 25)) {
    const [t, l] = await Promise.all([
      deps.queues.transform.getJobCounts('waiting', 'active', 'delayed', 'prioritized'),
      deps.queues.load.getJobCounts('waiting', 'active', 'delayed', 'prioritized'),
    ]);
    const pending = Object.values(t).reduce((a, b) => a + b, 0) + Object.values(l).reduce((a, b) => a + b, 0);
    if (pending < max) return;
    if (signal?.aborted) throw new Error('extract cancelled');
    await sleep(pause);
  }
}

/**
 * One ETL run's extract step: lists the dump, streams every object in key order, resolves its
 * datasets, de-duplicates them by IRI and enqueues them in chunks as transform jobs with
 * deterministic ids (`run<id>-transform-o<object>c<chunk>`).
 */
export async function runExtract(job: Job, deps: WorkerDeps, signal?: AbortSignal): Promise<ExtractResult> {
  const payload: ExtractPayload = parsePayload('extract', job.data);
  const { config, pool, s3 } = deps;
  const prefix = payload.prefix ?? config.DUMP_PREFIX;
  const scheduledFor = new Date(job.timestamp + (job.opts.delay ?? 0));

  // a scheduled job carries no run id: the job id names its run, so a retry finds the same run
  let runId = payload.runId;
  if (runId === undefined) {
    runId = (
      await createRun(pool, { prefix, trigger: payload.trigger, scheduledFor, jobKey: String(job.id) })
    ).id;
    await job.updateData({ ...payload, runId });
  }
  const status = await markRunning(pool, runId, String(job.id));
  if (status === undefined) throw new UnrecoverableError(`run ${runId} does not exist in etl_runs`);
  if (status === 'published') {
    return {
      runId,
      objects: 0,
      totalObjects: 0,
      bytes: 0,
      totalBytes: 0,
      datasets: 0,
      batches: 0,
      duplicates: 0,
      skipped: 'already published',
    };
  }
  const run = (await getRun(pool, runId))!;
  const runDate = dateInZone(run.scheduled_for, config.ETL_TZ);

  try {
    await ensureStaging(pool, runId);
    const where = `s3://${config.S3_BUCKET}/${prefix}`;
    const objects: { key: string; size: number }[] = [];
    try {
      for await (const o of listObjects(s3, config.S3_BUCKET, prefix)) {
        if (o.Key && DUMP_OBJECT.test(o.Key)) objects.push({ key: o.Key, size: o.Size ?? 0 });
      }
    } catch (err) {
      throw new Error(`cannot list ${where}: ${(err as Error).message}`, { cause: err });
    }
    objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    if (objects.length === 0) {
      throw new UnrecoverableError(`empty dump: no .json, .jsonld or .json.gz object under ${where}`);
    }
    await job.log(`run ${runId}: ${objects.length} objects under ${where}`);

    const listing = createHash('sha1')
      .update(objects.map((o) => o.key).join('\n'))
      .digest('hex');
    const checkpoint: Checkpoint = (job.data as { checkpoint?: Checkpoint }).checkpoint ?? { objectsDone: 0 };
    if (checkpoint.listing !== undefined && checkpoint.listing !== listing) {
      // batches are numbered by position in the listing: a different listing would mix two dumps
      throw new UnrecoverableError(
        `the objects under ${where} changed since run ${runId} started (added or removed keys): enqueue a new run`,
      );
    }
    if (checkpoint.listing === undefined) {
      await job.updateData({ ...(job.data as object), runId, checkpoint: { objectsDone: 0, listing } });
    }
    const progress: ExtractProgress = {
      runId,
      objects: 0,
      totalObjects: objects.length,
      bytes: 0,
      totalBytes: objects.reduce((a, o) => a + o.size, 0),
      datasets: 0,
      batches: 0,
    };
    const seen = new Set<string>();
    let duplicates = 0;
    let lastProgress = 0;

    for (const [index, object] of objects.entries()) {
      const started = Date.now();
      const replay = index < checkpoint.objectsDone; // enqueued by an earlier attempt: read only to rebuild `seen`
      let chunk: DatasetRecord[] = [];
      let chunkNo = 0;
      let objectDatasets = 0;
      const flush = async () => {
        if (chunk.length === 0) return;
        const batch = `o${index}c${chunkNo++}`;
        progress.batches++;
        if (!replay) {
          await waitForRoom(deps, config.MAX_PENDING_CHUNKS, signal);
          const data: TransformPayload = {
            runId,
            runToken: run.token,
            batch,
            objectKey: object.key,
            runDate,
            datasets: chunk,
          };
          await deps.queues.transform.add('transform', data, { jobId: jobIds.transform(run, batch) });
        }
        chunk = [];
      };
      const records = readDatasetRecords(
        { key: object.key, open: () => getObjectStream(s3, config.S3_BUCKET, object.key) },
        {
          maxNodes: config.RESOLVER_MAX_NODES,
          onBytes: (n) => {
            progress.bytes += n;
          },
        },
      );
      for await (const record of records) {
        if (seen.has(record.uri)) {
          duplicates++;
          continue;
        }
        seen.add(record.uri);
        objectDatasets++;
        progress.datasets++;
        chunk.push(record);
        if (chunk.length >= config.CHUNK_SIZE) await flush();
        if (Date.now() - lastProgress > 1_000) {
          lastProgress = Date.now();
          await job.updateProgress({ ...progress });
        }
      }
      await flush();
      progress.objects++;
      if (!replay) {
        await job.updateData({
          ...(job.data as object),
          runId,
          checkpoint: { objectsDone: index + 1, listing },
        });
        await job.log(
          `${object.key}: ${objectDatasets} datasets, ${object.size} bytes, ${chunkNo} chunks in ${Date.now() - started} ms`,
        );
      }
      await job.updateProgress({ ...progress });
    }

    await markExtracted(pool, runId, {
      objects: progress.objects,
      bytes: progress.bytes,
      datasets: progress.datasets,
      duplicates,
      batches: progress.batches,
    });
    await job.log(
      `run ${runId}: extracted ${progress.datasets} datasets (${duplicates} duplicates dropped) into ${progress.batches} batches`,
    );
    // every batch may already be loaded (a small dump, or a retry): publish now if so
    await tryPublish(pool, runId, config.RETENTION_RUNS);
    return { ...progress, duplicates };
  } catch (caught) {
    // a malformed object stays malformed: fail at once, retry from the board once it is fixed
    const err = caught instanceof InputError ? new UnrecoverableError(caught.message) : caught;
    if (isFinalAttempt(job, err))
      await markFailed(pool, runId, `extract: ${(err as Error).message}`, String(job.id));
    throw err;
  }
}
