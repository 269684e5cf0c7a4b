import { describe, expect, it } from 'vitest';
import { JsonGraphScanner, locateJsonError, readGraph, type GraphEvent } from './graph-reader.js';
import { InputError } from './input-error.js';

function split(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

/** Deterministic pseudo-random chunk sizes (1..max). */
function randomSplit(bytes: Buffer, seed: number, max = 40): Buffer[] {
  const out: Buffer[] = [];
  let s = seed;
  for (let i = 0; i < bytes.length;) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const n = 1 + (s % max);
    out.push(bytes.subarray(i, i + n));
    i += n;
  }
  return out;
}

/**
 * The events without the text and place of each element, once checked: its bytes in the document
 * are its text, and its text parses to its value (whatever the chunking).
 */
function placed(doc: Buffer, events: GraphEvent[]): GraphEvent[] {
  return events.map((ev) => {
    if (ev.kind !== 'node') return ev;
    const { text, offset, length, ...rest } = ev;
    if (offset !== undefined) {
      expect(doc.subarray(offset, offset + length!).toString('utf8')).toBe(text);
      expect(JSON.parse(text!)).toEqual(ev.value);
    }
    return rest;
  });
}

function scan(chunks: Buffer[], key = 'dcat/page.json', skipNodes = false): GraphEvent[] {
  const scanner = new JsonGraphScanner({ key, skipNodes });
  const events: GraphEvent[] = [];
  for (const c of chunks) events.push(...scanner.push(c));
  events.push(...scanner.end());
  return placed(Buffer.concat(chunks), events);
}

function scanError(text: string | Buffer, chunkSize?: number, key = 'dcat/page-0042.json'): InputError {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  try {
    scan(chunkSize ? split(bytes, chunkSize) : [bytes], key);
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('expected an InputError');
}

const tricky = {
  '@context': { dcat: 'http://www.w3.org/ns/dcat#', 'x:y': { '@id': 'http://ex.org/y', '@type': '@id' } },
  '@graph': [
    { '@id': '_:N1', s: 'quote \\" and } ] { [ inside', t: 'back\\slash\\\\', u: 'é€😀 – «» ǅ', n: -1.5e3 },
    {
      '@id': 'https://ex.org/ds',
      '@type': ['dcat:Dataset', 'dcat:DatasetSeries'],
      e: '\\\\"',
      f: ['"', '\\', '\n'],
    },
    [],
    { deep: [[[{ a: [{}] }]]], empty: '' },
  ],
};

describe('JsonGraphScanner', () => {
  const text = JSON.stringify(tricky, null, 2);
  const bytes = Buffer.from(text);
  const expected: GraphEvent[] = [
    { kind: 'context', value: tricky['@context'] },
    { kind: 'graph' },
    ...tricky['@graph'].map((value, index) => ({ kind: 'node' as const, value, index })),
  ];

  it('finds the context and each @graph element', () => {
    expect(scan([bytes])).toEqual(expected);
  });

  it('gives the same events whatever the chunking (1, 7 bytes, random), UTF-8 split included', () => {
    expect(scan(split(bytes, 1))).toEqual(expected);
    expect(scan(split(bytes, 7))).toEqual(expected);
    for (const seed of [1, 2, 3, 42]) expect(scan(randomSplit(bytes, seed))).toEqual(expected);
    const compact = Buffer.from(JSON.stringify(tricky));
    expect(scan(split(compact, 1))).toEqual(expected);
  });

  it('splits a multi-byte character at every position', () => {
    const doc = Buffer.from('{"@graph":[{"a":"€"},{"b":"😀"}]}');
    for (let cut = 1; cut < doc.length; cut++) {
      const events = scan([doc.subarray(0, cut), doc.subarray(cut)]);
      expect(events.slice(1)).toEqual([
        { kind: 'node', value: { a: '€' }, index: 0 },
        { kind: 'node', value: { b: '😀' }, index: 1 },
      ]);
    }
  });

  it('tells when @context comes after @graph', () => {
    const doc = Buffer.from('{"@graph": [{"@id": "a"}], "@context": {"x": "http://x/"}}');
    expect(scan([doc])).toEqual([
      { kind: 'graph' },
      { kind: 'node', value: { '@id': 'a' }, index: 0 },
      { kind: 'context', value: { x: 'http://x/' } },
    ]);
    // the context-only pass parses no node
    expect(scan(split(doc, 3), 'k', true)).toEqual([
      { kind: 'graph' },
      { kind: 'context', value: { x: 'http://x/' } },
    ]);
  });

  it('reads a top-level array, a single node object and a @graph object', () => {
    expect(scan([Buffer.from(' [ {"@id":"a"} , {"@id":"b"} ] ')])).toEqual([
      { kind: 'node', value: { '@id': 'a' }, index: 0 },
      { kind: 'node', value: { '@id': 'b' }, index: 1 },
    ]);
    expect(scan([Buffer.from('{"@context":{"a":"http://a/"},"@id":"x","a:p":[1,{"@id":"y"}]}')])).toEqual([
      { kind: 'context', value: { a: 'http://a/' } },
      { kind: 'node', value: { '@id': 'x', 'a:p': [1, { '@id': 'y' }] }, index: 0 },
    ]);
    expect(scan([Buffer.from('{"@id":"g","@graph":{"@id":"a"}}')])).toEqual([
      { kind: 'graph' },
      { kind: 'node', value: { '@id': 'a' }, index: 0 },
    ]);
    expect(scan([Buffer.from('\ufeff{"@graph":[]}')])).toEqual([{ kind: 'graph' }]);
  });

  it('reports a truncated document with key, byte offset, line and column', () => {
    const doc = '{\n  "@graph": [\n    {"@id": "a"},\n    {"@id": "b", "x": [1, 2';
    for (const size of [undefined, 1, 7]) {
      const err = scanError(doc, size);
      expect(err.message).toBe(
        `dcat/page-0042.json: invalid JSON at byte ${doc.length} (line 4, column 28): unexpected end of input inside @graph element 1`,
      );
      expect(err).toMatchObject({ key: 'dcat/page-0042.json', offset: doc.length, line: 4, column: 28 });
    }
    expect(scanError('{"@context": {"a": "b"').message).toContain('unexpected end of input inside @context');
    expect(scanError('{"@graph": [').message).toContain('unexpected end of input inside the @graph array');
    expect(scanError('').message).toBe(
      'dcat/page-0042.json: invalid JSON at byte 0 (line 1, column 1): empty document',
    );
  });

  it('locates invalid JSON inside an element', () => {
    const doc = '{"@graph": [\n  {"@id": "a"},\n  {"@id": "é",\n   "x": tru}\n]}';
    const at = Buffer.byteLength(doc.slice(0, doc.indexOf('tru}') + 3));
    for (const size of [undefined, 1, 5]) {
      const err = scanError(doc, size);
      expect(err.message).toBe(
        `dcat/page-0042.json: invalid JSON at byte ${at} (line 4, column 12): unexpected token "}" inside @graph element 1`,
      );
    }
    expect(scanError('{"@graph": [{"a": 1} {"b": 2}]}').message).toBe(
      "dcat/page-0042.json: invalid JSON at byte 21 (line 1, column 22): expected ',' or ']' after @graph element 0, found '{'",
    );
    expect(scanError('{"@graph": []} x').message).toContain('unexpected data after the end of the document');
  });

  it('rejects a document that is not an object or an array', () => {
    const err = scanError('  "just a string"');
    expect(err.message).toBe(
      'dcat/page-0042.json: unexpected JSON-LD shape at byte 2 (line 1, column 3): expected a JSON-LD document (an object or an array) at the top level, found a string',
    );
    expect(scanError('42').message).toContain('found a number');
  });

  it('streams from an async iterable and reports the bytes scanned', async () => {
    let seen = 0;
    const events: GraphEvent[] = [];
    for await (const ev of readGraph(split(bytes, 100), { key: 'k', onBytes: (n) => (seen += n) }))
      events.push(ev);
    expect(placed(bytes, events)).toEqual(expected);
    expect(seen).toBe(bytes.length);
  });
});

describe('locateJsonError', () => {
  it('finds the first error of a JSON text', () => {
    expect(locateJsonError('{"a": [1, 2, {"b": null}], "c": "\\u00e9"}')).toBeUndefined();
    expect(locateJsonError('{"a": 1,}')).toEqual({
      pos: 8,
      reason: 'expected a property name, found token "}"',
    });
    expect(locateJsonError('[1 2]')).toEqual({ pos: 3, reason: "expected ',' or ']', found token \"2\"" });
    expect(locateJsonError('{"a": "x\ny"}')).toEqual({ pos: 8, reason: 'bad control character in a string' });
    expect(locateJsonError('{"a": ')).toEqual({ pos: 6, reason: 'unexpected end of input' });
    expect(locateJsonError('[01]')).toEqual({ pos: 2, reason: "expected ',' or ']', found token \"1\"" });
  });
});
