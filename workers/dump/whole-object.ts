import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import type { DatasetRecord, GraphNode } from '../../shared/record.js';
import { Expander } from './expand.js';
import { InputError } from './input-error.js';
import { expandElement, readDatasetRecords } from './read-object.js';
import { DATASET_TYPE, mergeNodes, recordOf } from './resolver.js';

/** What reading one whole object found, besides its records. */
export interface WholeObjectResult {
  records: DatasetRecord[];
  /** The document has a top-level `@graph` (or is an array of nodes). */
  hasGraph: boolean;
  /** `@graph` elements (or top-level array elements) read. */
  elements: number;
  /** Bytes after decompression. */
  bytes: number;
}

const isGzip = (b: Buffer) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/**
 * The bytes of an object as stored -> its JSON text bytes: gunzipped when it is gzip (by magic
 * bytes), refusing more than `maxBytes` once decompressed.
 */
export function decodeBody(key: string, body: Buffer, maxBytes: number): Buffer {
  if (!isGzip(body)) return body;
  try {
    return gunzipSync(body, { maxOutputLength: maxBytes });
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e.code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw new InputError({
        key,
        problem: 'object too large to read whole',
        detail: `it decompresses to more than WHOLE_OBJECT_MAX_BYTES (${maxBytes} bytes); name it *.gz so that extract streams it, or raise the limit`,
      });
    }
    throw new InputError({ key, problem: 'invalid gzip data', detail: e.message });
  }
}

/**
 * A JSON.parse failure, positioned: the streaming reader reads the same bytes and throws the
 * InputError naming the byte, line and column (JSON.parse's own message has only an offset).
 */
async function positionedParseError(key: string, text: Buffer, err: Error): Promise<InputError> {
  try {
    for await (const _ of readDatasetRecords({ key, open: () => Promise.resolve(Readable.from([text])) })) {
      // drain: the error, if any, surfaces here
    }
  } catch (streamErr) {
    if (streamErr instanceof InputError) return streamErr;
  }
  return new InputError({ key, problem: 'invalid JSON', detail: err.message });
}

/**
 * Reads one whole object (already in memory): JSON.parse, JSON-LD expansion, then resolution of
 * the flat graph into dataset records, in the file order of the datasets. Each record holds its
 * dataset node and every node it reaches (never through another dataset); references to nodes
 * the object does not describe are kept as IRIs, and listed in `dangling` when they were expected
 * to be described (blank nodes, and the properties of WAIT_PROPERTIES), as the streaming resolver
 * does. Throws an InputError naming the key (and position) when the object is not JSON-LD.
 */
export async function readWholeObject(
  key: string,
  stored: Buffer,
  opts: { maxBytes: number },
): Promise<WholeObjectResult> {
  const text = decodeBody(key, stored, opts.maxBytes);
  let doc: unknown;
  try {
    doc = JSON.parse(text.toString('utf8'));
  } catch (err) {
    throw await positionedParseError(key, text, err as Error);
  }

  let elements: unknown[];
  let context: unknown;
  let hasGraph = true;
  if (Array.isArray(doc)) {
    elements = doc;
  } else if (typeof doc === 'object' && doc !== null) {
    const top = doc as Record<string, unknown>;
    context = top['@context'];
    const graph = top['@graph'];
    if (Array.isArray(graph)) elements = graph;
    else if (graph !== undefined && typeof graph === 'object' && graph !== null) elements = [graph];
    else {
      // a single node document (or an error body saved as a page: the caller decides)
      hasGraph = false;
      const { '@context': _, ...node } = top;
      elements = [node];
    }
  } else {
    throw new InputError({
      key,
      problem: 'unexpected JSON-LD shape',
      detail: `the document is a JSON ${doc === null ? 'null' : typeof doc}, not an object or an array`,
    });
  }

  const expander = new Expander(context);
  const store = new Map<string, GraphNode>();
  const datasets: { id: string; index: number }[] = [];
  const isDataset = new Set<string>();
  for (let index = 0; index < elements.length; index++) {
    const element = elements[index];
    // the parsed element is let go once expanded (the nodes share only its strings): the parse
    // tree of the whole object would otherwise live, and be copied by scavenges, until the end
    elements[index] = undefined;
    for (const node of expandElement(key, expander, element, index)) {
      const prev = store.get(node.id);
      const merged = prev ? mergeNodes(prev, node) : node;
      store.set(node.id, merged);
      if (!isDataset.has(node.id) && merged.types.includes(DATASET_TYPE)) {
        isDataset.add(node.id);
        datasets.push({ id: node.id, index });
      }
    }
  }

  const records = datasets.map((d) => recordOf(store.get(d.id)!, { key, index: d.index }, store, isDataset));
  return { records, hasGraph, elements: elements.length, bytes: text.length };
}
