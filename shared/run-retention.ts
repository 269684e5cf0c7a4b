/**
 * History retention (RETENTION_RUNS). `dataset_quality` is partitioned by run: each published run
 * is one partition `dataset_quality_run_<id>`, so dropping a run is a DETACH + DROP, never a
 * DELETE over millions of rows.
 */
import pg from 'pg';
import type { PoolClient } from './db.js';

/** A run's table: its staging table until publication, then its partition of `dataset_quality`. */
export function partitionName(runId: number): string {
  if (!Number.isSafeInteger(runId) || runId <= 0) throw new RangeError(`not a run id: ${runId}`);
  return `dataset_quality_run_${runId}`;
}

/** A failed run's staging table is dropped once the run has been failed this long (it may be retried). */
const FAILED_GRACE = `interval '1 day'`;

async function tableState(client: PoolClient, table: string): Promise<'missing' | 'standalone' | 'attached'> {
  const { rows } = await client.query<{ exists: boolean; attached: boolean }>(
    `SELECT to_regclass($1) IS NOT NULL AS exists,
            EXISTS (SELECT 1 FROM pg_inherits i
                    WHERE i.inhrelid = to_regclass($1) AND i.inhparent = 'dataset_quality'::regclass) AS attached`,
    [table],
  );
  const row = rows[0];
  return !row?.exists ? 'missing' : row.attached ? 'attached' : 'standalone';
}

/**
 * Keeps the newest `keep` published runs (by scheduled date, as `dataset_quality_latest`
 * orders them): older ones have their partition detached and dropped, their batch records
 * deleted, and `etl_runs.purged_at` set (the etl_runs row itself stays, for the run history).
 * Also drops the leftover staging tables of runs failed more than a day ago. Published history is
 * only ever touched through the first rule.
 *
 * Idempotent, and safe to run inside the caller's publication transaction (it then takes the
 * parent table's lock until commit) or on its own.
 *
 * @returns `dropped`: published runs purged now; `staging`: failed runs whose staging table was dropped.
 */
export async function applyRunRetention(
  client: PoolClient,
  keep: number,
): Promise<{ dropped: number[]; staging: number[] }> {
  if (!Number.isSafeInteger(keep) || keep < 1)
    throw new RangeError(`keep must be a positive integer, got ${keep}`);

  const dropped: number[] = [];
  const old = await client.query<{ id: number }>(
    `SELECT id FROM etl_runs
     WHERE status = 'published' AND purged_at IS NULL
     ORDER BY scheduled_for DESC, id DESC
     OFFSET $1`,
    [keep],
  );
  for (const { id } of old.rows) {
    const table = partitionName(Number(id));
    const ident = pg.escapeIdentifier(table);
    if ((await tableState(client, table)) === 'attached') {
      await client.query(`ALTER TABLE dataset_quality DETACH PARTITION ${ident}`);
    }
    await client.query(`DROP TABLE IF EXISTS ${ident}`);
    await client.query('DELETE FROM etl_batches WHERE run_id = $1', [id]);
    await client.query('UPDATE etl_runs SET purged_at = now() WHERE id = $1', [id]);
    dropped.push(Number(id));
  }

  const staging: number[] = [];
  const failed = await client.query<{ id: number }>(
    `SELECT id FROM etl_runs
     WHERE status = 'failed' AND purged_at IS NULL AND coalesce(finished_at, created_at) < now() - ${FAILED_GRACE}
     ORDER BY id`,
  );
  for (const { id } of failed.rows) {
    const table = partitionName(Number(id));
    const state = await tableState(client, table);
    // a failed run is never attached; if one is, leave it to a human rather than drop published rows
    if (state === 'attached') continue;
    if (state === 'standalone') {
      await client.query(`DROP TABLE ${pg.escapeIdentifier(table)}`);
      staging.push(Number(id));
    }
    await client.query('DELETE FROM etl_batches WHERE run_id = $1', [id]);
    await client.query('UPDATE etl_runs SET purged_at = now() WHERE id = $1', [id]);
  }
  return { dropped, staging };
}
