import { pino, type Logger } from 'pino';

/** Keys whose values are never logged, wherever they appear in a log object. */
const REDACT = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'S3_SECRET_ACCESS_KEY',
  'BOARD_PASSWORD',
  'BOARD_TOKEN',
];

let root: Logger | undefined;

/** The process logger (structured JSON lines on stderr; LOG_LEVEL sets the level). */
export function logger(): Logger {
  root ??= pino(
    { level: process.env.LOG_LEVEL ?? 'info', redact: { paths: REDACT, censor: '***' } },
    pino.destination(2),
  );
  return root;
}
