import pg from 'pg';
import { withTransaction, type Pool, type PoolClient } from './db.js';
import { applyRunRetention, partitionName } from './run-retention.js';

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
  /** Objects of the dump with at least one batch loaded (live while the run goes on). */
  objects_read: number;
  notes: Record<string, number>;
  error: string | null;
  failed_job: string | null;
}

/** The table one run's rows are COPYed into (its partition of `dataset_quality` once published). */
export const stagingTable = partitionName;

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

/** SQL: the per-run counters of a run's loaded batches, summed (NULL when there are none). */
function batchNotes(runId: string): string {
  return `(SELECT jsonb_object_agg(k, v) FROM (
    SELECT n.key AS k, sum(n.value::bigint) AS v
    FROM etl_batches nb CROSS JOIN LATERAL jsonb_each_text(nb.notes) n
    WHERE nb.run_id = ${runId} GROUP BY n.key) s)`;
}

/**
 * A run with its live counters: loads never update the `etl_runs` row (concurrent loads would
 * queue on its lock), so until publication the loaded batches, datasets and objects read are
 * counted from `etl_batches`; publication writes the final figures into the row.
 */
export const RUN_SELECT = `SELECT r.id, r.status, r.trigger, r.job_key, r.prefix, r.token, r.scheduled_for,
  r.created_at, r.started_at, r.extract_finished_at, r.finished_at, r.published_at, r.objects, r.bytes,
  CASE WHEN r.status = 'published' THEN r.datasets ELSE coalesce(b.rows, 0) END AS datasets,
  r.duplicates, r.batches,
  CASE WHEN r.status = 'published' THEN r.loaded_batches ELSE coalesce(b.n, 0) END AS loaded_batches,
  CASE WHEN r.status = 'published' THEN r.objects ELSE coalesce(b.objects, 0) END AS objects_read,
  CASE WHEN r.status = 'published' THEN r.notes ELSE r.notes || coalesce(b.notes, '{}'::jsonb) END AS notes,
  r.error, r.failed_job, r.purged_at
FROM etl_runs r
LEFT JOIN LATERAL (
  SELECT count(*)::int AS n, sum(rows)::int AS rows, (count(DISTINCT object_index) + coalesce(sum(object_count - 1), 0))::int AS objects,
    ${batchNotes('r.id')} AS notes
  FROM etl_batches WHERE run_id = r.id
) b ON r.status <> 'published'`;

export async function getRun(db: Pool | PoolClient, runId: number): Promise<RunRow | undefined> {
  const { rows } = await db.query<RunRow>(`${RUN_SELECT} WHERE r.id = $1`, [runId]);
  return rows[0];
}

export async function listRuns(db: Pool, opts: { limit: number; offset: number }): Promise<RunRow[]> {
  const { rows } = await db.query<RunRow>(`${RUN_SELECT} ORDER BY r.id DESC LIMIT $1 OFFSET $2`, [
    opts.limit,
    opts.offset,
  ]);
  return rows;
}

/**
 * A step of the run starts. A queued run becomes running. A failed run becomes running again only
 * when the step starting is the one that failed it (a retry from the board): other steps of a
 * failed run go on without hiding the failure. A published run stays published.
 * A run already running is only read: the steps of a run never queue on its row's lock.
 */
export async function markRunning(
  db: Pool,
  runId: number,
  jobId: string,
): Promise<RunRow['status'] | undefined> {
  const now = await db.query<{ status: RunRow['status']; started: boolean }>(
    'SELECT status, started_at IS NOT NULL AS started FROM etl_runs WHERE id = $1',
    [runId],
  );
  const current = now.rows[0];
  if (!current) return undefined;
  if ((current.status === 'running' && current.started) || current.status === 'published')
    return current.status;
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

/**
 * Gives a staging table the columns `dataset_quality` gained since it was created (a migration
 * applied while the run was going on), with their type, default and NOT NULL, so that its batches
 * load and it can be attached. Returns the columns added.
 */
async function addMissingColumns(client: PoolClient, table: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string; type: string; dflt: string | null; notnull: boolean }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
            pg_get_expr(d.adbin, d.adrelid) AS dflt, a.attnotnull AS notnull
     FROM pg_attribute a
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE a.attrelid = 'dataset_quality'::regclass AND a.attnum > 0 AND NOT a.attisdropped
       AND a.attname NOT IN (SELECT attname FROM pg_attribute
                             WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped)
     ORDER BY a.attnum`,
    [table],
  );
  for (const c of rows) {
    await client.query(
      `ALTER TABLE ${pg.escapeIdentifier(table)} ADD COLUMN IF NOT EXISTS ${pg.escapeIdentifier(c.name)} ${c.type}` +
        `${c.dflt ? ` DEFAULT ${c.dflt}` : ''}${c.notnull ? ' NOT NULL' : ''}`,
    );
  }
  return rows.map((c) => c.name);
}

/** A staging table created before a migration: add the new columns (serialised with its creators). */
export async function alignStaging(pool: Pool, runId: number): Promise<string[]> {
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [stagingTable(runId)]);
    return addMissingColumns(client, stagingTable(runId));
  });
}

/** Creates the run's staging table (idempotent); an existing one gets the columns it lacks. */
export async function ensureStaging(pool: Pool, runId: number): Promise<void> {
  const table = pg.escapeIdentifier(stagingTable(runId));
  await withTransaction(pool, async (client) => {
    // serialise concurrent creators of the same table
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [stagingTable(runId)]);
    const exists = await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [
      stagingTable(runId),
    ]);
    if (exists.rows[0]?.t) {
      await addMissingColumns(client, stagingTable(runId));
      return;
    }
    await client.query(
      `CREATE TABLE ${table} (LIKE dataset_quality INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMPRESSION)`,
    );
    // the CHECK lets ATTACH PARTITION skip its validation scan. No key yet: batches load in any
    // order, so a dataset found in two objects arrives twice; publication keeps the first one
    // in key order, then adds the key.
    await client.query(
      `ALTER TABLE ${table} ADD CONSTRAINT ${pg.escapeIdentifier(`${stagingTable(runId)}_run`)} CHECK (run_id = ${runId})`,
    );
  });
}

/** Extract has listed the dump: the objects to read and their size. */
export async function markListed(
  pool: Pool,
  runId: number,
  totals: { objects: number; bytes: number },
): Promise<void> {
  await pool.query('UPDATE etl_runs SET objects = $2, bytes = $3 WHERE id = $1', [
    runId,
    totals.objects,
    totals.bytes,
  ]);
}

/** Extract has enqueued every batch of the run: record their number and the extract's own notes. */
export async function markExtracted(
  pool: Pool,
  runId: number,
  totals: { objects: number; bytes: number; batches: number; notes?: Record<string, number> },
): Promise<void> {
  await pool.query(
    `UPDATE etl_runs SET objects = $2, bytes = $3, batches = $4, notes = notes || $5::jsonb,
       extract_finished_at = now()
     WHERE id = $1`,
    [runId, totals.objects, totals.bytes, totals.batches, JSON.stringify(totals.notes ?? {})],
  );
}

/**
 * A job of the run failed outside its processor (BullMQ failed it: stalled, lost): the run fails
 * with that reason, unless it has already ended (the processor's own error is kept).
 */
export async function failRunIfGoing(
  pool: Pool,
  runId: number,
  error: string,
  jobId: string,
): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE etl_runs SET status = 'failed', error = $2, failed_job = $3, finished_at = now()
     WHERE id = $1 AND status IN ('queued', 'running')`,
    [runId, error.slice(0, 4000), jobId],
  );
  return (rowCount ?? 0) > 0;
}

/** Extract is done and every batch is in (read without locking). */
async function isComplete(pool: Pool, runId: number): Promise<boolean> {
  const { rows } = await pool.query<{ ok: boolean }>(
    `SELECT r.status = 'running' AND r.batches IS NOT NULL
            AND (SELECT count(*) FROM etl_batches b WHERE b.run_id = r.id) >= r.batches AS ok
     FROM etl_runs r WHERE r.id = $1`,
    [runId],
  );
  return rows[0]?.ok === true;
}

/** The run failed for good (retries exhausted): it publishes nothing until a step is retried. */
export async function markFailed(pool: Pool, runId: number, error: string, jobId: string): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE etl_runs SET status = 'failed', error = $2, failed_job = $3, finished_at = now()
     WHERE id = $1 AND status <> 'published'`,
    [runId, error.slice(0, 4000), jobId],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * Publishes the run when extract is done and every batch is loaded: attaches its staging table as
 * a partition and flips its status, in one transaction, so `dataset_quality_latest` switches from
 * the previous run to this one at once. Then drops the runs beyond `retentionRuns`.
 * Returns true when this call published it.
 */
export async function tryPublish(pool: Pool, runId: number, retentionRuns: number): Promise<boolean> {
  // a lock-free look first: every load asks, and only the last one finds the run complete
  if (!(await isComplete(pool, runId))) return false;
  const published = await withTransaction(pool, async (client) => {
    const run = (
      await client.query<Pick<RunRow, 'status' | 'batches'>>(
        'SELECT status, batches FROM etl_runs WHERE id = $1 FOR UPDATE',
        [runId],
      )
    ).rows[0];
    if (!run || run.status !== 'running' || run.batches === null) return false;
    const loaded = (
      await client.query<{ n: number }>('SELECT count(*)::int AS n FROM etl_batches WHERE run_id = $1', [
        runId,
      ])
    ).rows[0]!;
    if (loaded.n < run.batches) return false;
    const table = pg.escapeIdentifier(stagingTable(runId));
    // de-duplication by dataset IRI across the run: the first occurrence in key order wins
    const dropped = await client.query(
      `DELETE FROM ${table} t USING (
         SELECT ctid FROM (
           SELECT ctid, row_number() OVER (
             PARTITION BY dataset_uri ORDER BY source_object NULLS LAST, source_element NULLS LAST) AS k
           FROM ${table}) ranked
         WHERE k > 1) d
       WHERE t.ctid = d.ctid`,
    );
    const hasKey = await client.query(
      `SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'p'`,
      [stagingTable(runId)],
    );
    if (hasKey.rowCount === 0)
      await client.query(`ALTER TABLE ${table} ADD PRIMARY KEY (run_id, dataset_uri)`);
    await client.query(`ALTER TABLE dataset_quality ATTACH PARTITION ${table} FOR VALUES IN (${runId})`);
    const rows = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
    await client.query(
      // the time of the publication itself, not of its transaction's start (now()): the work above
      // takes a while on a large run
      `UPDATE etl_runs r SET status = 'published', published_at = c.at, finished_at = c.at,
         loaded_batches = $2, datasets = $3, duplicates = $4, error = NULL,
         notes = r.notes || coalesce(${batchNotes('r.id')}, '{}'::jsonb)
       FROM (SELECT clock_timestamp() AS at) c
       WHERE r.id = $1`,
      [runId, loaded.n, rows, dropped.rowCount ?? 0],
    );
    return true;
  });
  if (published) await withTransaction(pool, (client) => applyRunRetention(client, retentionRuns));
  return published;
}
