import type { Job } from 'bullmq';
import pg from 'pg';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import { QUALITY_COLUMNS } from '../../shared/columns.js';
import { withTransaction } from '../../shared/db.js';
import { parsePayload } from '../../shared/queues.js';
import { markFailed, markRunning, stagingTable, tryPublish } from '../../shared/runs.js';
import type { WorkerDeps } from '../deps.js';
import { isFinalAttempt } from '../worker-factory.js';

const COLUMN_LIST = ['run_id', 'dataset_uri', 'source_key', ...QUALITY_COLUMNS.map((c) => c.name)]
  .map((c) => pg.escapeIdentifier(c))
  .join(', ');

export interface LoadResult {
  runId: number;
  batch: string;
  rows: number;
  /** True when the batch had been loaded already (a retry or a duplicate): nothing was written. */
  skipped: boolean;
  published: boolean;
}

/**
 * Load: COPYs one batch into the run's staging table and records the batch, in one transaction.
 * The batch key is the idempotency key: a retried or duplicated batch writes nothing.
 * When the batch completes the run, the run is published.
 */
export async function runLoad(job: Job, deps: WorkerDeps): Promise<LoadResult> {
  const payload = parsePayload('load', job.data);
  const { pool } = deps;
  const started = Date.now();
  try {
    await deps.hooks?.beforeLoad?.(payload);
    await markRunning(pool, payload.runId, String(job.id));
    const skipped = await withTransaction(pool, async (client) => {
      const claimed = await client.query(
        `INSERT INTO etl_batches (run_id, batch, rows) VALUES ($1, $2, $3)
         ON CONFLICT (run_id, batch) DO NOTHING RETURNING batch`,
        [payload.runId, payload.batch, payload.datasets],
      );
      if (claimed.rowCount === 0) return true;
      if (payload.copy) {
        const copy = client.query(
          copyFrom(`COPY ${pg.escapeIdentifier(stagingTable(payload.runId))} (${COLUMN_LIST}) FROM STDIN`),
        );
        await pipeline(Readable.from([payload.copy]), copy);
      }
      await deps.hooks?.afterCopy?.(payload);
      await client.query(
        `UPDATE etl_runs r SET loaded_batches = r.loaded_batches + 1,
           notes = r.notes || coalesce((
             SELECT jsonb_object_agg(n.key, coalesce((r.notes ->> n.key)::bigint, 0) + n.value::bigint)
             FROM jsonb_each_text($2::jsonb) n), '{}'::jsonb)
         WHERE r.id = $1`,
        [payload.runId, JSON.stringify(payload.notes)],
      );
      return false;
    });
    await job.log(
      `run ${payload.runId} batch ${payload.batch}: ${skipped ? 'already loaded, skipped' : `${payload.datasets} rows copied in ${Date.now() - started} ms`}`,
    );
    const published = await tryPublish(pool, payload.runId, deps.config.RETENTION_RUNS);
    if (published) await job.log(`run ${payload.runId} published`);
    return { runId: payload.runId, batch: payload.batch, rows: payload.datasets, skipped, published };
  } catch (err) {
    const message = `load ${payload.batch}: ${(err as Error).message}`;
    if (isFinalAttempt(job, err)) await markFailed(pool, payload.runId, message, String(job.id));
    throw err;
  }
}
