/**
 * What PostgreSQL cannot store, or should not: a NUL byte in text (COPY refuses the whole batch:
 * `invalid byte sequence for encoding "UTF8": 0x00`), a lone UTF-16 surrogate (not UTF-8 at all),
 * and a value so long that one dataset would weigh more than a whole page. Each is repaired in
 * place and counted, so that no batch fails on it and nothing changes in silence.
 */
import type { QualityRow } from '../../shared/columns.js';

export interface SanitizeLimits {
  /** Longest text value kept, in UTF-8 bytes (MAX_VALUE_BYTES); longer ones are truncated. */
  maxValueBytes: number;
}

/** The counter keys a repair adds to the run's notes, by kind: `nul_bytes_removed:<column>`... */
export type Repair = 'nul_bytes_removed' | 'lone_surrogates_replaced' | 'value_truncated';

function truncateUtf8(s: string, maxBytes: number): string {
  // a UTF-16 unit is at most 3 UTF-8 bytes: cut by units first, then trim to the byte budget
  let out = s.length > maxBytes ? s.slice(0, maxBytes) : s;
  while (Buffer.byteLength(out, 'utf8') > maxBytes) out = out.slice(0, Math.floor(out.length * 0.9));
  // never leave half a surrogate pair at the cut
  const last = out.charCodeAt(out.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? out.slice(0, -1) : out;
}

function clean(value: string, limits: SanitizeLimits, found: (r: Repair) => void): string {
  let v = value;
  if (v.includes('\u0000')) {
    v = v.replaceAll('\u0000', '');
    found('nul_bytes_removed');
  }
  if (!v.isWellFormed()) {
    v = v.toWellFormed();
    found('lone_surrogates_replaced');
  }
  if (v.length * 3 > limits.maxValueBytes && Buffer.byteLength(v, 'utf8') > limits.maxValueBytes) {
    v = truncateUtf8(v, limits.maxValueBytes);
    found('value_truncated');
  }
  return v;
}

/**
 * Repairs every text and text[] value of one row in place; returns the repairs made, as
 * `<repair>:<column>` keys (once per row and key).
 */
export function sanitizeRow(row: QualityRow, limits: SanitizeLimits): string[] {
  let repairs: Set<string> | undefined;
  for (const column in row) {
    const value = row[column];
    const found = (r: Repair) => (repairs ??= new Set()).add(`${r}:${column}`);
    if (typeof value === 'string') {
      row[column] = clean(value, limits, found);
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = clean(value[i]!, limits, found);
    }
  }
  return repairs ? [...repairs] : [];
}
