import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { generateDump } from '../../tools/synthetic/generate.js';
import type { DatasetRecord } from '../../shared/record.js';
import { InputError } from './input-error.js';
import { readDatasetRecords } from './read-object.js';
import { readWholeObject } from './whole-object.js';

const MAX = 64 * 1024 * 1024;

async function streamed(key: string, body: Buffer): Promise<DatasetRecord[]> {
  const out: DatasetRecord[] = [];
  for await (const r of readDatasetRecords({ key, open: () => Promise.resolve(Readable.from([body])) }))
    out.push(r);
  return out;
}

/** Records as plain JSON (the resolver's prototype-less node maps compare like objects). */
const plain = (records: DatasetRecord[]) => JSON.parse(JSON.stringify(records)) as unknown;

async function caught(p: Promise<unknown>): Promise<InputError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('expected an InputError');
}

describe('readWholeObject', () => {
  it('resolves a page exactly as the streaming resolver does', async () => {
    let pages = 0;
    for await (const f of generateDump({ datasets: 180, pages: 3, seed: 7 })) {
      const body = f.body as Buffer;
      const whole = await readWholeObject(f.key, body, { maxBytes: MAX });
      expect(whole.hasGraph).toBe(true);
      expect(whole.records.length).toBeGreaterThan(50);
      expect(plain(whole.records)).toEqual(plain(await streamed(f.key, body)));
      pages++;
    }
    expect(pages).toBe(3);
  });

  it('reads gzip by its magic bytes, and refuses more than maxBytes once decompressed', async () => {
    const doc = {
      '@context': { dcat: 'http://www.w3.org/ns/dcat#', dct: 'http://purl.org/dc/terms/' },
      '@graph': [{ '@id': 'https://x/d/1', '@type': 'dcat:Dataset', 'dct:title': 'un' }],
    };
    const gz = gzipSync(JSON.stringify(doc));
    const read = await readWholeObject('p.json', gz, { maxBytes: MAX });
    expect(read.records.map((r) => r.uri)).toEqual(['https://x/d/1']);
    const err = await caught(readWholeObject('p.json', gz, { maxBytes: 20 }));
    expect(err.message).toMatch(
      /^p\.json: object too large to read whole: .*WHOLE_OBJECT_MAX_BYTES \(20 bytes\)/,
    );
  });

  it('names the key, byte, line and column of invalid JSON', async () => {
    const body = Buffer.from(
      '{"@graph": [\n  {"@id": "https://x/d/1", "@type": "http://www.w3.org/ns/dcat#Dataset"},\n  {"@id": ',
    );
    const err = await caught(readWholeObject('dcat/page-0042.json', body, { maxBytes: MAX }));
    expect(err.message).toMatch(/^dcat\/page-0042\.json: invalid JSON at byte \d+ \(line 3, column \d+\)/);
  });

  it('says when a document has no @graph, and keeps a single node document readable', async () => {
    const errorBody = await readWholeObject('e.json', Buffer.from('{"error": "Bad Gateway"}'), {
      maxBytes: MAX,
    });
    expect(errorBody).toMatchObject({ hasGraph: false, records: [] });
    const one = await readWholeObject(
      'one.json',
      Buffer.from(JSON.stringify({ '@id': 'https://x/d/2', '@type': 'http://www.w3.org/ns/dcat#Dataset' })),
      { maxBytes: MAX },
    );
    expect(one.records.map((r) => r.uri)).toEqual(['https://x/d/2']);
    const scalar = await caught(readWholeObject('s.json', Buffer.from('42'), { maxBytes: MAX }));
    expect(scalar.message).toMatch(/^s\.json: unexpected JSON-LD shape: .*not an object or an array/);
  });

  it('refuses nesting deeper than the reader follows as bad input, naming the key and element, both ways', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const body = Buffer.from(
      `{"@graph": [{"@id": "https://x/d/9", "@type": "http://www.w3.org/ns/dcat#Dataset", "http://purl.org/dc/terms/title": ${deep}}]}`,
    );
    const whole = await caught(readWholeObject('deep.json', body, { maxBytes: MAX }));
    expect(whole.message).toMatch(/^deep\.json: nesting too deep: @graph element 0 /);
    const stream = await caught(streamed('deep.json', body));
    expect(stream.message).toMatch(/^deep\.json: nesting too deep: @graph element 0 /);
  });

  it('lists dangling references to blank nodes and awaited properties, not to vocabulary IRIs', async () => {
    const doc = {
      '@context': { dcat: 'http://www.w3.org/ns/dcat#', dct: 'http://purl.org/dc/terms/' },
      '@graph': [
        {
          '@id': 'https://x/d/3',
          '@type': 'dcat:Dataset',
          'dcat:distribution': { '@id': 'https://x/dist/missing' },
          'dct:rightsHolder': { '@id': '_:nobody' },
          'dcat:theme': { '@id': 'http://inspire.ec.europa.eu/theme/hy' },
          'dcat:contactPoint': { '@id': '_:c' },
        },
        { '@id': '_:c', 'http://www.w3.org/2006/vcard/ns#hasEmail': 'mailto:a@b.fr' },
      ],
    };
    const [record] = (await readWholeObject('d.json', Buffer.from(JSON.stringify(doc)), { maxBytes: MAX }))
      .records;
    expect(record!.dangling).toEqual(['_:nobody', 'https://x/dist/missing']);
    expect([...record!.nodes.keys()].sort()).toEqual(['_:c', 'https://x/d/3']);
  });
});
