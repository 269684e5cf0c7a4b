import { StringDecoder } from 'node:string_decoder';
import Assembler from 'stream-json/assembler.js';
import { jsonParser, type Token } from 'stream-json/parser.js';
import type { DatasetRecord } from '../shared/record.js';
import type { GraphEvent, GraphScanner, GraphScannerOptions } from '../workers/dump/graph-reader.js';
import { InputError } from '../workers/dump/input-error.js';
import { readDatasetRecordsWith, type ObjectSource, type ReadOptions } from '../workers/dump/read-object.js';

const T_START = 0;
const T_OBJ = 1;
const T_OBJ_VALUE = 2;
const T_GRAPH = 3;
const T_ARR = 4;
const T_CAPTURE = 5;
const T_DONE = 6;

const K_CONTEXT = 0;
const K_NODE = 1;
const K_RESIDUE = 2;
const K_SKIP = 3;

/**
 * The same events as JsonGraphScanner, from stream-json 3.8's tokenizer (packed tokens only,
 * `streamValues: false`) and its Assembler. Kept to measure the fast scanner against: it is
 * several times slower, and reports no position on a syntax error.
 */
export class StreamJsonGraphScanner implements GraphScanner {
  private readonly key: string;
  private readonly skipNodes: boolean;
  private readonly decoder = new StringDecoder('utf8');
  private readonly tokenize = jsonParser({ streamValues: false });
  private readonly asm = new Assembler();
  private atStart = true;
  private bytes = 0;
  private state = T_START;
  private propKey = '';
  private graphSeen = false;
  private rootIsArray = false;
  private residue: Record<string, unknown> | undefined;
  private nodeIndex = 0;
  private capKind = K_SKIP;
  private capReturn = T_DONE;
  private events: GraphEvent[] = [];

  constructor(opts: GraphScannerOptions) {
    this.key = opts.key;
    this.skipNodes = opts.skipNodes ?? false;
  }

  push(chunk: Buffer): GraphEvent[] {
    this.bytes += chunk.length;
    this.feed(this.decoder.write(chunk));
    return this.drain();
  }

  end(): GraphEvent[] {
    this.feed(this.decoder.end());
    if (this.state !== T_DONE) {
      throw new InputError({
        key: this.key,
        problem: 'invalid JSON',
        detail: this.bytes === 0 ? 'empty document' : 'unexpected end of input',
        offset: this.bytes,
      });
    }
    return this.drain();
  }

  private drain(): GraphEvent[] {
    const out = this.events;
    if (out.length > 0) this.events = [];
    return out;
  }

  private feed(text: string): void {
    if (!text) return;
    if (this.atStart) {
      this.atStart = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let out: ReturnType<typeof this.tokenize>;
    try {
      out = this.tokenize(text);
    } catch (err) {
      throw new InputError({
        key: this.key,
        problem: 'invalid JSON',
        detail: `${err instanceof Error ? err.message : String(err)} (somewhere before byte ${this.bytes})`,
      });
    }
    if (typeof out === 'symbol') return;
    for (const token of out.values) this.token(token);
  }

  private token(t: Token): void {
    switch (this.state) {
      case T_CAPTURE:
        this.asm.consume(t);
        if (this.asm.done) this.complete();
        return;
      case T_START:
        if (t.name === 'startObject') this.state = T_OBJ;
        else if (t.name === 'startArray') {
          this.rootIsArray = true;
          this.state = T_ARR;
        } else {
          throw new InputError({
            key: this.key,
            problem: 'unexpected JSON-LD shape',
            detail: `expected a JSON-LD document (an object or an array) at the top level, found ${t.name}`,
            offset: 0,
          });
        }
        return;
      case T_OBJ:
        if (t.name === 'keyValue') {
          this.propKey = t.value;
          this.state = T_OBJ_VALUE;
        } else if (t.name === 'endObject') {
          if (!this.rootIsArray && !this.graphSeen && this.residue && !this.skipNodes) {
            this.events.push({ kind: 'node', value: this.residue, index: this.nodeIndex++ });
          }
          this.state = T_DONE;
        }
        return;
      case T_OBJ_VALUE:
        if (this.propKey === '@graph') {
          this.graphSeen = true;
          this.events.push({ kind: 'graph' });
          if (t.name === 'startArray') this.state = T_GRAPH;
          else this.capture(t, t.name === 'startObject' && !this.skipNodes ? K_NODE : K_SKIP, T_OBJ);
        } else if (this.propKey === '@context') {
          this.capture(t, K_CONTEXT, T_OBJ);
        } else {
          this.capture(t, this.graphSeen || this.skipNodes ? K_SKIP : K_RESIDUE, T_OBJ);
        }
        return;
      case T_GRAPH:
      case T_ARR:
        if (t.name === 'endArray') this.state = this.state === T_GRAPH ? T_OBJ : T_DONE;
        else this.capture(t, this.skipNodes ? K_SKIP : K_NODE, this.state);
        return;
      default:
        throw new InputError({
          key: this.key,
          problem: 'invalid JSON',
          detail: 'unexpected data after the document',
        });
    }
  }

  private capture(t: Token, kind: number, ret: number): void {
    this.capKind = kind;
    this.capReturn = ret;
    this.state = T_CAPTURE;
    this.asm.consume(t);
    if (this.asm.done) this.complete();
  }

  private complete(): void {
    const value: unknown = this.asm.current;
    this.asm.current = null;
    this.state = this.capReturn;
    switch (this.capKind) {
      case K_CONTEXT:
        this.events.push({ kind: 'context', value });
        break;
      case K_NODE:
        this.events.push({ kind: 'node', value, index: this.nodeIndex++ });
        break;
      case K_RESIDUE:
        if (this.propKey !== '__proto__') (this.residue ??= {})[this.propKey] = value;
        break;
      default:
        if (this.capReturn !== T_OBJ) this.nodeIndex++;
    }
  }
}

/** readDatasetRecords on stream-json's tokenizer: same records, for the benchmark. */
export function readDatasetRecordsStreamJson(
  src: ObjectSource,
  opts: ReadOptions = {},
): AsyncGenerator<DatasetRecord> {
  return readDatasetRecordsWith(src, opts, (o) => new StreamJsonGraphScanner(o));
}
