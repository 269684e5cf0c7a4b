import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

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

/**
 * The process logger on stderr: one JSON object per line (LOG_FORMAT=json, the default, for log
 * collectors) or coloured lines for people (LOG_FORMAT=pretty, pino-pretty, same redaction);
 * LOG_LEVEL sets the level.
 */
export function logger(): Logger {
  const options = { level: process.env.LOG_LEVEL ?? 'info', redact: { paths: REDACT, censor: '***' } };
  root ??=
    process.env.LOG_FORMAT === 'pretty'
      ? pino(
          options,
          pretty({ destination: 2, sync: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' }),
        )
      : pino(options, pino.destination(2));
  return root;
}
