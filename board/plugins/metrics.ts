import type { FastifyInstance } from 'fastify';
import { Gauge, Registry } from 'prom-client';
import type { Queues } from '../../shared/bull.js';
import type { Pool } from '../../shared/db.js';
import { QUEUE_NAMES } from '../../shared/queues.js';
import type { LastBackupFinder } from '../backups.js';
import { redactString } from '../redact.js';

/** Job states exported per queue by `dcat_quality_queue_jobs`. */
export const JOB_STATES = ['waiting', 'active', 'failed', 'delayed', 'completed'] as const;

export interface MetricsDeps {
  queues: Queues;
  pool: Pool;
  /** Absent: no backup metric. */
  lastBackup?: LastBackupFinder;
  /** Called when a source cannot be read during a scrape (the scrape still succeeds). */
  onError?: (source: 'redis' | 'postgres' | 's3', err: unknown) => void;
}

interface LastRuns {
  published_duration: number | null;
  published_datasets: number | null;
  published_age: number | null;
  last_status: string | null;
}

/**
 * The board's Prometheus registry. Every value is read when scraped; a source that is down leaves
 * its queue series absent or its values NaN instead of failing the scrape.
 */
export function createMetrics(deps: MetricsDeps): Registry {
  const registry = new Registry();
  const onError = deps.onError ?? (() => undefined);

  new Gauge({
    name: 'dcat_quality_queue_jobs',
    help: 'Jobs per queue and state (waiting, active, failed, delayed, completed)',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      await Promise.all(
        QUEUE_NAMES.map(async (name) => {
          try {
            const counts = await deps.queues[name].getJobCounts(...JOB_STATES);
            for (const state of JOB_STATES) this.set({ queue: name, state }, counts[state] ?? 0);
          } catch (err) {
            onError('redis', err);
          }
        }),
      );
    },
  });

  // one query feeds the run gauges; each collect() awaits the same scrape-wide promise
  let pending: Promise<LastRuns | null> | undefined;
  const lastRuns = () => {
    pending ??= deps.pool
      .query<LastRuns>(
        `SELECT
           extract(epoch FROM p.published_at - coalesce(p.started_at, p.created_at))::float8 AS published_duration,
           p.datasets AS published_datasets,
           extract(epoch FROM now() - p.published_at)::float8 AS published_age,
           (SELECT status FROM etl_runs WHERE status IN ('published', 'failed') ORDER BY id DESC LIMIT 1) AS last_status
         FROM (SELECT 1) one
         LEFT JOIN LATERAL (
           SELECT * FROM etl_runs WHERE status = 'published' ORDER BY published_at DESC LIMIT 1
         ) p ON true`,
      )
      .then((r) => r.rows[0] ?? null)
      .catch((err: unknown) => {
        onError('postgres', err);
        return null;
      })
      .finally(() => {
        setImmediate(() => (pending = undefined));
      });
    return pending;
  };

  // unlabelled gauges cannot be absent: NaN when PostgreSQL cannot be read
  const runGauge = (name: string, help: string, pick: (r: LastRuns) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const runs = await lastRuns();
        this.set(runs ? pick(runs) : Number.NaN);
      },
    });

  runGauge(
    'dcat_quality_last_run_duration_seconds',
    'Duration of the last published ETL run, from its start to its publication (NaN: none yet)',
    (r) => r.published_duration ?? Number.NaN,
  );
  runGauge(
    'dcat_quality_last_run_datasets',
    'Datasets of the last published ETL run (NaN: none yet)',
    (r) => r.published_datasets ?? Number.NaN,
  );
  // +Inf when no run was ever published, so that an age threshold alert fires
  runGauge(
    'dcat_quality_seconds_since_last_published_run',
    'Seconds since the last ETL run was published (+Inf: never)',
    (r) => r.published_age ?? Number.POSITIVE_INFINITY,
  );
  runGauge('dcat_quality_last_run_failed', '1 when the most recent finished ETL run failed, else 0', (r) =>
    r.last_status === 'failed' ? 1 : 0,
  );

  const { lastBackup } = deps;
  if (lastBackup) {
    new Gauge({
      name: 'dcat_quality_last_backup_age_seconds',
      help: 'Age of the newest complete backup of the Metabase database (+Inf: none, NaN: S3 unreadable)',
      registers: [registry],
      async collect() {
        try {
          const last = await lastBackup();
          this.set(
            last ? Math.max(0, (Date.now() - last.createdAt.getTime()) / 1000) : Number.POSITIVE_INFINITY,
          );
        } catch (err) {
          onError('s3', err);
          this.set(Number.NaN);
        }
      },
    });
  }
  return registry;
}

export interface MetricsPluginOptions extends Omit<MetricsDeps, 'onError'> {
  /** `/metrics` without authentication (METRICS_PUBLIC). */
  public: boolean;
}

/** `/metrics` in the Prometheus text format, behind authentication unless `public`. */
export function metricsRoutes(app: FastifyInstance, opts: MetricsPluginOptions): Promise<void> {
  const registry = createMetrics({
    ...opts,
    onError: (source, err) =>
      app.log.warn({ err: redactString((err as Error).message) }, `metrics: ${source} unreadable`),
  });
  app.get('/metrics', { config: { public: opts.public } }, async (_req, reply) => {
    const body = await registry.metrics();
    return reply.type(registry.contentType).send(body);
  });
  return Promise.resolve();
}
