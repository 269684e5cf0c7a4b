import type { Worker } from 'bullmq';
import type { WorkerDeps } from '../deps.js';
import { exclusive } from '../exclusive.js';
import { createQueueWorker } from '../worker-factory.js';
import { runRestore } from './processor.js';

/** Worker of the `restore` queue (one job at a time, exclusive with backups). */
export function createRestoreWorker(deps: WorkerDeps): Worker {
  return createQueueWorker(
    deps,
    'restore',
    (job, _token, signal) => exclusive(deps, job, signal, (ctx) => runRestore(job.data, deps, ctx)),
    { concurrency: 1, lockDuration: 120_000 },
  );
}
