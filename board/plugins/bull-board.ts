import { STATUS_CODES } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queues } from '../../shared/bull.js';
import { QUEUE_NAMES, type QueueName } from '../../shared/queues.js';
import { redactSecrets } from '../redact.js';

export interface BullBoardPluginOptions {
  queues: Queues;
  /** Hides write actions and answers 403 to every write. */
  readOnly: boolean;
  /** Applied to job data, return values and progress shown; `false` shows them as they are. */
  redact: ((value: unknown) => unknown) | false;
}

/** What each queue does, shown by Bull Board under its name. */
export const QUEUE_DESCRIPTIONS: Record<QueueName, string> = {
  extract: 'Reads the JSON-LD dump from S3 and cuts it into chunks of datasets (one job per ETL run)',
  transform: 'Computes the quality indicators of one chunk of datasets',
  load: 'COPYs the indicator rows of one chunk into PostgreSQL; the last batch publishes the run',
  backup: 'Dumps the Metabase database to S3 (pg_dump)',
  restore: 'Restores a backup of the Metabase database (pg_restore)',
};

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const UPDATE_DATA_ROUTE = '/api/queues/:queueName/:jobId/update-data';

function jobLabel(job: { name?: string; data?: unknown }): string {
  const data = (job.data ?? {}) as { runId?: unknown; batch?: unknown; trigger?: unknown };
  const parts = [job.name ?? ''];
  if (typeof data.runId === 'number') parts.push(`run ${data.runId}`);
  if (typeof data.batch === 'string') parts.push(data.batch);
  return parts.join(' · ');
}

/** Bull Board for every queue, to be registered under `/board` (encapsulated: its hooks stay here). */
export default async function bullBoard(
  scope: FastifyInstance,
  { queues, readOnly, redact }: BullBoardPluginOptions,
): Promise<void> {
  scope.addHook('onRequest', async (req, reply) => {
    if (readOnly && !READ_METHODS.has(req.method)) {
      return reply.code(403).send({
        statusCode: 403,
        error: STATUS_CODES[403],
        message: 'the board is read-only (BOARD_READ_ONLY)',
      });
    }
  });
  // Bull Board's own error handler echoes error messages: keep 5xx answers generic
  scope.addHook('onSend', async (_req, reply, payload) => {
    if (reply.statusCode < 500) return payload;
    reply.type('application/json; charset=utf-8');
    return JSON.stringify({
      statusCode: reply.statusCode,
      error: STATUS_CODES[reply.statusCode],
      message: 'internal error',
    });
  });

  const adapters = QUEUE_NAMES.map((name) => {
    const adapter = new BullMQAdapter(queues[name], {
      readOnlyMode: readOnly,
      allowRetries: !readOnly,
      description: QUEUE_DESCRIPTIONS[name],
    });
    adapter.setFormatter('name', jobLabel);
    if (redact) {
      adapter.setFormatter('data', redact);
      adapter.setFormatter('returnValue', redact);
      adapter.setFormatter('progress', redact);
    }
    return adapter;
  });
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(scope.prefix);
  createBullBoard({
    queues: adapters,
    serverAdapter,
    options: {
      uiConfig: { boardTitle: 'dcat-quality', hideDocsLink: true },
      handlerHooks: {
        before: ({ route }) => {
          // the board shows redacted data: saving it back would overwrite the real payload
          if (redact && route === UPDATE_DATA_ROUTE) {
            return {
              allow: false,
              status: 403,
              message: 'editing job data is disabled: the board shows redacted data',
            };
          }
        },
        // logs, failure reasons and stack traces are free text: mask what looks like a secret
        after: (_ctx, result) =>
          redact
            ? { ...result, body: redactSecrets(result.body, { keys: false }) as typeof result.body }
            : result,
      },
    },
  });
  await scope.register(serverAdapter.registerPlugin());
}
