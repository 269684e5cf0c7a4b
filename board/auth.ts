import { createHash, timingSafeEqual } from 'node:crypto';
import type { Config } from '../shared/config.js';

/** Who may open the board: a user/password pair (basic auth), a bearer token, or both. */
export interface BoardCredentials {
  basic?: { user: string; password: string };
  token?: string;
}

/** The board was asked to start without credentials (or with half of a pair). */
export class BoardAuthConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BoardAuthConfigError';
  }
}

/**
 * The credentials configured in BOARD_USER/BOARD_PASSWORD and BOARD_TOKEN. Throws when there are
 * none, unless `insecureDev` (then `null`: no authentication at all).
 */
export function resolveCredentials(
  config: Pick<Config, 'BOARD_USER' | 'BOARD_PASSWORD' | 'BOARD_TOKEN'>,
  insecureDev = false,
): BoardCredentials | null {
  const { BOARD_USER: user, BOARD_PASSWORD: password, BOARD_TOKEN: token } = config;
  if (Boolean(user) !== Boolean(password)) {
    throw new BoardAuthConfigError(
      'BOARD_USER and BOARD_PASSWORD go together: set both (basic auth) or neither (and use BOARD_TOKEN)',
    );
  }
  const creds: BoardCredentials = {
    ...(user && password ? { basic: { user, password } } : {}),
    ...(token ? { token } : {}),
  };
  if (creds.basic || creds.token) return creds;
  if (insecureDev) return null;
  throw new BoardAuthConfigError(
    'the board refuses to start without credentials: set BOARD_USER and BOARD_PASSWORD (basic auth) ' +
      'and/or BOARD_TOKEN (bearer token), or pass --insecure-dev for a local, unprotected board',
  );
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Constant-time comparison: both sides are hashed first so that lengths leak nothing either. */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** `ok`: valid credentials; `missing`: no usable Authorization header; `invalid`: wrong ones. */
export type AuthOutcome = 'ok' | 'missing' | 'invalid';

/** Checks an Authorization header (`Basic ...` or `Bearer ...`) against the credentials. */
export function checkAuthorization(header: string | undefined, creds: BoardCredentials): AuthOutcome {
  if (!header) return 'missing';
  const match = /^(\S+)\s+(\S.*)$/.exec(header.trim());
  if (!match) return 'missing';
  const scheme = match[1]!.toLowerCase();
  const value = match[2]!.trim();
  if (scheme === 'bearer') {
    return creds.token !== undefined && safeEqual(value, creds.token) ? 'ok' : 'invalid';
  }
  if (scheme === 'basic') {
    if (!creds.basic) return 'invalid';
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return 'invalid';
    // both compared every time: no early exit telling which half was wrong
    const userOk = safeEqual(decoded.slice(0, colon), creds.basic.user);
    const passwordOk = safeEqual(decoded.slice(colon + 1), creds.basic.password);
    return userOk && passwordOk ? 'ok' : 'invalid';
  }
  return 'missing';
}

/** The WWW-Authenticate challenge matching the configured credentials. */
export function challenge(creds: BoardCredentials): string {
  return creds.basic
    ? 'Basic realm="dcat-quality board", charset="UTF-8"'
    : 'Bearer realm="dcat-quality board"';
}
