import { describe, expect, it } from 'vitest';
import { jobIds, jobQueue, loadPayload } from './queues.js';
import { compressCopy, decompressCopy, deflateCopy, inflateCopy } from './spill.js';

describe('jobQueue', () => {
  const run = { id: 12, token: 'ab12cd34' };

  it('reads back the queue of every pipeline job id', () => {
    expect(jobQueue(jobIds.extract(run))).toBe('extract');
    expect(jobQueue(jobIds.transform(run, 'o3c0'))).toBe('transform');
    expect(jobQueue(jobIds.load(run, 'o3c0'))).toBe('load');
    // a batch name that holds another stage's name does not mislead it
    expect(jobQueue(jobIds.transform(run, 'load-o1'))).toBe('transform');
  });

  it('takes a scheduled extract for one, and anything else for none', () => {
    expect(jobQueue('repeat:nightly-etl:1796176397701')).toBe('extract');
    expect(jobQueue('backup-20261202')).toBeUndefined();
  });
});

describe('loadPayload', () => {
  const base = { runId: 3, batch: 'o1c0', datasets: 1, notes: {} };
  const copy = 'https://example.org/d\tTitre\\tavec tabulation\t\\N\n'.repeat(200);

  it('carries the COPY text compressed (ASCII, much smaller), and gives it back byte for byte', () => {
    const accented = `${copy}https://example.org/é\tL’île « été »\t\\N\n`;
    const copyBr = compressCopy(accented);
    expect(copyBr).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(copyBr.length * 5).toBeLessThan(accented.length);
    expect(decompressCopy(loadPayload.parse({ ...base, copyBr }).copyBr!).toString('utf8')).toBe(accented);
  });

  it('still reads the deflated COPY text of load jobs queued by earlier versions', () => {
    const copyZ = deflateCopy(copy);
    expect(inflateCopy(loadPayload.parse({ ...base, copyZ }).copyZ!).toString('utf8')).toBe(copy);
  });

  it('takes exactly one of copy, copyBr, copyZ and copyKey', () => {
    expect(loadPayload.safeParse({ ...base, copy }).success).toBe(true);
    expect(loadPayload.safeParse({ ...base, copyKey: 'runs/x.copy.gz' }).success).toBe(true);
    expect(loadPayload.safeParse(base).success).toBe(false);
    const two = loadPayload.safeParse({ ...base, copy, copyBr: compressCopy(copy) });
    expect(two.success).toBe(false);
    expect(two.error?.issues[0]?.message).toMatch(/exactly one of copy .* copyBr .* copyZ .* copyKey/);
  });
});
