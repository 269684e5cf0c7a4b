import type { Worker } from 'bullmq';
import { parsePayload } from '../../shared/queues.js';
import type { WorkerDeps } from '../deps.js';
import { createQueueWorker, stepContext } from '../worker-factory.js';
import { runLoad } from './processor.js';

export function createLoadWorker(deps: WorkerDeps): Worker {
  return createQueueWorker(
    deps,
    'load',
    (job, _token, signal) => runLoad(parsePayload('load', job.data), deps, stepContext(job, signal)),
    { concurrency: deps.config.LOAD_CONCURRENCY },
  );
}
