import { describe, expect, it, vi } from 'vitest';
import { createUrlChecker } from './url-check.js';

type Call = { url: string; method: string };

/** A fetch answering from a table, recording calls and the concurrency per host. */
function fakeFetch(answer: (call: Call) => number | Error) {
  const calls: Call[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  // the checker always passes the URL as a string
  const impl = async (input: string, init?: RequestInit): Promise<Response> => {
    const call = { url: input, method: init?.method ?? 'GET' };
    calls.push(call);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      // let other checks start before this one answers
      await new Promise((resolve) => setImmediate(resolve));
      const a = answer(call);
      if (a instanceof Error) throw a;
      return new Response(call.method === 'HEAD' ? null : 'body', { status: a });
    } finally {
      inFlight -= 1;
    }
  };
  return { impl: impl as typeof fetch, calls, max: () => maxInFlight };
}

const base = { timeoutMs: 1_000, rps: 10_000, perHost: 2 };

describe('createUrlChecker', () => {
  it('answers ok for 2xx, not ok with the status otherwise', async () => {
    const f = fakeFetch((c) => (c.url.endsWith('/ok') ? 200 : 404));
    const checker = createUrlChecker({ ...base, fetchImpl: f.impl });
    expect(await checker.check('http://h.test/ok')).toEqual({ ok: true, status: 200 });
    expect(await checker.check('http://h.test/missing')).toEqual({
      ok: false,
      status: 404,
      error: 'HTTP 404',
    });
    expect(f.calls.every((c) => c.method === 'HEAD')).toBe(true);
  });

  it('falls back to GET when HEAD is refused (405, 501) or fails on the network', async () => {
    const f = fakeFetch((c) => {
      if (c.method === 'GET') return 200;
      if (c.url.endsWith('/405')) return 405;
      if (c.url.endsWith('/501')) return 501;
      return Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });
    });
    const checker = createUrlChecker({ ...base, fetchImpl: f.impl });
    for (const path of ['/405', '/501', '/reset']) {
      expect(await checker.check(`http://h.test${path}`)).toEqual({ ok: true, status: 200 });
    }
    expect(f.calls.map((c) => c.method)).toEqual(['HEAD', 'GET', 'HEAD', 'GET', 'HEAD', 'GET']);
  });

  it('reports the network error when GET fails too', async () => {
    const f = fakeFetch(() =>
      Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }),
    );
    const checker = createUrlChecker({ ...base, fetchImpl: f.impl });
    expect(await checker.check('http://h.test/x')).toEqual({
      ok: false,
      status: null,
      error: 'ECONNREFUSED',
    });
  });

  it('does not retry a HEAD that timed out', async () => {
    const f = fakeFetch(() => Object.assign(new Error('timed out'), { name: 'TimeoutError' }));
    const checker = createUrlChecker({ ...base, fetchImpl: f.impl });
    expect(await checker.check('http://h.test/slow')).toEqual({ ok: false, status: null, error: 'timeout' });
    expect(f.calls).toHaveLength(1);
  });

  it('checks each URL once, even when asked concurrently', async () => {
    const f = fakeFetch(() => 200);
    const checker = createUrlChecker({ ...base, fetchImpl: f.impl });
    const results = await Promise.all([1, 2, 3].map(() => checker.check('http://h.test/same')));
    expect(results.every((r) => r.ok)).toBe(true);
    await checker.check('http://h.test/same');
    expect(f.calls).toHaveLength(1);
  });

  it('never has more than perHost requests in flight to one host', async () => {
    const f = fakeFetch(() => 200);
    const checker = createUrlChecker({ ...base, perHost: 2, fetchImpl: f.impl });
    await Promise.all(Array.from({ length: 8 }, (_, i) => checker.check(`http://one.test/${i}`)));
    expect(f.calls).toHaveLength(8);
    expect(f.max()).toBe(2);
  });

  it('lets different hosts proceed in parallel', async () => {
    // every request waits until all four are in flight: this only completes if no host blocks another
    let release!: () => void;
    const allIn = new Promise<void>((resolve) => (release = resolve));
    let started = 0;
    const impl = (async () => {
      if (++started === 4) release();
      await allIn;
      return new Response(null, { status: 200 });
    }) as typeof fetch;
    const checker = createUrlChecker({ ...base, perHost: 1, fetchImpl: impl });
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) => checker.check(`http://h${i}.test/`)),
    );
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it('spaces request starts 1/rps apart, across hosts (fake clock)', async () => {
    vi.useFakeTimers();
    try {
      const starts: string[] = [];
      const impl = ((input: string) => {
        starts.push(input);
        return Promise.resolve(new Response(null, { status: 200 }));
      }) as typeof fetch;
      const checker = createUrlChecker({ ...base, rps: 1, perHost: 5, fetchImpl: impl });
      const all = Promise.all(['a', 'b', 'c'].map((h) => checker.check(`http://${h}.test/`)));
      await vi.advanceTimersByTimeAsync(0);
      expect(starts).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(starts).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(starts).toHaveLength(3);
      await all;
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects what it cannot fetch without a request', async () => {
    const f = fakeFetch(() => 200);
    const checker = createUrlChecker({ ...base, fetchImpl: f.impl });
    expect(await checker.check('not a url')).toEqual({ ok: false, status: null, error: 'invalid URL' });
    expect(await checker.check('ftp://h.test/file')).toEqual({
      ok: false,
      status: null,
      error: 'unsupported scheme ftp:',
    });
    expect(f.calls).toHaveLength(0);
  });

  it('validates its options', () => {
    expect(() => createUrlChecker({ ...base, rps: 0 })).toThrow(RangeError);
    expect(() => createUrlChecker({ ...base, perHost: 0 })).toThrow(RangeError);
  });
});
