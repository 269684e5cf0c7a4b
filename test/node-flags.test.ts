import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain JS module of the launcher (bin/ runs before anything is compiled)
import { workerNodeFlags } from '../bin/node-flags.js';

const flags = workerNodeFlags as (
  argv: string[],
  execArgv: string[],
  env: Record<string, string | undefined>,
) => string[] | null;
const argv = (...args: string[]) => ['/usr/bin/node', '/app/bin/dcat-quality.js', ...args];

describe('the node flags `dcat-quality workers` starts itself with', () => {
  it('gives a process that reads objects whole 32 MB semi-spaces, and every one a 96 MB initial old generation', () => {
    const expected = ['--max-old-space-size=192', '--max-semi-space-size=32', '--initial-old-space-size=96'];
    expect(flags(argv('workers'), [], {})).toEqual(expected);
    expect(flags(argv('workers', '--queues', 'transform,load'), [], {})).toEqual(expected);
    expect(flags(argv('workers', '--queues=extract,transform'), [], {})).toEqual(expected);
  });

  it('gives an extract-only process 16 MB semi-spaces', () => {
    const expected = ['--max-old-space-size=192', '--max-semi-space-size=16', '--initial-old-space-size=96'];
    expect(flags(argv('workers', '--queues', 'extract'), [], {})).toEqual(expected);
    expect(flags(argv('workers', '--queues=extract'), [], {})).toEqual(expected);
  });

  it('follows DCAT_QUALITY_HEAP_MB, never starting the old generation above the cap', () => {
    expect(flags(argv('workers'), [], { DCAT_QUALITY_HEAP_MB: '256' })).toEqual([
      '--max-old-space-size=256',
      '--max-semi-space-size=32',
      '--initial-old-space-size=96',
    ]);
    expect(flags(argv('workers'), [], { DCAT_QUALITY_HEAP_MB: '64' })).toContain(
      '--initial-old-space-size=64',
    );
  });

  it('leaves the process as it is when a heap size is set already, the cap is off, or it is not a worker', () => {
    expect(flags(argv('workers'), ['--max-old-space-size=512'], {})).toBeNull();
    expect(flags(argv('workers'), [], { NODE_OPTIONS: '--max-old-space-size=300' })).toBeNull();
    expect(flags(argv('workers'), [], { DCAT_QUALITY_HEAP_MB: '0' })).toBeNull();
    expect(flags(argv('etl', 'run'), [], {})).toBeNull();
    expect(flags(argv('board'), [], {})).toBeNull();
  });
});
