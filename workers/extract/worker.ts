import type { Worker } from 'bullmq';
import type { WorkerDeps } from '../deps.js';
import { createQueueWorker } from '../worker-factory.js';
import { runExtract } from './processor.js';

export function createExtractWorker(deps: WorkerDeps): Worker {
  return createQueueWorker(deps, 'extract', (job, _token, signal) => runExtract(job, deps, signal), {
    concurrency: deps.config.EXTRACT_CONCURRENCY,
    // a large dump keeps the job busy for minutes; the lock is renewed every half of this
    lockDuration: 120_000,
  });
}
