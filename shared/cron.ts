/** Cron patterns and time zones, checked before they reach BullMQ (whose errors read "cannot resolve alias"). */
import { CronExpressionParser } from 'cron-parser';

/** Undefined when `tz` is an IANA time zone, else why not, in plain words. */
export function timeZoneProblem(tz: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return undefined;
  } catch {
    return `"${tz}" is not a time zone: use an IANA name such as Europe/Paris or UTC`;
  }
}

/** Undefined when `pattern` is a cron pattern BullMQ can schedule, else why not, in plain words. */
export function cronProblem(pattern: string, tz = 'UTC'): string | undefined {
  const fields = pattern.trim().split(/\s+/).filter(Boolean);
  const shape =
    'a cron pattern has 5 fields (minute hour day-of-month month day-of-week, e.g. "0 0 * * *" for every midnight) or 6 with seconds first';
  if (fields.length < 5 || fields.length > 6) return `"${pattern}" is not a cron pattern: ${shape}`;
  try {
    CronExpressionParser.parse(pattern, { tz: timeZoneProblem(tz) ? 'UTC' : tz }).next();
    return undefined;
  } catch (err) {
    const detail = (err as Error).message.replace(/^Validation error, /i, '');
    return `"${pattern}" is not a cron pattern (${detail}): ${shape}`;
  }
}
