import { UnrecoverableError, type JobsOptions } from 'bullmq';
import { z } from 'zod';

/**
 * The job registry: every queue, its payload schema and its retry/backoff/retention policy,
 * declared once. Producers parse before `add`; processors parse first (see {@link parsePayload}).
 */

export const QUEUE_NAMES = ['extract', 'transform', 'load', 'backup', 'restore'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

const runId = z.number().int().positive();

/** Extract: one ETL run. `runId` is absent on scheduled jobs; extract creates the run then. */
export const extractPayload = z.object({
  runId: runId.optional(),
  /** S3 prefix of the dump; the configured DUMP_PREFIX when absent. */
  prefix: z.string().optional(),
  trigger: z.enum(['schedule', 'cli', 'board', 'demo', 'test']).default('cli'),
});
export type ExtractPayload = z.infer<typeof extractPayload>;

const batchKey = z.string().regex(/^o\d+c\d+$/);

/** An object of the dump as extract listed it: transform refuses another version of it. */
const dumpObject = z.object({
  key: z.string().min(1),
  /** ETag at listing time; reading another one fails the step, naming the object. */
  etag: z.string(),
  size: z.number().int().nonnegative(),
  /** Position of the object in the run's sorted listing: first occurrence in key order wins. */
  index: z.number().int().nonnegative(),
});
export type DumpObjectRef = z.infer<typeof dumpObject>;

/**
 * What one transform job reads: a whole object of the dump (up to WHOLE_OBJECT_MAX_BYTES), or a
 * chunk of resolved datasets that extract spilled (gzipped JSON lines) from a huge object.
 */
export const transformSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('object'), object: dumpObject }),
  z.object({
    kind: z.literal('spill'),
    object: dumpObject,
    /** Key of the spilled chunk under RUNS_PREFIX. */
    key: z.string().min(1),
    datasets: z.number().int().positive().max(10_000),
    /**
     * The chunk's place among the chunks of that object, when it holds several (a job's chunks,
     * spilled together); absent: the object is this one chunk.
     */
    part: z.number().int().nonnegative().max(255).optional(),
  }),
]);
export type TransformSource = z.infer<typeof transformSource>;

/** Transform: references (never the records themselves) of one run: one, or a few in a row. */
export const transformPayload = z.object({
  runId,
  /** The run's token (etl_runs.token): part of the load job's id. */
  runToken: z.string().regex(/^[0-9a-z]{4,32}$/),
  /** Batch key, unique within the run and stable across retries: `o<object index>c<chunk index>`. */
  batch: batchKey,
  /** The run's scheduled date (YYYY-MM-DD, Europe/Paris): time-dependent scores use it, not the clock. */
  runDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  source: transformSource,
  /**
   * Further references of the same batch, read in order after `source` (TRANSFORM_BATCH_SOURCES):
   * the next whole objects of the listing, or the next spilled chunks of the same object.
   */
  more: z.array(transformSource).max(255).optional(),
  /**
   * Set by a failed attempt on bad input: the operator may fix the object in place, so the retry
   * reads its current version (whatever its ETag) instead of refusing it.
   */
  acceptNewVersion: z.boolean().optional(),
});
export type TransformPayload = z.infer<typeof transformPayload>;

/**
 * Load: the indicator rows of one transform batch, already encoded by transform as COPY text
 * (one line per dataset, columns in COPY_COLUMNS order), inline when small (`copyBr`: brotli,
 * base64; `copyZ`, raw deflate, and `copy`, plain text, as earlier versions wrote them), else
 * spilled to S3 under RUNS_PREFIX (gzipped) and named here. A row that does not fit its columns fails in
 * transform, naming the dataset and column.
 */
export const loadPayload = z
  .object({
    runId,
    batch: batchKey,
    /** Position of the batch's (first) object in the run's listing (progress: objects read). */
    object: z.number().int().nonnegative().optional(),
    /** Objects of the listing the batch read whole, `object` and those after it (default 1). */
    objects: z.number().int().positive().max(256).optional(),
    /** Lines in the COPY text. */
    datasets: z.number().int().nonnegative().max(100_000),
    copy: z.string().optional(),
    copyBr: z.string().optional(),
    copyZ: z.string().optional(),
    copyKey: z.string().min(1).optional(),
    /** Per-run counters (unparseable dates, unknown codes...), summed into `etl_runs.notes` at publication. */
    notes: z.record(z.string(), z.number().int().nonnegative()).default({}),
  })
  .refine((p) => [p.copy, p.copyBr, p.copyZ, p.copyKey].filter((v) => v !== undefined).length === 1, {
    message:
      'exactly one of copy (inline COPY text), copyBr (inline, brotli), copyZ (inline, deflated) and copyKey (spilled COPY text) is required',
  });
export type LoadPayload = z.infer<typeof loadPayload>;

/** Backup of the Metabase database (no secret: the worker reads METABASE_DATABASE_URL itself). */
export const backupPayload = z.object({
  trigger: z.enum(['schedule', 'cli', 'board', 'test', 'safety']).default('cli'),
});
export type BackupPayload = z.infer<typeof backupPayload>;

/** Restore of one backup key. `target` is a URL without password; absent means METABASE_DATABASE_URL. */
export const restorePayload = z.object({
  key: z.string().min(1),
  target: z
    .string()
    .refine((v) => {
      try {
        return new URL(v).password === '';
      } catch {
        return false;
      }
    }, 'must be a postgres URL without a password (passwords come from the environment or ~/.pgpass)')
    .optional(),
  allowOtherTarget: z.boolean().default(false),
});
export type RestorePayload = z.infer<typeof restorePayload>;

export const PAYLOADS = {
  extract: extractPayload,
  transform: transformPayload,
  load: loadPayload,
  backup: backupPayload,
  restore: restorePayload,
} as const satisfies Record<QueueName, z.ZodType>;

export type Payload<Q extends QueueName> = z.infer<(typeof PAYLOADS)[Q]>;

const day = 24 * 3600;

/**
 * Retry, backoff and retention per queue: the only place they are declared. The ETL steps retry
 * transient failures (a service restarting, a network cut) for over a minute: extract 5 + 10 + 20
 * + 40 s, transform and load 1 + 2 + ... + 64 s. Bad input is never retried (UnrecoverableError).
 */
export const JOB_OPTIONS: Record<QueueName, JobsOptions> = {
  extract: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 5_000 },
    removeOnComplete: { age: 30 * day, count: 200 },
    removeOnFail: { age: 60 * day, count: 500 },
  },
  // transform jobs carry references, load jobs COPY text: keep few completed ones, Redis stays small
  transform: {
    attempts: 8,
    backoff: { type: 'exponential', delay: 1_000 },
    removeOnComplete: { age: day, count: 20 },
    removeOnFail: { age: 30 * day, count: 1000 },
  },
  load: {
    attempts: 8,
    backoff: { type: 'exponential', delay: 1_000 },
    removeOnComplete: { age: day, count: 20 },
    removeOnFail: { age: 30 * day, count: 1000 },
  },
  backup: {
    attempts: 2,
    backoff: { type: 'exponential', delay: 30_000 },
    removeOnComplete: { age: 90 * day, count: 500 },
    removeOnFail: { age: 90 * day, count: 500 },
  },
  // a restore is never repeated behind the operator's back
  restore: {
    attempts: 1,
    removeOnComplete: { age: 90 * day, count: 500 },
    removeOnFail: { age: 90 * day, count: 500 },
  },
};

/** A run as job ids name it: its id, and its token (random, from etl_runs). */
export interface RunRef {
  id: number;
  token: string;
}

/**
 * Deterministic job ids: a duplicate enqueue of the same step is a no-op. The run's token keeps
 * them apart from the jobs of an earlier database whose run ids were the same (a reset or restored
 * database starts its ids again, while Redis still holds the old jobs).
 */
export const jobIds = {
  extract: (run: RunRef) => `run${run.id}-${run.token}-extract`,
  transform: (run: RunRef, batch: string) => `run${run.id}-${run.token}-transform-${batch}`,
  load: (run: RunRef, batch: string) => `run${run.id}-${run.token}-load-${batch}`,
};

/** The pipeline queue a job id of {@link jobIds} names (scheduled extracts: `repeat:...`). */
export function jobQueue(jobId: string): 'extract' | 'transform' | 'load' | undefined {
  const queue = /^run\d+-[^-]+-(extract|transform|load)(-|$)/.exec(jobId)?.[1];
  if (queue) return queue as 'extract' | 'transform' | 'load';
  return jobId.startsWith('repeat:') ? 'extract' : undefined;
}

/** Scheduler ids (BullMQ job schedulers), upserted by `dcat-quality schedule` only. */
export const SCHEDULER_IDS = { etl: 'nightly-etl', backup: 'nightly-backup' } as const;

/** Parses a payload; a payload that does not fit is an UnrecoverableError (retrying cannot help). */
export function parsePayload<Q extends QueueName>(queue: Q, data: unknown): Payload<Q> {
  const parsed = PAYLOADS[queue].safeParse(data);
  if (!parsed.success) {
    throw new UnrecoverableError(`invalid ${queue} payload: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data as Payload<Q>;
}
