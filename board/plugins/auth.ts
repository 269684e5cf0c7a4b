import { STATUS_CODES } from 'node:http';
import type { FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import fp from 'fastify-plugin';
import { challenge, checkAuthorization, type BoardCredentials } from '../auth.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served without authentication (health probes, public metrics). */
    public?: boolean;
  }
}

export interface AuthPluginOptions {
  /** `null`: no authentication at all (`--insecure-dev`). */
  creds: BoardCredentials | null;
  /** Failed logins allowed per client IP and window before every request of that IP gets 429. */
  loginRateLimit: { max: number; timeWindowMs: number };
}

/**
 * Authentication on every route but those marked `config.public` (basic and/or bearer), with a
 * budget of failed logins per IP: past it, even the right password gets 429 (no oracle).
 */
export default fp<AuthPluginOptions>(
  async (app: FastifyInstance, { creds, loginRateLimit }) => {
    await app.register(rateLimit, { global: false });
    const failedLogins = app.createRateLimit({
      max: loginRateLimit.max,
      timeWindow: loginRateLimit.timeWindowMs,
    });
    if (!creds) {
      app.log.warn(
        'board: started WITHOUT authentication (--insecure-dev); never expose it beyond localhost',
      );
      return;
    }
    app.addHook('onRequest', async (req, reply) => {
      if (req.routeOptions.config?.public === true) return;
      const budget = await failedLogins(req, { increment: false });
      if (!budget.isAllowed && budget.remaining <= 0) {
        return reply.code(429).header('retry-after', String(budget.ttlInSeconds)).send({
          statusCode: 429,
          error: STATUS_CODES[429],
          message: 'too many failed logins, try again later',
        });
      }
      const outcome = checkAuthorization(req.headers.authorization, creds);
      if (outcome === 'ok') return;
      if (outcome === 'invalid') {
        await failedLogins(req);
        req.log.warn({ ip: req.ip }, 'board: failed login');
      }
      return reply
        .code(401)
        .header('www-authenticate', challenge(creds))
        .send({ statusCode: 401, error: STATUS_CODES[401], message: 'authentication required' });
    });
  },
  { name: 'auth' },
);
