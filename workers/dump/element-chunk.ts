import type { DatasetRecord, GraphNode } from '../../shared/record.js';
import { Expander } from './expand.js';
import { expandElement } from './read-object.js';
import { mergeNodes, sourcesOf, type ElementText } from './resolver.js';

/**
 * A chunk of records spilled by extract from a huge object, as ONE JSON document: the document's
 * `@context`; each record as the ids of its nodes, with the elements that describe each node; and
 * those elements, either as their JSON text copied as read, or as byte spans of the object that
 * transform reads again with ranged GETs (a plain object: most of a chunk's elements lie in a few
 * hundred KB of it). Extract then stringifies and compresses no node, and transform parses and
 * expands the elements as it does a page.
 *
 * `{"format":"dcat-quality/elements-1","context":{...},"records":[{"uri":...,"source":{...},
 * "nodes":[element index | [id,[element index,...]],...],"dangling":[...]}],
 * "spans":[{"start":...,"end":...,"elements":[[index,offset,length],...]}],"indexes":[...],
 * "elements":[...]}`
 */
const FORMAT = 'dcat-quality/elements-1';
const HEAD = `{"format":"${FORMAT}"`;

/** Elements this close together in the object are read by one ranged GET... */
const SPAN_GAP = 64 * 1024;
/** ...when they add up to this much; fewer are copied into the chunk (a GET costs more than their bytes). */
const SPAN_MIN = 16 * 1024;

/**
 * A record's nodes, in order: the position of the element whose own node it is (a flat graph: most
 * nodes), or its id with the elements that describe it.
 */
type SpilledNodes = (number | [id: string, elements: number[]])[];

interface Span {
  start: number;
  end: number;
  /** [element index, offset in the object, length in bytes] */
  elements: [number, number, number][];
}

interface ElementChunk {
  format: typeof FORMAT;
  context?: unknown;
  records: { uri: string; source: DatasetRecord['source']; nodes: SpilledNodes; dangling?: string[] }[];
  /** Elements carried in the chunk: their positions in the object's @graph (blank ids depend on it)... */
  indexes: number[];
  /** ...and their JSON values. */
  elements: unknown[];
  spans?: Span[];
}

/** Reads bytes [start, end) of the object the chunk was spilled from. */
export type RangeReader = (start: number, end: number) => Promise<Buffer>;

/** The spans worth a ranged GET among elements that have a place in the object; the rest stay inline. */
function spansOf(located: ElementText[]): { spans: Span[]; inline: ElementText[] } {
  located.sort((a, b) => a.offset! - b.offset!);
  const spans: Span[] = [];
  const groups: ElementText[][] = [];
  for (const e of located) {
    const last = spans[spans.length - 1];
    const offset = e.offset!;
    const length = e.length!;
    if (last !== undefined && offset - last.end <= SPAN_GAP) {
      last.end = Math.max(last.end, offset + length);
      last.elements.push([e.index, offset, length]);
      groups[groups.length - 1]!.push(e);
    } else {
      spans.push({ start: offset, end: offset + length, elements: [[e.index, offset, length]] });
      groups.push([e]);
    }
  }
  const kept: Span[] = [];
  const inline: ElementText[] = [];
  spans.forEach((s, k) => {
    const group = groups[k]!;
    // an element whose text was not kept is read where it lies
    if (s.elements.reduce((a, e) => a + e[2], 0) >= SPAN_MIN || group.some((e) => e.text === undefined))
      kept.push(s);
    else inline.push(...group);
  });
  return { spans: kept, inline };
}

/**
 * The chunk text of records read by readSourcedRecords (their nodes are SourcedNodes). Elements
 * whose place in the object is known (a plain object) may be left there, as spans to read again.
 */
export function encodeElementChunk(context: unknown, records: readonly DatasetRecord[]): string {
  const used = new Map<number, ElementText>();
  const spilled = records.map((r) => {
    const nodes: SpilledNodes = [];
    for (const node of r.nodes.values()) {
      const src = sourcesOf(node);
      if (src === undefined) throw new Error(`record ${r.uri}: node ${node.id} names no element`);
      for (const e of src) used.set(e.index, e);
      nodes.push(
        src.length === 1 && src[0]!.top === node.id ? src[0]!.index : [node.id, src.map((e) => e.index)],
      );
    }
    return { uri: r.uri, source: r.source, nodes, ...(r.dangling ? { dangling: r.dangling } : {}) };
  });
  const elements = [...used.values()];
  const { spans, inline: small } = spansOf(elements.filter((e) => e.offset !== undefined));
  const inline = [...elements.filter((e) => e.offset === undefined), ...small];
  const textless = inline.find((e) => e.text === undefined);
  if (textless !== undefined)
    throw new Error(`element ${textless.index} has neither its text nor a place to read it from`);
  inline.sort((a, b) => a.index - b.index);
  const parts = [HEAD];
  if (context !== undefined) parts.push(`,"context":${JSON.stringify(context)}`);
  parts.push(`,"records":${JSON.stringify(spilled)}`);
  if (spans.length > 0) parts.push(`,"spans":${JSON.stringify(spans)}`);
  parts.push(`,"indexes":${JSON.stringify(inline.map((e) => e.index))},"elements":[`);
  inline.forEach((e, k) => {
    if (k > 0) parts.push(',');
    parts.push(e.text!);
  });
  parts.push(']}');
  return parts.join('');
}

export function isElementChunk(text: string): boolean {
  return text.startsWith(HEAD);
}

/** A chunk text parsed, before its elements are read again: what {@link decodeElementChunk} takes. */
export type ParsedElementChunk = ElementChunk;

export function parseElementChunk(text: string): ParsedElementChunk {
  return JSON.parse(text) as ElementChunk;
}

/** The byte ranges of the object a parsed chunk reads again, in the order it reads them. */
export function chunkSpans(chunk: ParsedElementChunk): readonly { start: number; end: number }[] {
  return chunk.spans ?? [];
}

/**
 * One RangeReader for the spans of several chunks (a transform job's): spans that overlap or lie
 * close together in the object (SPAN_GAP) are read by one ranged GET of at most `maxBytes`, and
 * each span is cut from it. The consecutive chunks of one job lie end to end in the object, and
 * often share the places of their agents and catalogues: a few GETs for the job instead of one or
 * more a chunk (each costs the client and the server more CPU than the bytes it carries). A read
 * goes out when its first span is asked for and is let go once its last one is served; a span it
 * was not planned for is read alone.
 */
export function mergedRangeReader(
  spans: readonly { start: number; end: number }[],
  read: RangeReader,
  maxBytes: number,
): RangeReader {
  interface Read {
    start: number;
    end: number;
    /** Spans still to serve. */
    left: number;
    body?: Promise<Buffer>;
  }
  // each span (by its place) -> the read that holds it, and how many more times it is asked for
  const planned = new Map<string, { read: Read; left: number }>();
  let current: Read | undefined;
  for (const s of [...spans].sort((a, b) => a.start - b.start || a.end - b.end)) {
    const key = `${s.start}-${s.end}`;
    const same = planned.get(key);
    if (same !== undefined) {
      same.left++;
      same.read.left++;
      continue;
    }
    if (
      current !== undefined &&
      s.start - current.end <= SPAN_GAP &&
      Math.max(current.end, s.end) - current.start <= maxBytes
    ) {
      current.end = Math.max(current.end, s.end);
      current.left++;
    } else {
      current = { start: s.start, end: s.end, left: 1 };
    }
    planned.set(key, { read: current, left: 1 });
  }
  return async (start, end) => {
    const span = planned.get(`${start}-${end}`);
    if (span === undefined || span.left === 0) return read(start, end);
    span.left--;
    const r = span.read;
    r.body ??= read(r.start, r.end);
    const body = r.body;
    if (--r.left === 0) r.body = undefined;
    const bytes = await body;
    // a short answer is cut short here too: the chunk reports it, naming the span
    return bytes.subarray(start - r.start, Math.min(bytes.length, end - r.start));
  };
}

/**
 * The records of a chunk text (or of a chunk parsed by {@link parseElementChunk}): each element
 * expanded again (as extract did: same position, same context), each node the merge of its
 * descriptions in the elements the record names, in order. `key` names the chunk in errors;
 * `readRange` reads the spans from the object (ETag checked).
 */
export async function decodeElementChunk(
  key: string,
  text: string | ParsedElementChunk,
  readRange: RangeReader,
): Promise<DatasetRecord[]> {
  const chunk = typeof text === 'string' ? parseElementChunk(text) : text;
  const expander = new Expander(chunk.context);
  const described = new Map<number, Map<string, GraphNode>>();
  const tops = new Map<number, string>();
  const describe = (index: number, value: unknown) => {
    const byId = new Map<string, GraphNode>();
    const nodes = expandElement(key, expander, value, index);
    if (nodes.length > 0) tops.set(index, nodes[0]!.id);
    for (const node of nodes) {
      const prev = byId.get(node.id);
      byId.set(node.id, prev ? mergeNodes(prev, node) : node);
    }
    described.set(index, byId);
  };
  chunk.indexes.forEach((index, k) => describe(index, chunk.elements[k]));
  const spans = chunk.spans ?? [];
  const bodies = await Promise.all(spans.map((s) => readRange(s.start, s.end)));
  spans.forEach((s, k) => {
    const body = bodies[k]!;
    if (body.length !== s.end - s.start)
      throw new Error(
        `${key}: bytes ${s.start}-${s.end - 1} of the object came back short (${body.length} bytes)`,
      );
    for (const [index, offset, length] of s.elements) {
      const from = offset - s.start;
      describe(index, JSON.parse(body.toString('utf8', from, from + length)));
    }
  });
  const describedIn = (index: number, id: string): GraphNode => {
    const node = described.get(index)?.get(id);
    if (node === undefined) throw new Error(`${key}: element ${index} does not describe ${id}`);
    return node;
  };
  return chunk.records.map((r) => {
    const nodes = new Map<string, GraphNode>();
    for (const spilled of r.nodes) {
      if (typeof spilled === 'number') {
        const id = tops.get(spilled);
        if (id === undefined) throw new Error(`${key}: element ${spilled} describes no node`);
        nodes.set(id, describedIn(spilled, id));
        continue;
      }
      const [id, elements] = spilled;
      let node = describedIn(elements[0]!, id);
      for (let k = 1; k < elements.length; k++) node = mergeNodes(node, describedIn(elements[k]!, id));
      nodes.set(id, node);
    }
    const record: DatasetRecord = { uri: r.uri, source: r.source, nodes };
    if (r.dangling) record.dangling = r.dangling;
    return record;
  });
}
