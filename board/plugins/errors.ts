import { STATUS_CODES } from 'node:http';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { redactString } from '../redact.js';

/** Nothing internal leaks: 5xx answers are generic, the details go to the log. */
export default fp(
  (app: FastifyInstance) => {
    // (a database not migrated yet is not an error: the runs API and pages answer "no run yet")
    app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      if (status >= 500) req.log.error({ err }, 'request failed');
      return reply.code(status).send({
        statusCode: status,
        error: STATUS_CODES[status],
        message: status >= 500 ? 'internal error' : redactString(err.message),
      });
    });
    return Promise.resolve();
  },
  { name: 'errors' },
);
