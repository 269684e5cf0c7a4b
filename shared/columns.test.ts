import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { columnDdl, columnsMarkdown, ECOSPHERES_COLUMNS, QUALITY_COLUMNS } from './columns.js';

describe('quality column declarations', () => {
  it('name each column once', () => {
    const names = QUALITY_COLUMNS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.every((n) => /^[a-z][a-z0-9_]*$/.test(n))).toBe(true);
  });

  it('give the DDL a new migration needs', () => {
    const byName = new Map(ECOSPHERES_COLUMNS.map((c) => [c.name, c]));
    expect(columnDdl(byName.get('title')!)).toBe('title text');
    expect(columnDdl(byName.get('themes')!)).toBe("themes text[] NOT NULL DEFAULT '{}'");
    expect(columnDdl(byName.get('open_access')!)).toBe('open_access boolean NOT NULL DEFAULT false');
    expect(columnDdl(byName.get('filling_rate')!)).toBe('filling_rate numeric(5,2) NOT NULL');
  });

  it('are the README column table (run `npm run docs` after changing one)', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = /<!-- columns:begin[^>]*-->\n([\s\S]*?)\n<!-- columns:end -->/.exec(readme);
    expect(block, 'README.md has no columns block').not.toBeNull();
    expect(block![1]).toBe(columnsMarkdown());
  });
});
