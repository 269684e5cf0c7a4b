import { describe, expect, it } from 'vitest';
import { jobIds, jobQueue } from './queues.js';

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
