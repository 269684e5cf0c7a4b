import type { ColumnDef, QualityRow, RowValue } from './columns.js';

const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** Escapes a value for PostgreSQL's COPY text format. */
function escapeCopy(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

/** A text[] literal: every element quoted, so commas, braces and quotes inside keywords survive. */
export function arrayLiteral(items: readonly string[]): string {
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
  const lines: string[] = [];
  for (const row of rows) {
    const uri = row.dataset_uri;
    if (typeof uri !== 'string' || uri === '') throw new RowShapeError('a row has no dataset_uri');
    const sourceKey = typeof row.source_key === 'string' ? row.source_key : '';
    const fields = [
      String(runId),
      escapeCopy(uri),
      escapeCopy(sourceKey),
      position(row.source_object),
      position(row.source_element),
    ];
    for (const column of columns) fields.push(encodeValue(row[column.name], column, uri));
    lines.push(fields.join('\t'));
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
