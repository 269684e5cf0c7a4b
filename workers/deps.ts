import type { ConnectionOptions } from 'bullmq';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Logger } from 'pino';
import type { Config } from '../shared/config.js';
import type { Queues } from '../shared/bull.js';
import type { Pool } from '../shared/db.js';
import type { LoadPayload, TransformPayload } from '../shared/queues.js';

/** What every worker gets: built once by workers/main.ts (or by a test). */
export interface WorkerDeps {
  config: Config;
  /** BullMQ connection for Workers (blocking, maxRetriesPerRequest: null). */
  connection: ConnectionOptions;
  queues: Queues;
  pool: Pool;
  s3: S3Client;
  log: Logger;
  /** Aborted when the process stops its workers (SIGTERM): long waits give up at once. */
  shutdown?: AbortController;
  /** Test-only fault injection points; never set in production. */
  hooks?: {
    /** Before a transform reads what its job names. */
    beforeTransform?: (payload: TransformPayload) => void | Promise<void>;
    beforeLoad?: (payload: LoadPayload) => void | Promise<void>;
    /** Inside the load transaction, after the COPY: a throw here is a crash before commit. */
    afterCopy?: (payload: LoadPayload) => void | Promise<void>;
    /** Compressed COPY text above this many bytes goes to S3, not into the load job (default LOAD_INLINE_MAX_BYTES). */
    loadInlineMaxBytes?: number;
  };
}
