import { InputError } from './input-error.js';

/**
 * What the graph reader finds in a JSON-LD document, in document order:
 * - `context`: the top-level `@context` value (parsed);
 * - `graph`: the top-level `@graph` key was met (before any of its elements); a reader that has
 *   not seen a `context` yet learns here that the context, if any, comes after the graph;
 * - `node`: one element of `@graph` (or of a top-level array, or the top-level object itself when
 *   it has no `@graph`), parsed, with its position among the elements.
 */
export type GraphEvent =
  | { kind: 'context'; value: unknown }
  | { kind: 'graph' }
  /**
   * `text`: the element's JSON text as parsed, `offset` and `length`: where its bytes lie in the
   * document (when the scanner has them)
   */
  | { kind: 'node'; value: unknown; index: number; text?: string; offset?: number; length?: number };

export interface GraphScannerOptions {
  /** The object key, for error messages. */
  key: string;
  /** Scan the elements without parsing them: a cheap pass that only looks for the `@context`. */
  skipNodes?: boolean;
  /**
   * Parse only the elements this accepts (by position and raw bytes); the others are skipped
   * unparsed. A re-read looking for a few nodes uses it to skip the rest cheaply.
   */
  accept?: (index: number, bytes: Buffer) => boolean;
  /** Largest single value (one `@graph` element, the `@context`) accepted, in bytes. Default 256 MiB. */
  maxValueBytes?: number;
}

/** A push tokenizer: bytes in, events out. Both readers (this one and stream-json's) implement it. */
export interface GraphScanner {
  /** Consumes the next bytes of the document; returns the events they completed. */
  push(chunk: Buffer): GraphEvent[];
  /** Declares the end of the document; throws an `InputError` when it is incomplete. */
  end(): GraphEvent[];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LF = 0x0a;

// byte classes for the structural scan inside a captured value
const C_OPEN = 1;
const C_CLOSE = 2;
const C_QUOTE = 3;
const C_NL = 4;
const CLASS = new Uint8Array(256);
CLASS[LBRACE] = C_OPEN;
CLASS[LBRACKET] = C_OPEN;
CLASS[RBRACE] = C_CLOSE;
CLASS[RBRACKET] = C_CLOSE;
CLASS[QUOTE] = C_QUOTE;
CLASS[LF] = C_NL;

// shell states: where we are in the top-level structure, outside any captured value
const S_START = 0;
const S_KEY_OR_END = 1;
const S_KEY = 2;
const S_COLON = 3;
const S_VALUE = 4;
const S_OBJ_NEXT = 5;
const S_ELEM_OR_END = 6;
const S_ELEM = 7;
const S_ARR_NEXT = 8;
const S_CAPTURE = 9;
const S_DONE = 10;

// what a captured value is
const K_KEY = 0;
const K_CONTEXT = 1;
const K_NODE = 2;
const K_RESIDUE = 3;
const K_SKIP = 4;

/**
 * The fast reader: scans bytes, tracking only depth, strings and escapes, to find where each
 * `@graph` element starts and ends, and hands each element's bytes to `JSON.parse` (several times
 * faster than a token-by-token parser). Only the bytes of the value being read are held, so memory
 * is bounded by the largest single element. UTF-8 sequences split across chunks are harmless
 * because bytes are decoded only once an element is whole.
 *
 * Accepted shapes: `{"@context": ..., "@graph": [...]}` (keys in any order, other top-level keys
 * ignored), `{"@graph": {...}}`, a top-level array of nodes, and a single node object without
 * `@graph`. When `@context` comes after `@graph`, the `graph` event arrives before the `context`
 * one: this scanner does not buffer nodes; the caller decides (read-object re-reads the object
 * once with `skipNodes` to fetch the context first, which costs a scan, not memory).
 */
export class JsonGraphScanner implements GraphScanner {
  private readonly key: string;
  private readonly skipNodes: boolean;
  private readonly accept: ((index: number, bytes: Buffer) => boolean) | undefined;
  private readonly maxValueBytes: number;

  private state = S_START;
  /** Absolute offset of the first byte of the chunk being scanned. */
  private offset = 0;
  private line = 1;
  private lineStart = 0;
  private bom = 0;
  private rootIsArray = false;
  private inGraph = false;
  private graphSeen = false;
  private propKey = '';
  private residue: Record<string, unknown> | undefined;
  private nodeIndex = 0;
  private events: GraphEvent[] = [];

  private capKind = K_SKIP;
  private capAfter = S_DONE;
  private capParts: Buffer[] = [];
  private capBytes = 0;
  private capFrom = 0;
  private capStart = 0;
  private capLine = 1;
  private capLineStart = 0;
  private capDepth = 0;
  private capInString = false;
  private capEscape = false;
  private capScalar = false;

  constructor(opts: GraphScannerOptions) {
    this.key = opts.key;
    this.skipNodes = opts.skipNodes ?? false;
    this.accept = opts.accept;
    this.maxValueBytes = opts.maxValueBytes ?? 256 * 1024 * 1024;
  }

  push(chunk: Buffer): GraphEvent[] {
    const len = chunk.length;
    let i = 0;
    while (i < len) {
      if (this.state === S_CAPTURE) {
        i = this.capture(chunk, i);
        continue;
      }
      const c = chunk[i]!;
      if (c === 0x20 || c === 0x09 || c === 0x0d) {
        i++;
      } else if (c === LF) {
        this.line++;
        this.lineStart = this.offset + i + 1;
        i++;
      } else {
        i = this.shell(chunk, i, c);
      }
    }
    this.offset += len;
    return this.drain();
  }

  end(): GraphEvent[] {
    if (this.state !== S_DONE) {
      let detail: string;
      if (this.state === S_START) detail = 'empty document';
      else if (this.state === S_CAPTURE) detail = `unexpected end of input ${this.where()}`;
      else if (this.inGraph) detail = 'unexpected end of input inside the @graph array';
      else if (this.rootIsArray) detail = 'unexpected end of input inside the top-level array';
      else detail = 'unexpected end of input inside the top-level object';
      throw new InputError({
        key: this.key,
        problem: 'invalid JSON',
        detail,
        offset: this.offset,
        line: this.line,
        column: this.offset - this.lineStart + 1,
      });
    }
    return this.drain();
  }

  private drain(): GraphEvent[] {
    const out = this.events;
    if (out.length > 0) this.events = [];
    return out;
  }

  /** One significant byte outside any captured value. */
  private shell(chunk: Buffer, i: number, c: number): number {
    switch (this.state) {
      case S_START:
        if (this.bom > 0) {
          if (c !== (this.bom === 2 ? 0xbb : 0xbf))
            throw this.syntaxError(chunk, i, 'a broken byte-order mark');
          this.bom--;
          return i + 1;
        }
        if (c === 0xef && this.offset + i === 0) {
          this.bom = 2;
          return i + 1;
        }
        if (c === LBRACE) {
          this.state = S_KEY_OR_END;
          return i + 1;
        }
        if (c === LBRACKET) {
          this.rootIsArray = true;
          this.state = S_ELEM_OR_END;
          return i + 1;
        }
        throw this.error(
          chunk,
          i,
          'unexpected JSON-LD shape',
          `expected a JSON-LD document (an object or an array) at the top level, found ${describe(c)}`,
        );
      case S_KEY_OR_END:
        if (c === RBRACE) return this.endRoot(i);
        if (c === QUOTE) return this.startCapture(chunk, i, K_KEY, S_COLON);
        throw this.syntaxError(chunk, i, `expected a property name or '}', found ${describe(c)}`);
      case S_KEY:
        if (c === QUOTE) return this.startCapture(chunk, i, K_KEY, S_COLON);
        throw this.syntaxError(chunk, i, `expected a property name, found ${describe(c)}`);
      case S_COLON:
        if (c === COLON) {
          this.state = S_VALUE;
          return i + 1;
        }
        throw this.syntaxError(chunk, i, `expected ':' after a property name, found ${describe(c)}`);
      case S_VALUE:
        if (!isValueStart(c)) throw this.syntaxError(chunk, i, `expected a value, found ${describe(c)}`);
        if (this.propKey === '@graph') {
          this.graphSeen = true;
          this.residue = undefined; // not a single node after all
          this.events.push({ kind: 'graph' });
          if (c === LBRACKET) {
            this.inGraph = true;
            this.state = S_ELEM_OR_END;
            return i + 1;
          }
          const kind = c === LBRACE && !this.skipNodes ? K_NODE : K_SKIP;
          return this.startCapture(chunk, i, kind, S_OBJ_NEXT);
        }
        if (this.propKey === '@context') return this.startCapture(chunk, i, K_CONTEXT, S_OBJ_NEXT);
        return this.startCapture(chunk, i, this.graphSeen || this.skipNodes ? K_SKIP : K_RESIDUE, S_OBJ_NEXT);
      case S_OBJ_NEXT:
        if (c === COMMA) {
          this.state = S_KEY;
          return i + 1;
        }
        if (c === RBRACE) return this.endRoot(i);
        throw this.syntaxError(chunk, i, `expected ',' or '}' after a property value, found ${describe(c)}`);
      case S_ELEM_OR_END:
        if (c === RBRACKET) return this.endArray(i);
        if (isValueStart(c)) return this.startCapture(chunk, i, this.skipNodes ? K_SKIP : K_NODE, S_ARR_NEXT);
        throw this.syntaxError(chunk, i, `expected a value or ']', found ${describe(c)}`);
      case S_ELEM:
        if (isValueStart(c)) return this.startCapture(chunk, i, this.skipNodes ? K_SKIP : K_NODE, S_ARR_NEXT);
        throw this.syntaxError(chunk, i, `expected a value, found ${describe(c)}`);
      case S_ARR_NEXT:
        if (c === COMMA) {
          this.state = S_ELEM;
          return i + 1;
        }
        if (c === RBRACKET) return this.endArray(i);
        throw this.syntaxError(
          chunk,
          i,
          `expected ',' or ']' after ${this.elementName(this.nodeIndex - 1)}, found ${describe(c)}`,
        );
      default:
        throw this.syntaxError(chunk, i, `unexpected data after the end of the document: ${describe(c)}`);
    }
  }

  private endRoot(i: number): number {
    if (!this.rootIsArray && !this.graphSeen && this.residue && !this.skipNodes) {
      // a single node object: its own keys are the node
      this.events.push({ kind: 'node', value: this.residue, index: this.nodeIndex++ });
    }
    this.residue = undefined;
    this.state = S_DONE;
    return i + 1;
  }

  private endArray(i: number): number {
    if (this.inGraph) {
      this.inGraph = false;
      this.state = S_OBJ_NEXT;
    } else {
      this.state = S_DONE;
    }
    return i + 1;
  }

  private startCapture(chunk: Buffer, i: number, kind: number, after: number): number {
    this.state = S_CAPTURE;
    this.capKind = kind;
    this.capAfter = after;
    this.capBytes = 0;
    this.capFrom = i;
    this.capStart = this.offset + i;
    this.capLine = this.line;
    this.capLineStart = this.lineStart;
    this.capEscape = false;
    const c = chunk[i];
    this.capDepth = c === LBRACE || c === LBRACKET ? 1 : 0;
    this.capInString = c === QUOTE;
    this.capScalar = this.capDepth === 0 && !this.capInString;
    // scan on at once: the chunk may end right here, and its bytes must be kept
    return this.capture(chunk, i + 1);
  }

  /** Scans a captured value from `i`; returns where the shell resumes (or the chunk length). */
  private capture(chunk: Buffer, i: number): number {
    const len = chunk.length;
    for (;;) {
      if (this.capInString) {
        const q = chunk.indexOf(QUOTE, i);
        if (q < 0) {
          let k = len - 1;
          while (k >= i && chunk[k] === BACKSLASH) k--;
          let n = len - 1 - k;
          if (k < i && this.capEscape) n++;
          this.capEscape = (n & 1) === 1;
          return this.suspend(chunk, len);
        }
        // a quote preceded by an odd number of backslashes is escaped
        let k = q - 1;
        while (k >= i && chunk[k] === BACKSLASH) k--;
        let n = q - 1 - k;
        if (k < i && this.capEscape) n++;
        this.capEscape = false;
        i = q + 1;
        if ((n & 1) === 1) continue;
        this.capInString = false;
        if (this.capDepth === 0) return this.complete(chunk, i);
      }
      if (this.capScalar) {
        for (; i < len; i++) {
          const c = chunk[i]!;
          if (
            c === COMMA ||
            c === RBRACE ||
            c === RBRACKET ||
            c === 0x20 ||
            c === LF ||
            c === 0x0d ||
            c === 0x09
          ) {
            return this.complete(chunk, i);
          }
        }
        return this.suspend(chunk, len);
      }
      let depth = this.capDepth;
      for (; i < len; i++) {
        const k = CLASS[chunk[i]!]!;
        if (k === 0) continue;
        if (k === C_QUOTE) break;
        if (k === C_OPEN) {
          depth++;
        } else if (k === C_CLOSE) {
          if (--depth === 0) {
            this.capDepth = 0;
            return this.complete(chunk, i + 1);
          }
        } else {
          this.line++;
          this.lineStart = this.offset + i + 1;
        }
      }
      this.capDepth = depth;
      if (i >= len) return this.suspend(chunk, len);
      this.capInString = true;
      i++;
    }
  }

  /** The chunk ends inside the captured value: keep its bytes (unless skipping). */
  private suspend(chunk: Buffer, len: number): number {
    if (this.capKind !== K_SKIP && len > this.capFrom) this.capParts.push(chunk.subarray(this.capFrom, len));
    this.capBytes += len - this.capFrom;
    this.capFrom = 0;
    if (this.capBytes > this.maxValueBytes) {
      throw new InputError({
        key: this.key,
        problem: 'value too large',
        detail: `${this.where()} is larger than ${this.maxValueBytes} bytes`,
        offset: this.capStart,
        line: this.capLine,
        column: this.capStart - this.capLineStart + 1,
      });
    }
    return len;
  }

  private complete(chunk: Buffer, end: number): number {
    const kind = this.capKind;
    this.state = this.capAfter;
    if (kind === K_SKIP) {
      if (this.capAfter === S_ARR_NEXT) this.nodeIndex++;
      this.capParts = [];
      return end;
    }
    let bytes: Buffer;
    if (this.capParts.length === 0) {
      bytes = chunk.subarray(this.capFrom, end);
    } else {
      this.capParts.push(chunk.subarray(0, end));
      bytes = Buffer.concat(this.capParts);
      this.capParts = [];
    }
    if (kind === K_NODE && this.accept && !this.accept(this.nodeIndex, bytes)) {
      this.nodeIndex++;
      return end;
    }
    const text = bytes.toString('utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw this.parseError(text, err);
    }
    switch (kind) {
      case K_KEY:
        this.propKey = value as string;
        break;
      case K_CONTEXT:
        this.events.push({ kind: 'context', value });
        break;
      case K_NODE:
        this.events.push({
          kind: 'node',
          value,
          index: this.nodeIndex++,
          text,
          offset: this.capStart,
          length: this.offset + end - this.capStart,
        });
        break;
      default:
        if (this.propKey !== '__proto__') (this.residue ??= {})[this.propKey] = value;
    }
    return end;
  }

  private elementName(index: number): string {
    if (this.inGraph) return `@graph element ${index}`;
    if (this.rootIsArray) return `element ${index} of the top-level array`;
    return '@graph';
  }

  /** Names the value being captured, for messages. */
  private where(): string {
    switch (this.capKind) {
      case K_KEY:
        return 'inside a property name';
      case K_CONTEXT:
        return 'inside @context';
      case K_NODE:
        return `inside ${this.elementName(this.nodeIndex)}`;
      default:
        return this.capAfter === S_ARR_NEXT
          ? `inside ${this.elementName(this.nodeIndex)}`
          : `inside the value of "${this.propKey}"`;
    }
  }

  private parseError(text: string, err: unknown): InputError {
    const found = locateJsonError(text);
    const pos = found?.pos ?? 0;
    const reason = found?.reason ?? (err instanceof Error ? err.message : String(err));
    const prefix = text.slice(0, pos);
    const offset = this.capStart + Buffer.byteLength(prefix);
    let line = this.capLine;
    let lineStart = this.capLineStart;
    const nl = prefix.lastIndexOf('\n');
    if (nl >= 0) {
      for (let k = prefix.indexOf('\n'); k >= 0; k = prefix.indexOf('\n', k + 1)) line++;
      lineStart = this.capStart + Buffer.byteLength(prefix.slice(0, nl + 1));
    }
    return new InputError({
      key: this.key,
      problem: 'invalid JSON',
      detail: `${reason} ${this.where()}`,
      offset,
      line,
      column: offset - lineStart + 1,
    });
  }

  private syntaxError(chunk: Buffer, i: number, detail: string): InputError {
    return this.error(chunk, i, 'invalid JSON', detail);
  }

  private error(_chunk: Buffer, i: number, problem: string, detail: string): InputError {
    const offset = this.offset + i;
    return new InputError({
      key: this.key,
      problem,
      detail,
      offset,
      line: this.line,
      column: offset - this.lineStart + 1,
    });
  }
}

function isValueStart(c: number): boolean {
  return (
    c === LBRACE ||
    c === LBRACKET ||
    c === QUOTE ||
    c === 0x2d ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x74 ||
    c === 0x66 ||
    c === 0x6e
  );
}

function describe(c: number): string {
  if (c === QUOTE) return 'a string';
  if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return 'a number';
  if (c === 0x74 || c === 0x66) return 'a boolean';
  if (c === 0x6e) return 'null';
  if (c >= 0x21 && c < 0x7f) return `'${String.fromCharCode(c)}'`;
  return `byte 0x${c.toString(16).padStart(2, '0')}`;
}

function toBuffer(chunk: Buffer | Uint8Array | string): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

export interface ReadGraphOptions extends GraphScannerOptions {
  /** Called with the number of bytes just scanned, for progress. */
  onBytes?: (n: number) => void;
}

/** Streams the events of one JSON-LD document read from chunks of bytes. */
export async function* readGraph(
  chunks: AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array | string>,
  opts: ReadGraphOptions,
): AsyncGenerator<GraphEvent> {
  const scanner = new JsonGraphScanner(opts);
  for await (const chunk of chunks) {
    const bytes = toBuffer(chunk);
    opts.onBytes?.(bytes.length);
    yield* scanner.push(bytes);
  }
  yield* scanner.end();
}

/**
 * Finds where and why a JSON text is invalid (JSON.parse does not always say where).
 * Returns undefined when the text is valid. Positions are UTF-16 indexes into `text`.
 */
export function locateJsonError(text: string): { pos: number; reason: string } | undefined {
  const n = text.length;
  const stack: number[] = []; // 0: object, 1: array
  let i = 0;
  let state: 'value' | 'first-value' | 'key' | 'first-key' | 'after' = 'value';
  const token = () => (i >= n ? 'end of input' : `token ${JSON.stringify(text[i])}`);
  const skipWs = () => {
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
    }
  };
  const readString = (): string | undefined => {
    for (i++; i < n;) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        i++;
        return undefined;
      }
      if (c === BACKSLASH) {
        const e = text[i + 1];
        if (e === undefined) return 'unexpected end of input inside a string';
        if ('"\\/bfnrt'.includes(e)) i += 2;
        else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else return 'bad escape sequence in a string';
      } else if (c < 0x20) {
        return 'bad control character in a string';
      } else {
        i++;
      }
    }
    return 'unexpected end of input inside a string';
  };
  const numberRe = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  for (;;) {
    skipWs();
    if (state === 'first-value') {
      if (text[i] === ']') {
        i++;
        stack.pop();
        state = 'after';
        continue;
      }
      state = 'value';
    }
    if (state === 'first-key') {
      if (text[i] === '}') {
        i++;
        stack.pop();
        state = 'after';
        continue;
      }
      state = 'key';
    }
    if (state === 'key') {
      if (i >= n) return { pos: i, reason: 'unexpected end of input' };
      if (text[i] !== '"') return { pos: i, reason: `expected a property name, found ${token()}` };
      const bad = readString();
      if (bad) return { pos: i, reason: bad };
      skipWs();
      if (text[i] !== ':') return { pos: i, reason: `expected ':' after a property name, found ${token()}` };
      i++;
      state = 'value';
      continue;
    }
    if (state === 'value') {
      if (i >= n) return { pos: i, reason: 'unexpected end of input' };
      const c = text[i]!;
      if (c === '{') {
        i++;
        stack.push(0);
        state = 'first-key';
        continue;
      }
      if (c === '[') {
        i++;
        stack.push(1);
        state = 'first-value';
        continue;
      }
      if (c === '"') {
        const bad = readString();
        if (bad) return { pos: i, reason: bad };
      } else if (c === '-' || (c >= '0' && c <= '9')) {
        numberRe.lastIndex = i;
        const m = numberRe.exec(text);
        if (!m) return { pos: i, reason: `unexpected ${token()}` };
        i += m[0].length;
      } else {
        const word = c === 't' ? 'true' : c === 'f' ? 'false' : c === 'n' ? 'null' : '';
        if (!word) return { pos: i, reason: `unexpected ${token()}` };
        for (let k = 0; k < word.length; k++, i++) {
          if (text[i] !== word[k]) return { pos: i, reason: `unexpected ${token()}` };
        }
      }
      state = 'after';
      continue;
    }
    // after a value
    const top = stack[stack.length - 1];
    if (top === undefined) {
      return i < n ? { pos: i, reason: `unexpected ${token()} after the value` } : undefined;
    }
    if (i >= n) return { pos: i, reason: 'unexpected end of input' };
    const c = text[i];
    if (c === ',') {
      i++;
      state = top === 0 ? 'key' : 'value';
    } else if ((top === 0 && c === '}') || (top === 1 && c === ']')) {
      i++;
      stack.pop();
    } else {
      return { pos: i, reason: `expected ',' or '${top === 0 ? '}' : ']'}', found ${token()}` };
    }
  }
}
