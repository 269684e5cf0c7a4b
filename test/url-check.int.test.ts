import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUrlChecker } from '../workers/transform/url-check.js';

/** A local server: 200, 301 -> 200, 404, 500, a HEAD-refusing route, and one that never answers. */
let server: Server;
let origin: string;
const hits: string[] = [];

function handle(req: IncomingMessage, res: ServerResponse): void {
  hits.push(`${req.method} ${req.url}`);
  switch (req.url) {
    case '/ok':
      res
        .writeHead(200, { 'content-type': 'text/csv' })
        .end(req.method === 'HEAD' ? undefined : 'a,b\n1,2\n');
      return;
    case '/moved':
      res.writeHead(301, { location: '/ok' }).end();
      return;
    case '/missing':
      res.writeHead(404).end();
      return;
    case '/broken':
      res.writeHead(500).end();
      return;
    case '/no-head':
      if (req.method === 'HEAD') res.writeHead(405, { allow: 'GET' }).end();
      else res.writeHead(200).end('ok');
      return;
    case '/hang':
      return; // never answers
    default:
      res.writeHead(404).end();
  }
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
});

describe('URL checks against a real HTTP server', () => {
  const checker = () => createUrlChecker({ timeoutMs: 300, rps: 50, perHost: 2 });

  it('200 is ok, with a single HEAD', async () => {
    hits.length = 0;
    expect(await checker().check(`${origin}/ok`)).toEqual({ ok: true, status: 200 });
    expect(hits).toEqual(['HEAD /ok']);
  });

  it('301 -> 200 follows the redirect', async () => {
    hits.length = 0;
    expect(await checker().check(`${origin}/moved`)).toEqual({ ok: true, status: 200 });
    expect(hits).toEqual(['HEAD /moved', 'HEAD /ok']);
  });

  it('404 and 500 are not ok, with their status', async () => {
    const c = checker();
    expect(await c.check(`${origin}/missing`)).toEqual({ ok: false, status: 404, error: 'HTTP 404' });
    expect(await c.check(`${origin}/broken`)).toEqual({ ok: false, status: 500, error: 'HTTP 500' });
  });

  it('405 on HEAD falls back to GET', async () => {
    hits.length = 0;
    expect(await checker().check(`${origin}/no-head`)).toEqual({ ok: true, status: 200 });
    expect(hits).toEqual(['HEAD /no-head', 'GET /no-head']);
  });

  it('a server that never answers times out', async () => {
    expect(await checker().check(`${origin}/hang`)).toEqual({ ok: false, status: null, error: 'timeout' });
  });

  it('a closed port is a network error, after a GET retry', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await checker().check(`http://127.0.0.1:${port}/`)).toEqual({
      ok: false,
      status: null,
      error: 'ECONNREFUSED',
    });
  });

  it('caches per URL within one checker, a new checker asks again', async () => {
    hits.length = 0;
    const c = checker();
    await Promise.all([c.check(`${origin}/ok`), c.check(`${origin}/ok`), c.check(`${origin}/missing`)]);
    await c.check(`${origin}/ok`);
    expect(hits.sort()).toEqual(['HEAD /missing', 'HEAD /ok']);
    await checker().check(`${origin}/ok`);
    expect(hits).toHaveLength(3);
  });
});
