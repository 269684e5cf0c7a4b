import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { DatasetRecord } from '../../shared/record.js';
import { generateDump } from '../../tools/synthetic/generate.js';
import {
  chunkSpans,
  decodeElementChunk,
  encodeElementChunk,
  isElementChunk,
  mergedRangeReader,
  parseElementChunk,
} from './element-chunk.js';
import { readDatasetRecords, readSourcedRecords, type ObjectSource } from './read-object.js';
import { newResolverStats } from './resolver.js';

/** An in-memory object, served in small pieces (element offsets must not depend on the chunking). */
function object(key: string, bytes: Buffer): ObjectSource {
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 4093) pieces.push(bytes.subarray(i, i + 4093));
  return { key, open: () => Promise.resolve(Readable.from(pieces)) };
}

async function collect(gen: AsyncIterable<DatasetRecord>): Promise<DatasetRecord[]> {
  const out: DatasetRecord[] = [];
  for await (const r of gen) out.push(r);
  return out;
}

/** Records with their nodes in order (a Map compares by content only). */
const ordered = (rs: DatasetRecord[]) => rs.map((r) => ({ ...r, nodes: [...r.nodes.entries()] }));

/**
 * What transform gets back from the chunks extract would spill: the object read with
 * readSourcedRecords, cut in chunks of `size`, each encoded then decoded (ranged reads from `stored`).
 */
async function roundTrip(key: string, stored: Buffer, opts: { size: number; maxNodes?: number }) {
  const read = readSourcedRecords(object(key, stored), {
    ...(opts.maxNodes ? { maxNodes: opts.maxNodes } : {}),
  });
  const sourced = await collect(read.records);
  const out: DatasetRecord[] = [];
  let ranges = 0;
  let spilled = 0;
  for (let i = 0; i < sourced.length; i += opts.size) {
    const text = encodeElementChunk(read.context(), sourced.slice(i, i + opts.size));
    expect(isElementChunk(text)).toBe(true);
    spilled += text.length;
    out.push(
      ...(await decodeElementChunk(`c${i}`, text, (start, end) => {
        ranges++;
        return Promise.resolve(stored.subarray(start, end));
      })),
    );
  }
  return { records: out, ranges, spilled };
}

async function singleFile(datasets: number, gzip = false): Promise<Buffer> {
  for await (const f of generateDump({ datasets, pages: 3, seed: 11, single: true, gzip })) {
    const parts: Buffer[] = [];
    for await (const b of f.body as AsyncIterable<Buffer>) parts.push(b);
    return Buffer.concat(parts);
  }
  throw new Error('no file generated');
}

describe('element chunks', () => {
  it('give back the records the streaming resolver reads, node for node, reading the elements by ranges', async () => {
    const body = await singleFile(450);
    const full = await collect(readDatasetRecords(object('catalog.json', body)));
    const trip = await roundTrip('catalog.json', body, { size: 50 });
    expect(trip.records.length).toBe(450);
    expect(ordered(trip.records)).toEqual(ordered(full));
    // most elements are read again from the object: the chunks are a small part of it
    expect(trip.ranges).toBeGreaterThanOrEqual(9);
    expect(trip.spilled).toBeLessThan(body.length / 3);
  });

  it('carry the element texts of a gzipped object, and of datasets resolved by a re-read', async () => {
    const body = await singleFile(300, true);
    const full = await collect(readDatasetRecords(object('catalog.json.gz', body)));
    const trip = await roundTrip('catalog.json.gz', body, { size: 40 });
    expect(trip.ranges).toBe(0);
    expect(ordered(trip.records)).toEqual(ordered(full));

    // under a tight node bound, datasets are deferred and resolved by re-reading the object
    const plain = await singleFile(300);
    const stats = newResolverStats();
    const bounded = await collect(
      readDatasetRecords(object('catalog.json', plain), { maxNodes: 400, stats }),
    );
    expect(stats.deferred).toBeGreaterThan(0);
    const tight = await roundTrip('catalog.json', plain, { size: 40, maxNodes: 400 });
    expect(ordered(tight.records)).toEqual(ordered(bounded));
  });

  it('merge a node described in several elements, with embedded nodes and a context after the graph', async () => {
    const ex = 'https://ex.gouv.fr/';
    const doc = {
      '@graph': [
        {
          '@id': `${ex}d/1`,
          '@type': 'dcat:Dataset',
          'dct:title': { '@value': 'Un « jeu »', '@language': 'fr' },
          'dcat:distribution': { '@id': '_:dist' },
          'dcat:contactPoint': { 'vcard:fn': 'Service embarqué' },
          'dct:publisher': { '@id': `${ex}org/1` },
        },
        { '@id': '_:dist', '@type': 'dcat:Distribution', 'dct:title': 'CSV' },
        { '@id': '_:dist', 'dcat:accessURL': { '@id': `${ex}files/1.csv` } },
        { '@id': `${ex}org/1`, 'foaf:name': 'DDT' },
        { '@id': `${ex}org/1`, '@type': 'foaf:Organization' },
        { '@id': `${ex}d/2`, '@type': 'dcat:Dataset', 'dct:publisher': { '@id': `${ex}org/1` } },
      ],
      '@context': {
        dcat: 'http://www.w3.org/ns/dcat#',
        dct: 'http://purl.org/dc/terms/',
        foaf: 'http://xmlns.com/foaf/0.1/',
        vcard: 'http://www.w3.org/2006/vcard/ns#',
      },
    };
    const body = Buffer.from(JSON.stringify(doc, null, 1));
    const full = await collect(readDatasetRecords(object('p.json', body)));
    for (const size of [1, 2]) {
      const trip = await roundTrip('p.json', body, { size });
      expect(ordered(trip.records)).toEqual(ordered(full));
    }
    expect(full[0]!.nodes.get('_:dist')!.p['dcat:accessURL']).toEqual([{ id: `${ex}files/1.csv` }]);
    // a document that is one node (no @graph) has no element text as such: it is carried whole
    const one = Buffer.from(JSON.stringify({ '@context': doc['@context'], ...doc['@graph'][0] }));
    const single = await roundTrip('one.json', one, { size: 1 });
    expect(ordered(single.records)).toEqual(
      ordered(await collect(readDatasetRecords(object('one.json', one)))),
    );
  });

  it('refuses a span that comes back short, naming the chunk', async () => {
    const body = await singleFile(120);
    const read = readSourcedRecords(object('catalog.json', body));
    const records = await collect(read.records);
    const text = encodeElementChunk(read.context(), records);
    await expect(
      decodeElementChunk('runs/run1-x/o0c0.records.json.gz', text, (start, end) =>
        Promise.resolve(body.subarray(start, end - 1)),
      ),
    ).rejects.toThrow(/^runs\/run1-x\/o0c0\.records\.json\.gz: bytes \d+-\d+ of the object came back short/);
  });
});

describe('gzip', () => {
  it('is told by its magic bytes too', async () => {
    const doc = { '@graph': [{ '@id': 'https://x/d/1', '@type': 'http://www.w3.org/ns/dcat#Dataset' }] };
    const gz = gzipSync(JSON.stringify(doc));
    const trip = await roundTrip('d.json', gz, { size: 1 });
    expect(trip.ranges).toBe(0);
    expect(trip.records.map((r) => r.uri)).toEqual(['https://x/d/1']);
  });
});

describe('mergedRangeReader', () => {
  const bytes = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
  const counting = (of: Buffer = bytes) => {
    const reads: [number, number][] = [];
    return {
      reads,
      read: (start: number, end: number) => {
        reads.push([start, end]);
        return Promise.resolve(of.subarray(start, end));
      },
    };
  };

  it('reads spans close together in one GET up to maxBytes, and cuts each span from it', async () => {
    const spans = [
      { start: 0, end: 10 },
      { start: 10, end: 20 },
      { start: 100, end: 110 },
      // too far from the others (over SPAN_GAP)
      { start: 200_000, end: 200_010 },
      // close, but the read would exceed maxBytes
      { start: 200_100, end: 200_300 },
    ];
    const { reads, read } = counting();
    const reader = mergedRangeReader(spans, read, 250);
    for (const s of spans) expect(await reader(s.start, s.end)).toEqual(bytes.subarray(s.start, s.end));
    expect(reads).toEqual([
      [0, 110],
      [200_000, 200_010],
      [200_100, 200_300],
    ]);
    // a span not planned, or served already: read alone
    expect(await reader(5, 15)).toEqual(bytes.subarray(5, 15));
    expect(await reader(10, 20)).toEqual(bytes.subarray(10, 20));
    expect(reads.slice(3)).toEqual([
      [5, 15],
      [10, 20],
    ]);
  });

  it('gives a short span when the object answers short, so that the chunk names it', async () => {
    const reader = mergedRangeReader(
      [
        { start: 0, end: 10 },
        { start: 10, end: 20 },
      ],
      (start, end) => Promise.resolve(bytes.subarray(start, Math.min(end, 15))),
      100,
    );
    expect((await reader(0, 10)).length).toBe(10);
    expect((await reader(10, 20)).length).toBe(5);
  });

  it('serves the chunks of one job with fewer GETs, the same records out', async () => {
    const body = await singleFile(60);
    const read = readSourcedRecords(object('one.json', body));
    const records: DatasetRecord[] = [];
    for await (const r of read.records) records.push(r);
    const texts = [0, 20, 40].map((i) => encodeElementChunk(read.context(), records.slice(i, i + 20)));
    const alone = counting(body);
    const one: DatasetRecord[] = [];
    for (const [k, t] of texts.entries()) one.push(...(await decodeElementChunk(`c${k}`, t, alone.read)));
    const parsed = texts.map(parseElementChunk);
    const merged = counting(body);
    const reader = mergedRangeReader(parsed.flatMap(chunkSpans), merged.read, 8 << 20);
    const together: DatasetRecord[] = [];
    for (const [k, c] of parsed.entries()) together.push(...(await decodeElementChunk(`c${k}`, c, reader)));
    expect(together).toEqual(one);
    expect(together.map((r) => r.uri)).toEqual(records.map((r) => r.uri));
    expect(alone.reads.length).toBeGreaterThanOrEqual(3);
    expect(merged.reads.length).toBe(1);
  });
});
