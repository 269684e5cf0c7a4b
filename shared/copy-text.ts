import type { ColumnDef, QualityRow, RowValue } from './columns.js';

const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** Escapes a value for PostgreSQL's COPY text format. */
function escapeCopy(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

const NEEDS_QUOTING = /[\\"]/;

/** A text[] literal: every element quoted, so commas, braces and quotes inside keywords survive. */
export function arrayLiteral(items: readonly string[]): string {
  if (items.length === 0) return '{}';
  // the common case, no backslash nor quote in any element: one join
  if (!items.some((s) => NEEDS_QUOTING.test(s))) return `{"${items.join('","')}"}`;
  return `{${items.map((s) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

export class RowShapeError extends Error {}

function encodeValue(value: RowValue | undefined, column: ColumnDef, uri: string): string {
  if (value === null) return '\\N';
  if (value === undefined) throw new RowShapeError(`dataset ${uri}: column ${column.name} is missing`);
  switch (column.type) {
    case 'text[]':
      if (!Array.isArray(value))
        throw new RowShapeError(`dataset ${uri}: column ${column.name} must be an array`);
      return escapeCopy(arrayLiteral(value));
    case 'boolean':
      if (typeof value !== 'boolean')
        throw new RowShapeError(`dataset ${uri}: column ${column.name} must be a boolean`);
      return value ? 't' : 'f';
    case 'integer':
    case 'real':
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw new RowShapeError(`dataset ${uri}: column ${column.name} must be a finite number`);
      return String(value);
    case 'date':
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value))
        throw new RowShapeError(`dataset ${uri}: column ${column.name} must be a YYYY-MM-DD date`);
      return value;
    case 'text':
      if (typeof value !== 'string')
        throw new RowShapeError(`dataset ${uri}: column ${column.name} must be text`);
      return escapeCopy(value);
    case 'jsonb':
      // JSON text as transform serialises it (rows stay plain values), or a value as pg reads it back
      if (typeof value === 'string') return escapeCopy(value);
      if (typeof value === 'object') return escapeCopy(JSON.stringify(value));
      throw new RowShapeError(`dataset ${uri}: column ${column.name} must be JSON`);
  }
}

/** The leading columns of every COPY line, before the quality columns. */
export const KEY_COLUMNS = [
  'run_id',
  'dataset_uri',
  'source_key',
  'source_object',
  'source_element',
] as const;

function position(value: RowValue | undefined): string {
  return typeof value === 'number' && Number.isInteger(value) ? String(value) : '\\N';
}

type RowEncoder = (row: QualityRow, uri: string) => string;

const compiled = new WeakMap<readonly ColumnDef[], RowEncoder>();

/**
 * The `\t`-joined fields of `columns` for one row, compiled once per column list: each column read
 * by its own name (rows share one shape, so each read is a direct load) and encoded by its type.
 * Reading `row[column.name]` in a loop over the columns costs a generic lookup per field.
 */
function rowEncoder(columns: readonly ColumnDef[]): RowEncoder {
  let encode = compiled.get(columns);
  if (!encode) {
    const fields = columns.map((c, i) => {
      const read = `r[${JSON.stringify(c.name)}]`;
      return `(${read} === null ? ${JSON.stringify('\\N')} : enc(${read}, c[${i}], u))`;
    });
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from the column list, no input
    const make = new Function(
      'enc',
      'c',
      `return (r, u) => ${fields.join(` + ${JSON.stringify('\t')} + `) || "''"};`,
    ) as (enc: typeof encodeValue, c: readonly ColumnDef[]) => RowEncoder;
    encode = make(encodeValue, columns);
    compiled.set(columns, encode);
  }
  return encode;
}

/**
 * Encodes rows as COPY text lines: KEY_COLUMNS (run_id, dataset_uri, source_key, source_object,
 * source_element), then `columns` in order.
 * Throws a RowShapeError naming the dataset and column when a row does not fit.
 */
export function encodeCopyRows(
  runId: number,
  rows: readonly QualityRow[],
  columns: readonly ColumnDef[],
): string {
  const encode = rowEncoder(columns);
  const run = String(runId);
  let out = '';
  for (const row of rows) {
    const uri = row.dataset_uri;
    if (typeof uri !== 'string' || uri === '') throw new RowShapeError('a row has no dataset_uri');
    const sourceKey = typeof row.source_key === 'string' ? row.source_key : '';
    out += `${run}\t${escapeCopy(uri)}\t${escapeCopy(sourceKey)}\t${position(row.source_object)}\t${position(row.source_element)}`;
    out += columns.length > 0 ? `\t${encode(row, uri)}\n` : '\n';
  }
  return out;
}
