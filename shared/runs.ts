import pg from 'pg';
import { withTransaction, type Pool, type PoolClient } from './db.js';
import { applyRetention } from './retention.js';

/** A row of `etl_runs`. */
export interface RunRow {
  id: number;
  status: 'queued' | 'running' | 'published' | 'failed';
  trigger: string;
  job_key: string | null;
  prefix: string;
  token: string;
  scheduled_for: Date;
  created_at: Date;
  started_at: Date | null;
  extract_finished_at: Date | null;
  finished_at: Date | null;
  published_at: Date | null;
  objects: number;
  bytes: number;
  datasets: number;
  duplicates: number;
  batches: number | null;
  loaded_batches: number;
  notes: Record<string, number>;
  error: string | null;
  failed_job: string | null;
}

/** The table one run's rows are COPYed into, attached to `dataset_quality` when the run is published. */
export function stagingTable(runId: number): string {
  if (!Number.isSafeInteger(runId) || runId <= 0) throw new RangeError(`not a run id: ${runId}`);
  return `dataset_quality_run_${runId}`;
}

export async function createRun(
  db: Pool | PoolClient,
  run: { prefix: string; trigger: string; scheduledFor?: Date; jobKey?: string },
): Promise<{ id: number; token: string }> {
  // ON CONFLICT on job_key: the same scheduled job retried or delivered twice maps to one run
  const { rows } = await db.query<{ id: number; token: string }>(
    `INSERT INTO etl_runs (prefix, trigger, scheduled_for, job_key)
     VALUES ($1, $2, coalesce($3, now()), $4)
     ON CONFLICT (job_key) DO UPDATE SET job_key = EXCLUDED.job_key
     RETURNING id, token`,
    [run.prefix, run.trigger, run.scheduledFor ?? null, run.jobKey ?? null],
  );
  return rows[0]!;
}

export async function getRun(db: Pool | PoolClient, runId: number): Promise<RunRow | undefined> {
  const { rows } = await db.query<RunRow>('SELECT * FROM etl_runs WHERE id = $1', [runId]);
  return rows[0];
}

export async function listRuns(db: Pool, opts: { limit: number; offset: number }): Promise<RunRow[]> {
  const { rows } = await db.query<RunRow>('SELECT * FROM etl_runs ORDER BY id DESC LIMIT $1 OFFSET $2', [
    opts.limit,
    opts.offset,
  ]);
  return rows;
}

/**
 * A step of the run starts. A queued run becomes running. A failed run becomes running again only
 * when the step starting is the one that failed it (a retry from the board): other steps of a
 * failed run go on without hiding the failure. A published run stays published.
 */
export async function markRunning(
  db: Pool,
  runId: number,
  jobId: string,
): Promise<RunRow['status'] | undefined> {
  const { rows } = await db.query<{ status: RunRow['status'] }>(
    `WITH revive AS (
       SELECT id, status IN ('queued', 'running')
                  OR (status = 'failed' AND (failed_job IS NULL OR failed_job = $2)) AS yes
       FROM etl_runs WHERE id = $1 FOR UPDATE)
     UPDATE etl_runs r SET
       status = CASE WHEN revive.yes THEN 'running' ELSE r.status END,
       started_at = coalesce(r.started_at, now()),
       error = CASE WHEN revive.yes THEN NULL ELSE r.error END,
       failed_job = CASE WHEN revive.yes THEN NULL ELSE r.failed_job END,
       finished_at = CASE WHEN revive.yes THEN NULL ELSE r.finished_at END,
       purged_at = CASE WHEN revive.yes THEN NULL ELSE r.purged_at END
     FROM revive WHERE r.id = revive.id
     RETURNING r.status`,
    [runId, jobId],
  );
  return rows[0]?.status;
}

/** Creates the run's staging table (idempotent). */
export async function ensureStaging(pool: Pool, runId: number): Promise<void> {
  const table = pg.escapeIdentifier(stagingTable(runId));
  await withTransaction(pool, async (client) => {
    // serialise concurrent creators of the same table
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [stagingTable(runId)]);
    const exists = await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [
      stagingTable(runId),
    ]);
    if (exists.rows[0]?.t) return;
    await client.query(
      `CREATE TABLE ${table} (LIKE dataset_quality INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
    );
    // the CHECK lets ATTACH PARTITION skip its validation scan; the key rejects a dataset loaded twice
    await client.query(
      `ALTER TABLE ${table} ADD CONSTRAINT ${pg.escapeIdentifier(`${stagingTable(runId)}_run`)} CHECK (run_id = ${runId}),
       ADD PRIMARY KEY (run_id, dataset_uri)`,
    );
  });
}

/** Extract has enqueued every batch of the run: record the totals. */
export async function markExtracted(
  pool: Pool,
  runId: number,
  totals: { objects: number; bytes: number; datasets: number; duplicates: number; batches: number },
): Promise<void> {
  await pool.query(
    `UPDATE etl_runs SET objects = $2, bytes = $3, datasets = $4, duplicates = $5, batches = $6,
       extract_finished_at = now()
     WHERE id = $1`,
    [runId, totals.objects, totals.bytes, totals.datasets, totals.duplicates, totals.batches],
  );
}

/** The run failed for good (retries exhausted): it publishes nothing until a step is retried. */
export async function markFailed(pool: Pool, runId: number, error: string, jobId: string): Promise<void> {
  await pool.query(
    `UPDATE etl_runs SET status = 'failed', error = $2, failed_job = $3, finished_at = now()
     WHERE id = $1 AND status <> 'published'`,
    [runId, error.slice(0, 4000), jobId],
  );
}

/**
 * Publishes the run when extract is done and every batch is loaded: attaches its staging table as
 * a partition and flips its status, in one transaction, so `dataset_quality_latest` switches from
 * the previous run to this one at once. Then drops the runs beyond `retentionRuns`.
 * Returns true when this call published it.
 */
export async function tryPublish(pool: Pool, runId: number, retentionRuns: number): Promise<boolean> {
  const published = await withTransaction(pool, async (client) => {
    const run = (
      await client.query<Pick<RunRow, 'status' | 'batches'>>(
        'SELECT status, batches FROM etl_runs WHERE id = $1 FOR UPDATE',
        [runId],
      )
    ).rows[0];
    if (!run || run.status !== 'running' || run.batches === null) return false;
    const loaded = (
      await client.query<{ n: number; rows: number }>(
        'SELECT count(*)::int AS n, coalesce(sum(rows), 0)::int AS rows FROM etl_batches WHERE run_id = $1',
        [runId],
      )
    ).rows[0]!;
    if (loaded.n < run.batches) return false;
    await client.query(
      `ALTER TABLE dataset_quality ATTACH PARTITION ${pg.escapeIdentifier(stagingTable(runId))} FOR VALUES IN (${runId})`,
    );
    await client.query(
      `UPDATE etl_runs SET status = 'published', published_at = now(), finished_at = now(),
         loaded_batches = $2, datasets = $3, error = NULL
       WHERE id = $1`,
      [runId, loaded.n, loaded.rows],
    );
    return true;
  });
  if (published) await withTransaction(pool, (client) => applyRetention(client, retentionRuns));
  return published;
}
