import { createRequire } from 'node:module';
import type { BinaryLike, CipherKey } from 'node:crypto';
import type { TransformOptions } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// the CommonJS module object, the one s3rver's require('crypto') sees
const crypto = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');

/** An in-process S3-compatible server (s3rver) for the demo and the tests; data in a temp folder. */
export interface EmbeddedS3 {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  close(): Promise<void>;
}

/**
 * s3rver encrypts its ListObjectsV2 continuation tokens with single DES, which OpenSSL 3 (Node 17+)
 * only has in its legacy provider: any listing of more than 1,000 keys then fails with a 500.
 * Triple DES with the key repeated three times is single DES, and is in the default provider, so
 * 'des' calls are mapped to it. Only the embedded test/demo server needs this.
 */
let desPatched = false;
function patchDesForS3rver(): void {
  if (desPatched) return;
  desPatched = true;
  const asTripleDes = (algorithm: string, key: CipherKey): [string, CipherKey] =>
    algorithm.toLowerCase() === 'des' && Buffer.isBuffer(key) && key.length === 8
      ? ['des-ede3-cbc', Buffer.concat([key, key, key])]
      : [algorithm, key];
  const { createCipheriv, createDecipheriv } = crypto;
  const c = crypto as { createCipheriv: typeof createCipheriv; createDecipheriv: typeof createDecipheriv };
  c.createCipheriv = ((
    algorithm: string,
    key: CipherKey,
    iv: BinaryLike | null,
    options?: TransformOptions,
  ) => createCipheriv(...asTripleDes(algorithm, key), iv, options)) as typeof createCipheriv;
  c.createDecipheriv = ((
    algorithm: string,
    key: CipherKey,
    iv: BinaryLike | null,
    options?: TransformOptions,
  ) => createDecipheriv(...asTripleDes(algorithm, key), iv, options)) as typeof createDecipheriv;
}

export async function startEmbeddedS3(port = 0): Promise<EmbeddedS3> {
  patchDesForS3rver();
  // loaded lazily: production never needs it
  const { default: S3rver } = await import('s3rver');
  const directory = await mkdtemp(join(tmpdir(), 'dcat-quality-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port, silent: true, directory });
  const { port: bound } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${bound}`,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
