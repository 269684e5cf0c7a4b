import { describe, expect, it } from 'vitest';
import { sanitizeRow } from './sanitize.js';

describe('sanitizeRow', () => {
  const limits = { maxValueBytes: 1024 };

  it('removes NUL bytes and replaces lone surrogates, in text and text[] values, and says where', () => {
    const row = { title: 'a\u0000b', keywords: ['ok', 'x\ud800y'], filling_rate: 50, status: null };
    expect(sanitizeRow(row, limits).sort()).toEqual([
      'lone_surrogates_replaced:keywords',
      'nul_bytes_removed:title',
    ]);
    expect(row).toEqual({ title: 'ab', keywords: ['ok', 'x\ufffdy'], filling_rate: 50, status: null });
  });

  it('truncates a value over MAX_VALUE_BYTES on a character boundary', () => {
    const row = { description: 'é'.repeat(600) + '😀'.repeat(10) }; // 1,200 + 40 bytes
    expect(sanitizeRow(row, limits)).toEqual(['value_truncated:description']);
    expect(Buffer.byteLength(row.description)).toBeLessThanOrEqual(1024);
    expect(row.description.isWellFormed()).toBe(true);
    expect(row.description.startsWith('éé')).toBe(true);
  });

  it('leaves clean rows alone', () => {
    const row = { title: 'Zonage PPRN', keywords: ['eau'] };
    expect(sanitizeRow(row, limits)).toEqual([]);
    expect(row).toEqual({ title: 'Zonage PPRN', keywords: ['eau'] });
  });
});
