import { memo } from '../../shared/memo.js';
/**
 * Dates as written in the dump (xsd:date, xsd:dateTime or bare strings) -> 'YYYY-MM-DD'.
 * A dateTime keeps the date as written: no timezone shift.
 */

// date, optionally followed by a time (T or space) and/or a timezone (Z, +hh:mm, +hhmm, +hh)
const DATE_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** `'YYYY-MM-DD'`, or null when the text is not a real calendar date (2019-02-30, "n/a", "2019"). */
export const parseIsoDate = memo(parseIsoDateOnce);

function parseIsoDateOnce(text: string): string | null {
  const m = DATE_RE.exec(text.trim());
  if (!m) return null;
  const [, ys, ms, ds, hh, mm, ss] = m;
  const year = Number(ys);
  const month = Number(ms);
  const day = Number(ds);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hh !== undefined && (Number(hh) > 24 || Number(mm) > 59 || (ss !== undefined && Number(ss) > 60))) {
    return null;
  }
  return `${ys}-${ms}-${ds}`;
}
