import type { Worker } from 'bullmq';
import type { WorkerDeps } from '../deps.js';
import { exclusive } from '../exclusive.js';
import { createQueueWorker } from '../worker-factory.js';
import { runBackup } from './processor.js';

/** Worker of the `backup` queue (one job at a time, exclusive with restores). */
export function createBackupWorker(deps: WorkerDeps): Worker {
  return createQueueWorker(
    deps,
    'backup',
    (job, _token, signal) => exclusive(deps, job, signal, (ctx) => runBackup(job.data, deps, ctx)),
    { concurrency: 1, lockDuration: 120_000 },
  );
}
