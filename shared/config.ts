import { z } from 'zod';
import { cronProblem, timeZoneProblem } from './cron.js';

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off', ''])
    .default(fallback ? 'true' : 'false')
    .transform((v) => (v === '' ? fallback : ['true', '1', 'yes', 'on'].includes(v)));

const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL (${protocols.join(' or ')})` },
  );

/** Every setting dcat-quality reads from the environment, with its default. `.env.example` documents each. */
/** Board credentials: empty (not used) or at least 16 characters. */
const secret16 = z
  .string()
  .default('')
  .refine((v) => v === '' || v.length >= 16, {
    message: 'must be at least 16 characters (a long random value: `openssl rand -base64 24`)',
  });

const cron = z.string().superRefine((pattern, ctx) => {
  const problem = cronProblem(pattern);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const configSchema = z.object({
  REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).default('postgres://postgres@127.0.0.1:5432/dcat_quality'),
  /** Key prefix of every BullMQ queue, so that several deployments (or tests) share one Redis. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, "_", "." and "-" only')
    .default('dcat-quality'),

  S3_ENDPOINT: z.union([z.literal(''), url(['http:', 'https:'])]).default(''),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().default(''),
  S3_SECRET_ACCESS_KEY: z.string().default(''),
  S3_FORCE_PATH_STYLE: bool(true),
  S3_BUCKET: z.string().min(3).default('dcat-quality'),
  /** A stalled S3 request is abandoned (then retried) after this long without an answer. */
  S3_REQUEST_TIMEOUT_MS: int(30_000, 100, 3_600_000),
  S3_CONNECT_TIMEOUT_MS: int(5_000, 100, 600_000),
  /** Attempts of one S3 request by the SDK (exponential backoff) before the job's own retries. */
  S3_MAX_ATTEMPTS: int(5, 1, 20),
  /** The folder (S3 prefix) holding the pages of the nightly dump. */
  DUMP_PREFIX: z.string().default('dcat/'),

  /**
   * Objects up to this size (decompressed, for gzip) are read whole by the transform worker that
   * scores them; larger ones are streamed by extract and spilled as resolved chunks.
   */
  WHOLE_OBJECT_MAX_BYTES: int(8 * 1024 * 1024, 1024, 512 * 1024 * 1024),
  /** S3 prefix (same bucket) of what a run spills: resolved chunks of huge objects, large load batches. */
  RUNS_PREFIX: z
    .string()
    .regex(/^[^/].*\/$/, 'must end with "/" and not start with it')
    .default('runs/'),
  /** Longest text value stored, in UTF-8 bytes; longer ones are truncated and counted in the run's notes. */
  MAX_VALUE_BYTES: int(1024 * 1024, 1024, 256 * 1024 * 1024),
  /** Datasets per transform job of a spilled (huge) object. */
  CHUNK_SIZE: int(100, 1, 10_000),
  /**
   * References one transform job names at most: consecutive whole objects of the listing (up to
   * TRANSFORM_BATCH_BYTES in all), or spilled chunks of one huge object. Its rows go to load as one
   * batch: fewer jobs and fewer, larger COPY transactions. 1: one job per object or chunk.
   */
  TRANSFORM_BATCH_SOURCES: int(8, 1, 256),
  /** Bytes (decompressed) of the whole objects one transform job reads at most; one object always fits. */
  TRANSFORM_BATCH_BYTES: int(8 * 1024 * 1024, 1024, 512 * 1024 * 1024),
  /** Backpressure: extract waits while this many transform/load jobs of the run are pending. */
  MAX_PENDING_CHUNKS: int(16, 1, 10_000),
  EXTRACT_CONCURRENCY: int(1, 1, 64),
  TRANSFORM_CONCURRENCY: int(1, 1, 64),
  LOAD_CONCURRENCY: int(2, 1, 64),
  /** Upper bound of JSON-LD nodes the extract resolver keeps in memory per object before spilling to a second pass. */
  RESOLVER_MAX_NODES: int(20_000, 100, 100_000_000),

  ETL_CRON: cron.default('0 0 * * *'),
  ETL_TZ: z
    .string()
    .min(1)
    .default('Europe/Paris')
    .superRefine((tz, ctx) => {
      const problem = timeZoneProblem(tz);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),

  METABASE_DATABASE_URL: z.union([z.literal(''), url(['postgres:', 'postgresql:'])]).default(''),
  BACKUP_PREFIX: z.string().default('backups/'),
  BACKUP_KEEP: int(14, 1, 10_000),
  /** Empty: no nightly backup. */
  BACKUP_CRON: z
    .string()
    .default('30 1 * * *')
    .superRefine((pattern, ctx) => {
      const problem = pattern.trim() ? cronProblem(pattern) : undefined;
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  PG_DUMP_PATH: z.string().default('pg_dump'),
  PG_RESTORE_PATH: z.string().default('pg_restore'),

  HOST: z.string().default('0.0.0.0'),
  PORT: int(3000, 0, 65535),
  BOARD_USER: z.string().default(''),
  BOARD_PASSWORD: secret16,
  BOARD_TOKEN: secret16,
  BOARD_READ_ONLY: bool(false),
  METRICS_PUBLIC: bool(false),
  /** Trust X-Forwarded-For from this many proxy hops (e.g. 1 behind an ingress); 0: trust none. */
  BOARD_TRUST_PROXY: int(0, 0, 10),

  RETENTION_RUNS: int(60, 1, 100_000),
  URL_CHECKS: z.enum(['off', 'on']).default('off'),
  DCAT_AP_SHACL: z.enum(['on', 'off']).default('on'),
  DCAT_AP_SHAPES: z.enum(['2.1.1', '3.0.1']).default('2.1.1'),
  URL_CHECK_TIMEOUT_MS: int(10_000, 100, 600_000),
  URL_CHECK_RPS: int(20, 1, 10_000),
  URL_CHECK_PER_HOST: int(2, 1, 100),

  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `json` (one JSON object per line, for log collectors) or `pretty` (pino-pretty, for people). */
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
});

export type Config = z.infer<typeof configSchema>;

/** Settings whose values never reach a log, a job or an API answer. */
export const SECRET_KEYS = ['S3_SECRET_ACCESS_KEY', 'BOARD_PASSWORD', 'BOARD_TOKEN'] as const;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws a ConfigError listing every bad key at once. */
export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key];
    if (value !== undefined) input[key] = value.trim();
  }
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = issue.path.join('.');
        const secret = (SECRET_KEYS as readonly string[]).includes(key);
        const got = secret ? '(hidden)' : JSON.stringify(input[key]);
        return `${key}: ${issue.message} (got ${got})`;
      }),
    );
  }
  return parsed.data;
}

let cached: Config | undefined;

/** The configuration, parsed once from process.env. */
export function getConfig(): Config {
  cached ??= parseConfig();
  return cached;
}

/** Tests: forget the cached configuration (or replace it). */
export function resetConfig(next?: Config): void {
  cached = next;
}

/** A copy safe to print: URLs lose their passwords, secrets are masked. */
export function redactConfig(config: Config): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if ((SECRET_KEYS as readonly string[]).includes(key)) out[key] = value ? '***' : '';
    else if (typeof value === 'string' && /^[a-z]+:\/\//.test(value)) out[key] = redactUrl(value);
    else out[key] = value;
  }
  return out;
}

/** Removes the password of a URL (postgres://u:secret@h/db -> postgres://u:***@h/db). */
export function redactUrl(value: string): string {
  try {
    const u = new URL(value);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return value;
  }
}
