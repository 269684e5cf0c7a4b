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

describe('views written against the declarations', () => {
  it('dataset_recommendations_latest lists exactly the MQA indicators', async () => {
    const { MQA_INDICATORS } = await import('./columns.js');
    const sql = readFileSync(
      new URL('./sql/views/08.dataset_recommendations_latest.sql', import.meta.url),
      'utf8',
    );
    const listed = [...sql.matchAll(/\('(\w+)', q\.mqa_(\w+)\)/g)].map((m) => {
      expect(m[1]).toBe(m[2]);
      return m[1];
    });
    expect(listed).toEqual(MQA_INDICATORS.map((i) => i.id));
  });
});
