import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedS3, type EmbeddedS3 } from '../embedded-s3.js';
import { createS3, ensureBucket, getObjectStream, listObjects } from '../../shared/s3.js';
import { generateDump, readBody, writeDumpToS3 } from './generate.js';

async function objectBytes(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of await getObjectStream(s3, bucket, key)) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

async function sizes(s3: S3Client, bucket: string, prefix: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for await (const o of listObjects(s3, bucket, prefix)) out.set(o.Key ?? '', o.Size ?? 0);
  return out;
}

describe('writeDumpToS3 (embedded S3)', () => {
  const bucket = 'gen-test';
  let server: EmbeddedS3;
  let s3: S3Client;

  beforeAll(async () => {
    server = await startEmbeddedS3();
    s3 = createS3({
      S3_ENDPOINT: server.endpoint,
      S3_REGION: 'us-east-1',
      S3_ACCESS_KEY_ID: server.accessKeyId,
      S3_SECRET_ACCESS_KEY: server.secretAccessKey,
      S3_FORCE_PATH_STYLE: true,
    });
    await ensureBucket(s3, bucket);
  });
  afterAll(async () => {
    s3.destroy();
    await server.close();
  });

  it('uploads the pages under the prefix, the same bytes as generated, and cleans stale ones', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'dump/page-0042.json', Body: '{}' }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'dump/README.txt', Body: 'kept' }));
    const opts = { datasets: 300, pages: 5, gzip: true };
    const summary = await writeDumpToS3(s3, bucket, 'dump/', opts, { clean: true, concurrency: 2 });
    const stored = await sizes(s3, bucket, 'dump/');
    expect([...stored.keys()].sort()).toEqual(['dump/README.txt', ...summary.keys.map((k) => `dump/${k}`)]);
    let total = 0;
    for (const key of summary.keys) total += stored.get(`dump/${key}`) ?? 0;
    expect(summary.bytes).toBe(total);
    for await (const file of generateDump(opts)) {
      const body = await objectBytes(s3, bucket, `dump/${file.key}`);
      expect(body.equals(await readBody(file))).toBe(true);
    }
  });

  it('streams the single file as a multipart upload', async () => {
    // ~10 MB: more than one 8 MB part
    const opts = { datasets: 800, pages: 1, single: true };
    const summary = await writeDumpToS3(s3, bucket, 'single/', opts);
    expect(summary.bytes).toBeGreaterThan(8 * 1024 * 1024);
    const body = await objectBytes(s3, bucket, 'single/catalog.json');
    expect(body.length).toBe(summary.bytes);
    const doc = JSON.parse(body.toString('utf8')) as { '@graph': { '@type'?: unknown }[] };
    const datasets = doc['@graph'].filter((n) =>
      ([] as unknown[]).concat(n['@type']).includes('dcat:Dataset'),
    );
    expect(datasets).toHaveLength(800);

    const zipped = await writeDumpToS3(s3, bucket, 'single/', { ...opts, gzip: true });
    const gz = await objectBytes(s3, bucket, 'single/catalog.json.gz');
    expect(gz.length).toBe(zipped.bytes);
    expect(gunzipSync(gz).equals(body)).toBe(true);
  });
});
