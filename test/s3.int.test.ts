import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createTestContext, type TestContext } from './helpers/context.js';
import { listObjects } from '../shared/s3.js';

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
