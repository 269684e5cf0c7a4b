import type { Worker } from 'bullmq';
import type { WorkerDeps } from '../deps.js';
import { createQueueWorker } from '../worker-factory.js';
import { runLoad } from './processor.js';

export function createLoadWorker(deps: WorkerDeps): Worker {
  return createQueueWorker(deps, 'load', (job) => runLoad(job, deps), {
    concurrency: deps.config.LOAD_CONCURRENCY,
  });
}
