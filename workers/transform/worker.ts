import type { Worker } from 'bullmq';
import type { WorkerDeps } from '../deps.js';
import { createQueueWorker } from '../worker-factory.js';
import { runTransform } from './processor.js';

export function createTransformWorker(deps: WorkerDeps): Worker {
  return createQueueWorker(deps, 'transform', (job) => runTransform(job, deps), {
    concurrency: deps.config.TRANSFORM_CONCURRENCY,
  });
}
