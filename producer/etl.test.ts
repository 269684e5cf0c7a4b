import { afterEach, describe, expect, it, vi } from 'vitest';
import { noWorkerFor } from './etl.js';

describe('noWorkerFor', () => {
  afterEach(() => vi.useRealTimers());

  it('answers true once no worker has served the queue for the whole delay', () => {
    vi.useFakeTimers();
    const lonely = noWorkerFor(10_000);
    expect(lonely(0)).toBe(false);
    vi.advanceTimersByTime(9_999);
    expect(lonely(0)).toBe(false);
    vi.advanceTimersByTime(1);
    expect(lonely(0)).toBe(true);
  });

  it('starts again when a worker shows up, and is not moved by an unknown count', () => {
    vi.useFakeTimers();
    const lonely = noWorkerFor(10_000);
    lonely(0);
    vi.advanceTimersByTime(8_000);
    expect(lonely(undefined)).toBe(false);
    vi.advanceTimersByTime(2_000);
    expect(lonely(0)).toBe(true);
    expect(lonely(2)).toBe(false);
    vi.advanceTimersByTime(10_000);
    expect(lonely(0)).toBe(false);
  });
});
