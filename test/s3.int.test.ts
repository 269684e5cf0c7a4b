import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestContext, type TestContext } from './helpers/context.js';
import { startFaultProxy, type FaultProxy } from './helpers/fault-proxy.js';
import { createS3, getObjectBytes, getObjectStream, listObjects, S3BodyStalledError } from '../shared/s3.js';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});

afterAll(async () => {
  await ctx?.cleanup();
});

describe('S3 listing', () => {
  it('follows continuation tokens past 1,000 keys, in key order', async () => {
    const keys = Array.from({ length: 1_050 }, (_, i) => `many/page-${String(i).padStart(5, '0')}.json`);
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(
        keys
          .slice(i, i + 50)
          .map((Key) => ctx.s3.send(new PutObjectCommand({ Bucket: ctx.config.S3_BUCKET, Key, Body: '{}' }))),
      );
    }
    await ctx.s3.send(
      new PutObjectCommand({ Bucket: ctx.config.S3_BUCKET, Key: 'other/x.json', Body: '{}' }),
    );
    const listed: string[] = [];
    for await (const o of listObjects(ctx.s3, ctx.config.S3_BUCKET, 'many/')) listed.push(o.Key!);
    expect(listed).toEqual(keys);
  });
});

describe('a body that stops coming after its headers', () => {
  // large enough that most of it is still on the server when the link stalls
  const SIZE = 48 * 1024 * 1024;
  const key = 'stall/big.json';
  let proxy: FaultProxy;
  let s3: ReturnType<typeof createS3>;

  beforeAll(async () => {
    await ctx.s3.send(
      new PutObjectCommand({ Bucket: ctx.config.S3_BUCKET, Key: key, Body: Buffer.alloc(SIZE, 0x20) }),
    );
    const endpoint = new URL(ctx.config.S3_ENDPOINT);
    proxy = await startFaultProxy({ host: '127.0.0.1', port: Number(endpoint.port) });
    s3 = createS3({
      ...ctx.config,
      S3_ENDPOINT: proxy.via(ctx.config.S3_ENDPOINT),
      S3_REQUEST_TIMEOUT_MS: 1_000,
      S3_MAX_ATTEMPTS: 1,
    });
  });

  afterAll(async () => {
    proxy?.heal();
    s3?.destroy();
    await proxy?.close();
  });

  it('fails within the request timeout, naming the object, streamed or read whole', async () => {
    const stream = await getObjectStream(s3, ctx.config.S3_BUCKET, key);
    const started = Date.now();
    let got = 0;
    const reading = (async () => {
      for await (const chunk of stream) {
        got += (chunk as Buffer).length;
        proxy.stall();
      }
    })();
    await expect(reading).rejects.toThrow(S3BodyStalledError);
    await expect(reading).rejects.toThrow(
      `s3://${ctx.config.S3_BUCKET}/${key}: no bytes of its body for 1000 ms`,
    );
    expect(got).toBeGreaterThan(0);
    expect(got).toBeLessThan(SIZE);
    expect(Date.now() - started).toBeLessThan(20_000);
    proxy.heal();

    // read whole (transform's GET of a page): the same deadline
    const whole = getObjectBytes(s3, ctx.config.S3_BUCKET, key);
    setTimeout(() => proxy.stall(), 50);
    await expect(whole).rejects.toThrow(S3BodyStalledError);
    proxy.heal();
  });

  it('does not count the time the reader itself pauses', async () => {
    const stream = await getObjectStream(s3, ctx.config.S3_BUCKET, key);
    let got = 0;
    let paused = false;
    for await (const chunk of stream) {
      got += (chunk as Buffer).length;
      if (!paused) {
        paused = true;
        // the reader busy for 2.5 x the deadline (extract waiting for room in the queues)
        await sleep(2_500);
      }
    }
    expect(got).toBe(SIZE);
  });
});
