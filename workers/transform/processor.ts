import type { Job } from 'bullmq';
import { QUALITY_COLUMNS, type QualityRow } from '../../shared/columns.js';
import { encodeCopyRows } from '../load/copy-text.js';
import { jobIds, parsePayload, type LoadPayload } from '../../shared/queues.js';
import type { DatasetRecord } from '../../shared/record.js';
import { markFailed, markRunning } from '../../shared/runs.js';
import type { WorkerDeps } from '../deps.js';
import { isFinalAttempt } from '../worker-factory.js';
import { computeEcospheres } from './ecospheres.js';
import { computeFair, type FairContext } from './fair.js';

/** Every indicator of one dataset, and the per-run counters it adds to. */
export async function computeRow(
  record: DatasetRecord,
  ctx: FairContext,
): Promise<{ row: QualityRow; notes: string[] }> {
  const eco = computeEcospheres(record);
  const fair = await computeFair(record, ctx);
  const notes = [...eco.notes, ...fair.notes];
  if (record.dangling?.length) notes.push('dangling_reference');
  return {
    row: { dataset_uri: record.uri, source_key: record.source.key, ...eco.row, ...fair.row },
    notes,
  };
}

/** Transform: computes the indicators of one chunk and hands the rows to load. */
export async function runTransform(job: Job, deps: WorkerDeps, ctx: Omit<FairContext, 'runDate'> = {}) {
  const payload = parsePayload('transform', job.data);
  const started = Date.now();
  try {
    await markRunning(deps.pool, payload.runId, String(job.id));
    const rows: QualityRow[] = [];
    const notes: Record<string, number> = {};
    for (const record of payload.datasets) {
      let result;
      try {
        result = await computeRow(record, { ...ctx, runDate: payload.runDate });
      } catch (err) {
        throw new Error(
          `dataset ${record.uri} (${record.source.key}, @graph element ${record.source.index}): ${(err as Error).message}`,
          { cause: err },
        );
      }
      rows.push(result.row);
      for (const note of result.notes) notes[note] = (notes[note] ?? 0) + 1;
    }
    const load: LoadPayload = {
      runId: payload.runId,
      batch: payload.batch,
      datasets: rows.length,
      copy: encodeCopyRows(payload.runId, rows, QUALITY_COLUMNS),
      notes,
    };
    await deps.queues.load.add('load', load, {
      jobId: jobIds.load({ id: payload.runId, token: payload.runToken }, payload.batch),
    });
    const counted = Object.entries(notes)
      .map(([k, n]) => `${k}=${n}`)
      .join(', ');
    await job.log(
      `run ${payload.runId} batch ${payload.batch}: ${rows.length} datasets of ${payload.objectKey} scored in ${Date.now() - started} ms${counted ? `; notes: ${counted}` : ''}`,
    );
    return { runId: payload.runId, batch: payload.batch, datasets: rows.length };
  } catch (err) {
    if (isFinalAttempt(job, err))
      await markFailed(
        deps.pool,
        payload.runId,
        `transform ${payload.batch}: ${(err as Error).message}`,
        String(job.id),
      );
    throw err;
  }
}
