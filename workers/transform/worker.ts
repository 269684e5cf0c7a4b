import type { Worker } from 'bullmq';
import type { WorkerDeps } from '../deps.js';
import { parsePayload } from '../../shared/queues.js';
import { createQueueWorker, stepContext } from '../worker-factory.js';
import { runTransform } from './processor.js';
import { createUrlChecker, type UrlChecker } from './url-check.js';

export function createTransformWorker(deps: WorkerDeps): Worker {
  const { config } = deps;
  // one URL checker per run (its cache is the run's): a URL is checked once per run and process
  const checkers = new Map<number, UrlChecker>();
  const checkerFor = (runId: number): UrlChecker | undefined => {
    if (config.URL_CHECKS !== 'on') return undefined;
    let checker = checkers.get(runId);
    if (!checker) {
      checker = createUrlChecker({
        timeoutMs: config.URL_CHECK_TIMEOUT_MS,
        rps: config.URL_CHECK_RPS,
        perHost: config.URL_CHECK_PER_HOST,
      });
      checkers.set(runId, checker);
      // runs follow each other: keep the current one and the one before
      for (const id of checkers.keys()) if (checkers.size > 2) checkers.delete(id);
    }
    return checker;
  };
  return createQueueWorker(
    deps,
    'transform',
    (job, _token, signal) => {
      const payload = parsePayload('transform', job.data);
      return runTransform(payload, deps, stepContext(job, signal), { urls: checkerFor(payload.runId) });
    },
    { concurrency: config.TRANSFORM_CONCURRENCY },
  );
}
