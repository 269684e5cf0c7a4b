import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { DatasetRecord } from '../../shared/record.js';
import { Expander } from './expand.js';
import { JsonGraphScanner, type GraphScanner, type GraphScannerOptions } from './graph-reader.js';
import { InputError } from './input-error.js';
import {
  resolveDatasets,
  isSharedByType,
  type ElementText,
  type ExpandedElement,
  type SourcedNode,
  type ResolverStats,
} from './resolver.js';

/** One object of the dump. Re-openable: the resolver may read it more than once. */
export interface ObjectSource {
  key: string;
  /** A fresh body stream from the start of the object (gunzipped here when needed). */
  open(): Promise<NodeJS.ReadableStream | Readable>;
}

export interface ReadOptions {
  /** Nodes the resolver keeps in memory at most (RESOLVER_MAX_NODES). Default 200,000. */
  maxNodes?: number;
  /**
   * Progress: called with the number of bytes of the object (as stored, before gunzip) just
   * consumed by the main read. Re-reads (a context stored after the graph, deferred datasets) are
   * not reported, so the calls add up to the object's size.
   */
  onBytes?: (n: number) => void;
  /** Filled with what the memory bounds cost (reads, evictions, deferred datasets). */
  stats?: ResolverStats;
}

/** Builds the tokenizer of one read: the fast byte scanner, or stream-json's for comparison. */
export type ScannerFactory = (opts: GraphScannerOptions) => GraphScanner;

/**
 * Streams the dataset records of one object (a JSON-LD page of the dump, plain or gzipped), in
 * bounded memory: the largest single node, plus at most `maxNodes` nodes held for resolution.
 * Throws `InputError` when the object is not valid JSON-LD (truncated, bad JSON, wrong shape).
 */
export function readDatasetRecords(src: ObjectSource, opts: ReadOptions = {}): AsyncGenerator<DatasetRecord> {
  return readDatasetRecordsWith(src, opts, (o) => new JsonGraphScanner(o));
}

/** readDatasetRecords with another tokenizer (the benchmark compares them). */
export async function* readDatasetRecordsWith(
  src: ObjectSource,
  opts: ReadOptions,
  makeScanner: ScannerFactory,
  doc: DocumentContext = { context: undefined, known: false },
  sourced = false,
): AsyncGenerator<DatasetRecord> {
  yield* resolveDatasets(
    (read, accept) =>
      readElements(src, makeScanner, doc, read === 0 ? opts.onBytes : undefined, accept, sourced),
    { key: src.key, maxNodes: opts.maxNodes, stats: opts.stats },
  );
}

/** What a sourced read gives: the records, and the document's top-level @context. */
export interface SourcedRead {
  /** Records whose nodes are {@link SourcedNode}s: references only, with the elements describing them. */
  records: AsyncGenerator<DatasetRecord>;
  /** The document's top-level `@context` (undefined when it has none), known once a record came. */
  context(): unknown;
}

/**
 * readDatasetRecords deciding only what each record holds: elements are expanded without their
 * literals, and each node keeps the elements that describe it (their place in the object, and
 * their JSON text when the object is gzipped or when they describe an agent or a catalogue).
 * Extract streams a huge object this way and spills chunks that name those elements; transform
 * reads, parses and expands them again (see element-chunk.ts): the same records come out, node
 * for node.
 */
export function readSourcedRecords(src: ObjectSource, opts: ReadOptions = {}): SourcedRead {
  const doc: DocumentContext = { context: undefined, known: false };
  return {
    records: readDatasetRecordsWith(src, opts, (o) => new JsonGraphScanner(o), doc, true),
    context: () => doc.context,
  };
}

export interface DocumentContext {
  context: unknown;
  /** The object is gzipped: element offsets are in its decompressed bytes, not in the object. */
  gzipped?: boolean;
  /** The top-level @context is known (possibly absent) before the nodes are read. */
  known: boolean;
}

/**
 * One read of the object, as batches of expanded elements. When the `@graph` comes before the
 * `@context`, the read is abandoned at once and the object is scanned (without parsing nodes) for
 * its context, then read again: a second download instead of buffering nodes in memory.
 */
async function* readElements(
  src: ObjectSource,
  makeScanner: ScannerFactory,
  doc: DocumentContext,
  onBytes: ((n: number) => void) | undefined,
  accept?: (index: number, bytes: Buffer) => boolean,
  sourced = false,
): AsyncGenerator<ExpandedElement[]> {
  for (;;) {
    const expander = new Expander(doc.known ? doc.context : undefined, { refsOnly: sourced });
    const scanner = makeScanner({ key: src.key, ...(accept ? { accept } : {}) });
    // bytes are reported once this read is known to go to the end
    let decided = doc.known;
    let held = 0;
    const report = (n: number) => {
      if (decided) onBytes?.(n);
      else held += n;
    };
    const decide = () => {
      if (decided) return;
      decided = true;
      if (held > 0) onBytes?.(held);
      held = 0;
    };
    let restart = false;
    const batch: ExpandedElement[] = [];
    const take = (events: ReturnType<GraphScanner['push']>): boolean => {
      for (const ev of events) {
        if (ev.kind === 'node') {
          decide();
          const nodes = expandElement(src.key, expander, ev.value, ev.index);
          if (sourced) {
            // the text of an element that can be read again by its place is not held (less to
            // collect), but for agents and catalogues: far from most of the chunks that need them;
            // every field set at once: one object of one shape, without a property store
            const located = !doc.gzipped && ev.offset !== undefined && ev.length !== undefined;
            const element: ElementText = {
              index: ev.index,
              top: nodes[0]?.id,
              text: located
                ? nodes.some(isSharedByType)
                  ? ev.text
                  : undefined
                : (ev.text ?? JSON.stringify(ev.value)),
              offset: located ? ev.offset : undefined,
              length: located ? ev.length : undefined,
            };
            // expanded without literals: the node as it is, with its element
            for (let k = 0; k < nodes.length; k++) {
              const { id, types, p } = nodes[k]!;
              const node: SourcedNode = { id, types, p, src: element };
              nodes[k] = node;
            }
          }
          batch.push({ index: ev.index, nodes });
        } else if (ev.kind === 'context') {
          if (!doc.known) {
            doc.context = ev.value;
            doc.known = true;
            expander.setContext(ev.value);
          }
          decide();
        } else if (!doc.known) {
          return false;
        } else {
          decide();
        }
      }
      return true;
    };
    const compressed = (gzipped: boolean) => {
      doc.gzipped = gzipped;
    };
    for await (const chunk of openBytes(src, onBytes ? report : undefined, compressed)) {
      if (!take(scanner.push(chunk))) {
        restart = true;
        break;
      }
      if (batch.length > 0) yield batch.splice(0);
    }
    if (!restart) {
      take(scanner.end());
      decide();
      if (batch.length > 0) yield batch.splice(0);
      return;
    }
    doc.context = await findContext(src, makeScanner);
    doc.known = true;
  }
}

/** One element expanded; nesting deeper than the expander follows is bad input, not a crash. */
export function expandElement(key: string, expander: Expander, value: unknown, index: number) {
  try {
    return expander.expand(value, index);
  } catch (err) {
    if (err instanceof RangeError) {
      throw new InputError({
        key,
        problem: 'nesting too deep',
        detail: `@graph element ${index} nests deeper than the reader follows (${err.message})`,
      });
    }
    throw err;
  }
}

/** Scans the whole object for its top-level @context, without parsing the nodes. */
async function findContext(src: ObjectSource, makeScanner: ScannerFactory): Promise<unknown> {
  const scanner = makeScanner({ key: src.key, skipNodes: true });
  for await (const chunk of openBytes(src)) {
    for (const ev of scanner.push(chunk)) if (ev.kind === 'context') return ev.value;
  }
  for (const ev of scanner.end()) if (ev.kind === 'context') return ev.value;
  return undefined;
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError(`unexpected chunk type ${typeof chunk}`);
}

function isZlibError(err: unknown): err is Error {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof Error && typeof code === 'string' && code.startsWith('Z_');
}

/** The object's bytes, gunzipped when the key ends with .gz or the body starts with 1f 8b. */
async function* openBytes(
  src: ObjectSource,
  onRaw?: (n: number) => void,
  onGzip?: (gzipped: boolean) => void,
): AsyncGenerator<Buffer> {
  const body = (await src.open()) as AsyncIterable<unknown>;
  let rawBytes = 0;
  const raw = (async function* () {
    for await (const c of body) {
      const b = toBuffer(c);
      if (b.length === 0) continue;
      rawBytes += b.length;
      onRaw?.(b.length);
      yield b;
    }
  })();
  // enough bytes to see the gzip magic, whatever the chunking
  const head: Buffer[] = [];
  let headLength = 0;
  try {
    while (headLength < 2) {
      const r = await raw.next();
      if (r.done) break;
      head.push(r.value);
      headLength += r.value.length;
    }
  } catch (err) {
    await raw.return();
    throw err;
  }
  const first = Buffer.concat(head);
  const rest = (async function* () {
    try {
      if (first.length > 0) yield first;
      for (;;) {
        const r = await raw.next();
        if (r.done) return;
        yield r.value;
      }
    } finally {
      await raw.return();
    }
  })();
  const gzipped = src.key.endsWith('.gz') || (first[0] === 0x1f && first[1] === 0x8b);
  onGzip?.(gzipped);
  if (!gzipped) {
    yield* rest;
    return;
  }
  const gunzip = pipeline(Readable.from(rest), createGunzip(), () => {
    // errors surface through the iteration below
  });
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (err) {
    if (isZlibError(err)) {
      throw new InputError({
        key: src.key,
        problem: 'invalid gzip data',
        detail: err.message,
        offset: rawBytes,
      });
    }
    throw err;
  }
}
