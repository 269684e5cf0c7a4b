import pg from 'pg';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import { UnrecoverableError } from 'bullmq';
import { QUALITY_COLUMNS } from '../../shared/columns.js';
import { withTransaction } from '../../shared/db.js';
import type { LoadPayload } from '../../shared/queues.js';
import { alignStaging, markRunning, stagingTable, tryPublish } from '../../shared/runs.js';
import { decompressCopy, inflateCopy, readCopyBatch, SpillMissingError } from '../../shared/spill.js';
import type { WorkerDeps } from '../deps.js';
import { afterPublish, failRun, isFinalAttempt, type StepContext } from '../pipeline.js';
import { KEY_COLUMNS } from '../../shared/copy-text.js';

const COLUMN_LIST = [...KEY_COLUMNS, ...QUALITY_COLUMNS.map((c) => c.name)]
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
 * The COPY text a load job carries, whichever way: spilled to S3 (`copyKey`), brotli (`copyBr`),
 * or as earlier versions wrote it inline, deflated (`copyZ`) or plain (`copy`).
 */
async function copyTextOf(payload: LoadPayload, deps: WorkerDeps): Promise<Buffer | string> {
  if (payload.copyKey !== undefined) return readCopyBatch(deps.s3, deps.config, payload.copyKey);
  if (payload.copyBr !== undefined) return decompressCopy(payload.copyBr);
  if (payload.copyZ !== undefined) return inflateCopy(payload.copyZ);
  return payload.copy!;
}

/**
 * Load: COPYs one batch into the run's staging table and records the batch (its rows, objects and
 * notes) in `etl_batches`, in one transaction. The batch key is the idempotency key: a retried or
 * duplicated batch writes nothing. Loads never update the run's row, so concurrent loads never
 * wait on one lock; the load that completes the run publishes it.
 */
export async function runLoad(payload: LoadPayload, deps: WorkerDeps, ctx: StepContext): Promise<LoadResult> {
  const { pool } = deps;
  const started = Date.now();
  try {
    await deps.hooks?.beforeLoad?.(payload);
    await markRunning(pool, payload.runId, ctx.jobId);
    // a spilled batch is read before the transaction opens: no transaction waits on S3
    const body = await copyTextOf(payload, deps);
    const skipped = await withTransaction(pool, async (client) => {
      const claimed = await client.query(
        `INSERT INTO etl_batches (run_id, batch, rows, object_index, object_count, notes)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (run_id, batch) DO NOTHING RETURNING batch`,
        [
          payload.runId,
          payload.batch,
          payload.datasets,
          payload.object ?? null,
          payload.objects ?? 1,
          JSON.stringify(payload.notes),
        ],
      );
      if (claimed.rowCount === 0) return true;
      if (body.length > 0) {
        const copy = client.query(
          copyFrom(`COPY ${pg.escapeIdentifier(stagingTable(payload.runId))} (${COLUMN_LIST}) FROM STDIN`),
        );
        await pipeline(Readable.from([body]), copy);
      }
      await deps.hooks?.afterCopy?.(payload);
      return false;
    });
    await ctx.log(
      `run ${payload.runId} batch ${payload.batch}: ${skipped ? 'already loaded, skipped' : `${payload.datasets} rows copied in ${Date.now() - started} ms`}`,
    );
    const published = await tryPublish(pool, payload.runId, deps.config.RETENTION_RUNS);
    if (published) await afterPublish(deps, payload.runId, ctx);
    return { runId: payload.runId, batch: payload.batch, rows: payload.datasets, skipped, published };
  } catch (caught) {
    let err = caught instanceof SpillMissingError ? new UnrecoverableError(caught.message) : caught;
    if ((caught as { code?: string }).code === '42703') {
      // the run's staging table predates a migration that added columns: add them, the retry loads
      const added = await alignStaging(pool, payload.runId).catch(() => []);
      if (added.length > 0) {
        err = new Error(
          `the staging table of run ${payload.runId} was created before a migration: columns ${added.join(', ')} added, the retry loads the batch`,
          { cause: caught },
        );
      }
    }
    const message = `load ${payload.batch}: ${(err as Error).message}`;
    if (isFinalAttempt(ctx, err)) await failRun(deps, payload.runId, message, ctx.jobId);
    throw err;
  }
}
