import { describe, expect, it } from 'vitest';
import type { ColumnDef } from './columns.js';
import { arrayLiteral, encodeCopyRows, RowShapeError } from './copy-text.js';

const columns: ColumnDef[] = [
  { name: 'title', type: 'text', doc: '' },
  { name: 'keywords', type: 'text[]', doc: '' },
  { name: 'open_access', type: 'boolean', doc: '' },
  { name: 'modified', type: 'date', doc: '' },
  { name: 'filling_rate', type: 'real', doc: '' },
];

describe('COPY text encoding', () => {
  it('quotes every array element so commas, quotes and backslashes survive', () => {
    expect(arrayLiteral(['a, b', 'say "hi"', 'back\\slash', '{x}'])).toBe(
      '{"a, b","say \\"hi\\"","back\\\\slash","{x}"}',
    );
    expect(arrayLiteral([])).toBe('{}');
  });

  it('encodes a row in column order with NULLs, booleans and escapes', () => {
    const out = encodeCopyRows(
      7,
      [
        {
          dataset_uri: 'https://x/d/1',
          source_key: 'p.json',
          title: 'line1\nline2\ttab',
          keywords: ['eau, milieux'],
          open_access: true,
          modified: null,
          filling_rate: 55.56,
        },
      ],
      columns,
    );
    expect(out).toBe(
      '7\thttps://x/d/1\tp.json\t\\N\t\\N\tline1\\nline2\\ttab\t{"eau, milieux"}\tt\t\\N\t55.56\n',
    );
  });

  it("writes the dataset's position in the dump after its key (first occurrence wins at publication)", () => {
    const row = { dataset_uri: 'u', source_key: 'k', source_object: 3, source_element: 41, title: null };
    expect(encodeCopyRows(1, [row], [columns[0]!])).toBe('1\tu\tk\t3\t41\t\\N\n');
  });

  it('names the dataset and column of a row that does not fit', () => {
    expect(() =>
      encodeCopyRows(1, [{ dataset_uri: 'https://x/d/2', title: 'x', keywords: 'no' }], columns),
    ).toThrow(new RowShapeError('dataset https://x/d/2: column keywords must be an array'));
    expect(() => encodeCopyRows(1, [{ dataset_uri: 'https://x/d/3', title: 'x' }], columns)).toThrow(
      /column keywords is missing/,
    );
  });
});
