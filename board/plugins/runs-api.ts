import { z } from 'zod';
import type { FastifyPluginCallback, FastifyReply } from 'fastify';
import type { Pool } from '../../shared/db.js';
import { RUN_SELECT, type RunRow } from '../../shared/runs.js';

/** A run as the history API answers it: timestamps in ISO 8601, durations in seconds. */
export interface RunView {
  id: number;
  status: RunRow['status'];
  trigger: string;
  prefix: string;
  scheduledFor: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  publishedAt: string | null;
  /** Start to publication (or to failure); null while the run is not over. */
  durationSeconds: number | null;
  stages: {
    extract: {
      startedAt: string | null;
      finishedAt: string | null;
      durationSeconds: number | null;
      objects: number;
      /** Objects with at least one batch loaded. */
      objectsRead: number;
      bytes: number;
      datasets: number;
      duplicates: number;
    };
    /** Transform and load overlap extract: the stage runs from the run's start to its last batch. */
    load: {
      finishedAt: string | null;
      durationSeconds: number | null;
      /** Known once extract has finished. */
      batches: number | null;
      loadedBatches: number;
    };
    publish: { publishedAt: string | null; durationSeconds: number | null };
  };
  notes: Record<string, unknown>;
  error: string | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const seconds = (from: Date | null, to: Date | null) =>
  from && to ? Math.max(0, (to.getTime() - from.getTime()) / 1000) : null;

export function toRunView(row: RunRow): RunView {
  const end = row.published_at ?? (row.status === 'failed' ? row.finished_at : null);
  return {
    id: row.id,
    status: row.status,
    trigger: row.trigger,
    prefix: row.prefix,
    scheduledFor: row.scheduled_for.toISOString(),
    createdAt: row.created_at.toISOString(),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    publishedAt: iso(row.published_at),
    durationSeconds: seconds(row.started_at, end),
    stages: {
      extract: {
        startedAt: iso(row.started_at),
        finishedAt: iso(row.extract_finished_at),
        durationSeconds: seconds(row.started_at, row.extract_finished_at),
        objects: row.objects,
        objectsRead: row.objects_read,
        bytes: row.bytes,
        datasets: row.datasets,
        duplicates: row.duplicates,
      },
      load: {
        finishedAt: iso(row.finished_at),
        durationSeconds: seconds(row.started_at, row.finished_at),
        batches: row.batches,
        loadedBatches: row.loaded_batches,
      },
      publish: {
        publishedAt: iso(row.published_at),
        durationSeconds: seconds(row.finished_at, row.published_at),
      },
    },
    notes: row.notes,
    error: row.error,
  };
}

/** The latest runs first (by id: runs are created in order). */
export async function listRuns(
  pool: Pool,
  page: { limit: number; offset: number },
): Promise<{ runs: RunView[]; total: number }> {
  const [rows, count] = await Promise.all([
    pool.query<RunRow>(`${RUN_SELECT} ORDER BY r.id DESC LIMIT $1 OFFSET $2`, [page.limit, page.offset]),
    pool.query<{ total: number }>('SELECT count(*)::int AS total FROM etl_runs'),
  ]);
  return { runs: rows.rows.map(toRunView), total: count.rows[0]?.total ?? 0 };
}

/** One run, or null when there is no run with this id. */
export async function getRun(pool: Pool, id: number): Promise<RunView | null> {
  const { rows } = await pool.query<RunRow>(`${RUN_SELECT} WHERE r.id = $1`, [id]);
  return rows[0] ? toRunView(rows[0]) : null;
}

const MAX_LIMIT = 100;

const integerParam = (name: string, min: number, max: number) =>
  z
    .string({ error: `${name} must be given once` })
    .regex(/^\d{1,15}$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(z.number().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`));

/** Query of `GET /api/runs`: `limit` 1..100 (default 20), `offset` >= 0 (default 0). */
export const runsQuerySchema = z.strictObject(
  {
    limit: integerParam('limit', 1, MAX_LIMIT).default(20),
    offset: integerParam('offset', 0, Number.MAX_SAFE_INTEGER).default(0),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `unknown parameter(s): ${issue.keys.join(', ')}` : undefined,
  },
);

/** Path parameter of `GET /api/runs/:id`. */
export const runIdSchema = integerParam('run id', 1, Number.MAX_SAFE_INTEGER);

function badRequest(reply: FastifyReply, error: z.ZodError) {
  const message = error.issues.map((i) => i.message).join('; ');
  return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message });
}

/** `GET /api/runs` and `GET /api/runs/:id`: the run history from `etl_runs`. */
export const runsRoutes: FastifyPluginCallback<{ pool: Pool }> = (app, { pool }, done) => {
  app.get('/api/runs', async (req, reply) => {
    const query = runsQuerySchema.safeParse(req.query ?? {});
    if (!query.success) return badRequest(reply, query.error);
    // a database no process has migrated yet has no run: an empty history, not an error
    const { runs, total } = await listRuns(pool, query.data).catch((err: { code?: string }) => {
      if (err.code === '42P01') return { runs: [], total: 0 };
      throw err;
    });
    return { runs, total, limit: query.data.limit, offset: query.data.offset };
  });

  app.get<{ Params: { id: string } }>('/api/runs/:id', async (req, reply) => {
    const id = runIdSchema.safeParse(req.params.id);
    if (!id.success) return badRequest(reply, id.error);
    const run = await getRun(pool, id.data).catch((err: { code?: string }) => {
      if (err.code === '42P01') return null;
      throw err;
    });
    if (!run)
      return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no run ${id.data}` });
    return run;
  });
  done();
};
