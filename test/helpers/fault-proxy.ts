import net from 'node:net';

/**
 * A TCP proxy a test puts between the workers and one service (PostgreSQL, Redis, S3), to cut or
 * stall the link without touching the shared service: `cut()` drops every connection and refuses
 * new ones, `stall()` keeps them open but forwards nothing (a hung network), `heal()` goes back
 * to forwarding. Listens on 127.0.0.1 only.
 */
export interface FaultProxy {
  port: number;
  /** `url` with its host and port replaced by the proxy's. */
  via(url: string): string;
  cut(): void;
  stall(): void;
  heal(): void;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  let state: 'ok' | 'cut' | 'stalled' = 'ok';
  let accepted = 0;
  const pairs = new Set<[net.Socket, net.Socket]>();
  const server = net.createServer((client) => {
    accepted++;
    if (state === 'cut') {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
    if (state === 'stalled') {
      client.pause();
      upstream.pause();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const proxy: FaultProxy = {
    port,
    via(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
    },
    cut() {
      state = 'cut';
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      pairs.clear();
    },
    stall() {
      state = 'stalled';
      for (const [a, b] of pairs) {
        a.pause();
        b.pause();
      }
    },
    heal() {
      state = 'ok';
      for (const [a, b] of pairs) {
        a.resume();
        b.resume();
      }
    },
    connections: () => accepted,
    async close() {
      proxy.cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
