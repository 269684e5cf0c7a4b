import type { Worker } from 'bullmq';
import { parsePayload } from '../../shared/queues.js';
import type { WorkerDeps } from '../deps.js';
import { createQueueWorker, stepContext } from '../worker-factory.js';
import { runExtract } from './processor.js';

export function createExtractWorker(deps: WorkerDeps): Worker {
  return createQueueWorker(
    deps,
    'extract',
    (job, _token, signal) => runExtract(parsePayload('extract', job.data), deps, stepContext(job, signal)),
    {
      concurrency: deps.config.EXTRACT_CONCURRENCY,
      // a large dump keeps the job busy for minutes; its lock is renewed every 10 s meanwhile
    },
  );
}
