/**
 * Optional URL checks (URL_CHECKS=on) for the MQA access/download URL status and udata's
 * "all resources available": HEAD, falling back to GET when the server refuses HEAD (405/501)
 * or the HEAD fails at the network level; redirects followed; every request bounded by a
 * timeout, a global rate limit and a per-host concurrency limit; one answer per URL per checker.
 */

/** The outcome of one URL: `ok` when the final answer (after redirects) is 2xx. */
export interface UrlCheckResult {
  ok: boolean;
  /** Final HTTP status, or null when no answer came (timeout, refused, bad URL). */
  status: number | null;
  error?: string;
}

export interface UrlChecker {
  /** Checks a URL once; later calls for the same URL share the first answer. */
  check(url: string): Promise<UrlCheckResult>;
}

export interface UrlCheckerOptions {
  /** Timeout of each request (HEAD and GET separately), in ms. */
  timeoutMs: number;
  /** Global limit of requests started per second. */
  rps: number;
  /** Requests in flight to one host at most. */
  perHost: number;
  /** Tests: a fetch to use instead of the global one. */
  fetchImpl?: typeof fetch;
  userAgent?: string;
}

/** A counting semaphore: `run` waits for a free slot. */
class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly max: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active += 1;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      // hand the slot straight to the next waiter, so a newcomer cannot overtake it
      if (next) next();
      else this.active -= 1;
    }
  }

  get idle(): boolean {
    return this.active === 0 && this.waiting.length === 0;
  }
}

/** Spaces request starts `1000 / rps` ms apart, whatever the number of callers. */
function createRateGate(rps: number): () => Promise<void> {
  const interval = 1000 / rps;
  let next = 0;
  return async () => {
    const now = Date.now();
    const at = Math.max(now, next);
    next = at + interval;
    // timers have 1 ms granularity: below that, let the debt accumulate in `next` instead
    if (at - now >= 1) await new Promise((resolve) => setTimeout(resolve, at - now));
  };
}

type Attempt = { response: Response } | { timeout: true } | { error: string };

function describe(err: unknown): string {
  const e = err as { cause?: { code?: string; message?: string }; message?: string };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}

/** Creates a checker; use one per run (its cache lives as long as it does). */
export function createUrlChecker(opts: UrlCheckerOptions): UrlChecker {
  if (!(opts.timeoutMs > 0) || !(opts.rps > 0) || !(opts.perHost >= 1)) {
    throw new RangeError('createUrlChecker: timeoutMs, rps and perHost must be positive');
  }
  const fetchImpl = opts.fetchImpl ?? fetch;
  const gate = createRateGate(opts.rps);
  const hosts = new Map<string, Limiter>();
  const cache = new Map<string, Promise<UrlCheckResult>>();
  const headers = { 'user-agent': opts.userAgent ?? 'dcat-quality url-check' };

  async function attempt(url: string, method: 'HEAD' | 'GET'): Promise<Attempt> {
    await gate();
    try {
      const response = await fetchImpl(url, {
        method,
        redirect: 'follow',
        headers,
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
      // only the status matters: do not download the body
      await response.body?.cancel().catch(() => undefined);
      return { response };
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (name === 'TimeoutError' || name === 'AbortError') return { timeout: true };
      return { error: describe(err) };
    }
  }

  function result(a: Attempt): UrlCheckResult {
    if ('response' in a) {
      const status = a.response.status;
      return status >= 200 && status < 300
        ? { ok: true, status }
        : { ok: false, status, error: `HTTP ${status}` };
    }
    return 'timeout' in a
      ? { ok: false, status: null, error: 'timeout' }
      : { ok: false, status: null, error: a.error };
  }

  async function run(url: string): Promise<UrlCheckResult> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return { ok: false, status: null, error: 'invalid URL' };
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      return { ok: false, status: null, error: `unsupported scheme ${parsed.protocol}` };
    }
    const host = parsed.host.toLowerCase();
    let limiter = hosts.get(host);
    if (!limiter) hosts.set(host, (limiter = new Limiter(opts.perHost)));
    try {
      return await limiter.run(async () => {
        const head = await attempt(parsed.href, 'HEAD');
        const refused = 'response' in head && (head.response.status === 405 || head.response.status === 501);
        // a timed-out HEAD is not retried: a second wait of timeoutMs would rarely change the answer
        if (refused || 'error' in head) return result(await attempt(parsed.href, 'GET'));
        return result(head);
      });
    } finally {
      if (limiter.idle) hosts.delete(host);
    }
  }

  return {
    check(url: string): Promise<UrlCheckResult> {
      const key = url.trim();
      let pending = cache.get(key);
      if (!pending) {
        pending = run(key);
        cache.set(key, pending);
      }
      return pending;
    },
  };
}
