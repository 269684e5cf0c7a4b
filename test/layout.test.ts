import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layout's rules, checked on every import of the product's files (README, "Layout"):
 * roles (board/, workers/, producer/) meet only in shared/; the one allowed arrow is the CLI
 * starting workers or the board in-process; shared/ depends on no role; nothing in the product
 * imports tools/, test/ or a devDependency; and no two product modules import each other.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROLES = ['board', 'workers', 'producer'] as const;
const PRODUCT = ['shared', ...ROLES];
const ALLOWED = new Set([
  'producer/commands/workers.ts -> workers/main.ts',
  'producer/commands/board.ts -> board/server.ts',
]);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const isTest = (f: string) => f.endsWith('.test.ts');
const productFiles = PRODUCT.flatMap(files).filter((f) => !isTest(f));

interface Import {
  from: string;
  spec: string;
  /** Repository-relative .ts path for a relative import. */
  target?: string;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specs = [
    ...text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'/gms),
    ...text.matchAll(/^\s*import\s+'([^']+)'/gm),
    ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
  ].map((m) => m[1]!);
  return specs.map((spec) =>
    spec.startsWith('.')
      ? {
          from: file,
          spec,
          target: relative(ROOT, resolve(ROOT, dirname(file), spec)).replace(/\.js$/, '.ts'),
        }
      : { from: file, spec },
  );
}

const top = (path: string) => path.split('/')[0]!;
const packageName = (spec: string) =>
  spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;

describe('layout', () => {
  const imports = productFiles.flatMap(importsOf);

  it('finds the product files and their imports', () => {
    expect(productFiles.length).toBeGreaterThan(50);
    expect(imports.filter((i) => i.target).length).toBeGreaterThan(150);
  });

  it('roles meet only in shared/ (and the CLI may start workers or the board in-process)', () => {
    const crossings = imports
      .filter((i) => i.target && top(i.target) !== top(i.from) && top(i.target) !== 'shared')
      .map((i) => `${i.from} -> ${i.target}`)
      .filter((arrow) => !ALLOWED.has(arrow));
    expect(crossings).toEqual([]);
  });

  it('shared/ depends on no role, and the product on no tool, test or devDependency', () => {
    const wrong = imports
      .filter((i) =>
        i.target
          ? !PRODUCT.includes(top(i.target)) || (top(i.from) === 'shared' && top(i.target) !== 'shared')
          : !i.spec.startsWith('node:') && !(packageName(i.spec) in pkg.dependencies),
      )
      .map((i) => `${i.from} -> ${i.target ?? i.spec}`);
    expect(wrong).toEqual([]);
  });

  it('has no import circles between product modules', () => {
    const edges = new Map<string, string[]>();
    for (const i of imports) if (i.target) edges.set(i.from, [...(edges.get(i.from) ?? []), i.target]);
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        circles.push([...path.slice(path.indexOf(f)), f].join(' -> '));
        return;
      }
      state.set(f, 'open');
      for (const t of edges.get(f) ?? []) visit(t, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of productFiles) visit(f, []);
    expect(circles).toEqual([]);
  });

  it('gives every queue its folder with a worker.ts and a processor.ts', () => {
    for (const queue of ['extract', 'transform', 'load', 'backup', 'restore']) {
      const here = files(`workers/${queue}`).map((f) => f.split('/').pop());
      expect(here, queue).toEqual(expect.arrayContaining(['worker.ts', 'processor.ts']));
    }
  });
});
