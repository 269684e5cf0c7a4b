import type { DatasetRecord, GraphNode, Ref, Value } from '../../shared/record.js';

/** The type that makes a node a dataset record of its own (series are datasets too). */
export const DATASET_TYPE = 'dcat:Dataset';

/**
 * Properties whose IRI targets a dataset waits for: they are described in the same file when they
 * are described at all. Other IRI targets (themes, licences, INSEE places, status codes) are
 * usually never nodes: waiting for them would hold every dataset until the end of the file.
 * Blank node targets are always waited for. dcterms:format and dcterms:accessRights are left out:
 * as IRIs they are EU authority codes (file types, access rights), never described in the dump.
 */
export const WAIT_PROPERTIES: ReadonlySet<string> = new Set([
  'foaf:isPrimaryTopicOf',
  'dcat:inCatalog',
  'dcat:distribution',
  'dcat:contactPoint',
  'dcterms:publisher',
  'dcterms:creator',
  'dcterms:rightsHolder',
  'dcterms:rights_holder',
  'dcat:accessService',
  'dcterms:provenance',
  'dcterms:temporal',
]);

/**
 * Nodes many datasets share, kept in memory for the whole read (within a quarter of maxNodes):
 * the agents and catalogues named by an IRI (a CKAN export describes each organisation once,
 * anywhere in the file, and its datasets refer to it from everywhere; see isSharedByType for the
 * blank ones), and any node a second dataset reaches. Evicting one of them would send each later
 * dataset that reaches it to a re-read of the object.
 */
export const SHARED_TYPES: ReadonlySet<string> = new Set([
  'foaf:Organization',
  'foaf:Agent',
  'foaf:Person',
  'org:Organization',
  'dcat:Catalog',
]);

/**
 * A node kept for the whole read by its type: an agent or a catalogue named by an IRI. A blank one
 * (a CKAN export gives each catalogue record its own blank dcat:Catalog: 76 on a page of 100
 * datasets) is described next to the one record that points to it; should a second dataset reach
 * it, it is shared from then on. Keeping the blank ones too filled the kept quarter with them and
 * pushed the organisations out: on the one-file dump, 276 datasets re-read (4 reads of the object,
 * twice the time) with a 10,000-node bound, none now.
 */
export function isSharedByType(node: GraphNode): boolean {
  return !isBlank(node.id) && node.types.some((t) => SHARED_TYPES.has(t));
}

/** Properties whose targets are shared agents or catalogues, whatever their type (but blank ones). */
const SHARED_PROPERTIES: ReadonlySet<string> = new Set([
  'dcat:inCatalog',
  'dcterms:publisher',
  'dcterms:creator',
  'dcterms:rightsHolder',
  'dcterms:rights_holder',
]);

/** The expanded nodes of one `@graph` element, with the element's position. */
export interface ExpandedElement {
  index: number;
  nodes: GraphNode[];
}

/** Reads the object from its start, every time it is called (`read` counts the reads, 0 first). */
export type ElementSource = (
  read: number,
  accept?: (index: number, bytes: Buffer) => boolean,
) => AsyncIterable<ExpandedElement[]>;

/**
 * A cheap pre-filter of a re-read: the elements whose raw bytes may describe one of `wanted`
 * (they hold its id's last segment, which a compact IRI keeps, or they are the element a generated
 * blank id `_:e<element>.<n>` comes from). Undefined (parse every element) when an id has no
 * literal segment to look for, or when too many are wanted for a byte search to pay.
 */
export function elementFilter(
  wanted: ReadonlySet<string>,
): ((index: number, bytes: Buffer) => boolean) | undefined {
  if (wanted.size > 64) return undefined;
  const needles: Buffer[] = [];
  const elements = new Set<number>();
  for (const id of wanted) {
    const generated = /^_:e(\d+)\./.exec(id);
    if (generated) {
      elements.add(Number(generated[1]));
      continue;
    }
    const tail = id.slice(Math.max(id.lastIndexOf('/'), id.lastIndexOf('#'), id.lastIndexOf(':')) + 1);
    if (tail.length < 4 || !/^[A-Za-z0-9._~!$&'()*+,;=@%-]+$/.test(tail)) return undefined;
    needles.push(Buffer.from(tail));
  }
  return (index, bytes) => elements.has(index) || needles.some((n) => bytes.includes(n));
}

export interface ResolverOptions {
  /** Object key, copied into `record.source.key`. */
  key: string;
  /** Nodes kept in memory at most (RESOLVER_MAX_NODES). Default 200,000. */
  maxNodes?: number;
  /** Datasets held waiting at most; beyond, the oldest is deferred. Default maxNodes / 20. */
  maxPending?: number;
  /** Reads of the object per batch of deferred datasets at most. Default 8. */
  maxPasses?: number;
  /** Filled while resolving: how much work the bounds caused. */
  stats?: ResolverStats;
}

export interface ResolverStats {
  /** Reads of the object (1 when everything resolved in the first pass). */
  reads: number;
  /** Nodes dropped from memory to stay under maxNodes. */
  evicted: number;
  /** Datasets resolved by re-reading the object. */
  deferred: number;
  records: number;
  /** Records with at least one dangling reference. */
  withDangling: number;
}

export function newResolverStats(): ResolverStats {
  return { reads: 0, evicted: 0, deferred: 0, records: 0, withDangling: 0 };
}

const PENDING = 0;
const DEFERRED = 1;
const EMITTED = 2;

interface Pending {
  id: string;
  index: number;
  seq: number;
  /** Ids of the nodes reached so far (the dataset's own first), all present in the store... */
  closure: Set<string>;
  /** ...and their store entries, in the same order. */
  entries: Entry[];
  /** Targets that must be seen before the dataset is complete. */
  waiting: Set<string>;
  /** IRI targets not waited for and not seen yet: included if seen by the time of emission. */
  optional: string[];
  /** Their hashes (hashId), in the same order. */
  optionalHashes: number[];
  state: number;
}

interface Entry {
  node: GraphNode;
  /** hashId(node.id): its place in the node table. */
  hash: number;
  /** Typed dcat:Dataset: refs to it are never followed. */
  dataset: boolean;
  /** Still in the store (entries held by pending datasets may be evicted under pressure). */
  alive: boolean;
  /** How many pending datasets hold this node in their closure (evicting it defers them). */
  pins: number;
  /** Part of an emitted record already: the first to evict. */
  consumed: boolean;
  /** Shared by datasets (see SHARED_TYPES): evicted last, from the kept list. */
  shared: boolean;
  /** Clock of the last emission that used the node, and of its (re)placing in the lru list. */
  used: number;
  listed: number;
  /** Its place in an eviction list (lru or fresh), when in one. */
  list: EntryList | undefined;
  prev: Entry | undefined;
  next: Entry | undefined;
}

/** The pending datasets waiting for one id: mostly one, many for a shared node. */
type Waiters = Pending | Set<Pending>;

interface DeferredDataset {
  id: string;
  index: number;
  seq: number;
}

function isBlank(id: string): boolean {
  return id.startsWith('_:');
}

function refId(v: Value): string | undefined {
  return (v as Ref).id;
}

function valueKey(v: Value): string {
  const id = refId(v);
  return id !== undefined ? `@${id}` : JSON.stringify(v);
}

/**
 * The JSON text of one `@graph` element as read, with its position: what a spilled chunk carries
 * (transform parses and expands it again) instead of the element's nodes.
 */
export interface ElementText {
  index: number;
  /**
   * Its JSON text: kept when the element cannot be read again by its place (a gzipped object), or
   * when it describes an agent or a catalogue (read far from where they lie, by many chunks).
   */
  text?: string;
  /** The id of the element's own node (the first of its nodes). */
  top: string | undefined;
  /**
   * Where its bytes lie in the object as stored, when it is not compressed: a ranged GET reads
   * them again (two fields, not an object: one ElementText per element is held while resolving).
   */
  offset?: number;
  length?: number;
}

/**
 * A node reduced to what resolution looks at (its id, types and references, no literal), with
 * the elements that describe it, in file order. The resolver holds these instead of whole nodes
 * when it only decides what each record holds (extract on a huge object): a fraction of the heap,
 * and of the values to walk.
 */
export interface SourcedNode extends GraphNode {
  /** The one element (most nodes: no array held for each), or the elements, in file order. */
  src: ElementText | ElementText[];
}

/** The elements describing a sourced node, in file order (undefined for a node that is not one). */
export function sourcesOf(node: GraphNode): ElementText[] | undefined {
  const src = (node as Partial<SourcedNode>).src;
  return src === undefined || Array.isArray(src) ? src : [src];
}

/** The elements describing both nodes (sourced nodes only), each once, in file order. */
function mergedSources(a: GraphNode, b: GraphNode): ElementText | ElementText[] | undefined {
  const ra = (a as Partial<SourcedNode>).src;
  const rb = (b as Partial<SourcedNode>).src;
  if (ra === undefined || rb === undefined) return ra ?? rb;
  const out = [...sourcesOf(a)!];
  for (const e of sourcesOf(b)!) if (!out.includes(e)) out.push(e);
  return out.length === 1 ? out[0]! : out;
}

/** One node described twice (same id): the union of types and values. Returns a new node. */
export function mergeNodes(a: GraphNode, b: GraphNode): GraphNode {
  const types = [...a.types];
  for (const t of b.types) if (!types.includes(t)) types.push(t);
  const p: Record<string, Value[]> = { ...a.p };
  for (const [prop, vs] of Object.entries(b.p)) {
    const cur = p[prop];
    if (!cur) {
      p[prop] = vs;
      continue;
    }
    const seen = new Set(cur.map(valueKey));
    const merged = [...cur];
    for (const v of vs) {
      const k = valueKey(v);
      if (!seen.has(k)) {
        seen.add(k);
        merged.push(v);
      }
    }
    p[prop] = merged;
  }
  const src = mergedSources(a, b);
  if (src === undefined) return { id: a.id, types, p };
  const sourced: SourcedNode = { id: a.id, types, p, src };
  return sourced;
}

/**
 * The record of a dataset whose every node is at hand: the dataset node and every node it reaches
 * (never through another dataset). A missing target is dangling when it was expected to be
 * described (a blank node, or a property of WAIT_PROPERTIES); other IRIs (themes, licences...)
 * stay plain references.
 */
export function recordOf(
  root: GraphNode,
  source: DatasetRecord['source'],
  store: ReadonlyMap<string, GraphNode>,
  datasets: IdSet,
): DatasetRecord {
  const nodes = new Map([[root.id, root]]);
  let dangling: Set<string> | undefined;
  const stack = [root];
  while (stack.length > 0) {
    const props = stack.pop()!.p;
    for (const prop in props) {
      for (const v of props[prop]!) {
        const t = refId(v);
        if (t === undefined) continue;
        const target = store.get(t);
        if (target === undefined) {
          if ((WAIT_PROPERTIES.has(prop) || isBlank(t)) && !datasets.has(t)) (dangling ??= new Set()).add(t);
          continue;
        }
        // by the node's own id, the very string the Map holds: a hit compares no characters
        const id = target.id;
        if (nodes.has(id) || datasets.has(id)) continue;
        nodes.set(id, target);
        stack.push(target);
      }
    }
  }
  const record: DatasetRecord = { uri: root.id, source, nodes };
  if (dangling) record.dangling = [...dangling].sort();
  return record;
}

/** A 53-bit hash of an id (never 0): evicted ids are remembered as numbers, not strings. */
function hashId(s: string): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  const n = s.length;
  let i = 0;
  // two UTF-16 units a step: half the multiplications in each of the two chains
  for (; i + 1 < n; i += 2) {
    const c = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
  }
  if (i < n) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b) ^ n;
  return (h1 >>> 0) * 0x200000 + ((h2 >>> 0) & 0x1fffff) || 1;
}

/**
 * Hashes of the ids looked up but not held: mostly the same few thousand IRIs over and over
 * (themes, licences, formats, places), whose hash a Map finds faster than it is computed.
 */
const lookedUp = new Map<string, number>();

function lookupHash(id: string): number {
  let h = lookedUp.get(id);
  if (h === undefined) {
    h = hashId(id);
    if (lookedUp.size >= 16_384) lookedUp.clear();
    lookedUp.set(id, h);
  }
  return h;
}

/** What the resolver asks of a set of ids. */
export interface IdSet {
  has(id: string): boolean;
}

/**
 * Ids remembered by their 53-bit hash, 8 bytes each in one open-addressing table: a Set of the ids
 * (or of their hashes, each a heap number) costs 5 to 10 times more, and every full garbage
 * collection walks it. Hundreds of thousands of evicted ids stay a few MB.
 */
export class HashedIds implements IdSet {
  private slots = new Float64Array(1024);
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(id: string): void {
    this.addHash(hashId(id));
  }

  /** add(), given the id's hash (hashId). */
  addHash(h: number): void {
    if ((this.count + 1) * 2 > this.slots.length) this.grow();
    if (this.insert(this.slots, h)) this.count++;
  }

  has(id: string): boolean {
    return this.count > 0 && this.hasHash(lookupHash(id));
  }

  /** has(), given the id's hash (hashId; lookupHash caches it): one hash for several sets. */
  hasHash(h: number): boolean {
    if (this.count === 0) return false;
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let i = (h >>> 0) & mask; ; i = (i + 1) & mask) {
      const v = slots[i]!;
      if (v === h) return true;
      if (v === 0) return false;
    }
  }

  private insert(slots: Float64Array, h: number): boolean {
    const mask = slots.length - 1;
    for (let i = (h >>> 0) & mask; ; i = (i + 1) & mask) {
      const v = slots[i]!;
      if (v === h) return false;
      if (v === 0) {
        slots[i] = h;
        return true;
      }
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2);
    for (const h of old) if (h !== 0) this.insert(this.slots, h);
  }
}

/**
 * The nodes in memory, by id: open addressing on the ids' 53-bit hashes (hashId), which the
 * resolver computes once per reference and also asks the dataset and evicted sets with. A Map of
 * the ids hashes each fresh id string again, and compares it with a key string elsewhere in the
 * heap at every probe: most lookups are misses (a reference met before its node), and each cost
 * a cache miss or two; here a miss reads one typed array.
 */
export class NodeTable {
  private hashes = new Float64Array(1024);
  private entries: (Entry | undefined)[] = new Array<Entry | undefined>(1024).fill(undefined);
  size = 0;

  get(h: number, id: string): Entry | undefined {
    const hashes = this.hashes;
    const mask = hashes.length - 1;
    for (let i = (h >>> 0) & mask; ; i = (i + 1) & mask) {
      const v = hashes[i]!;
      if (v === 0) return undefined;
      if (v === h) {
        const e = this.entries[i]!;
        if (e.node.id === id) return e;
      }
    }
  }

  /** Adds an entry whose id is not in the table. */
  add(e: Entry): void {
    if ((this.size + 1) * 2 > this.hashes.length) this.grow();
    this.place(e);
    this.size++;
  }

  delete(e: Entry): void {
    const hashes = this.hashes;
    const entries = this.entries;
    const mask = hashes.length - 1;
    let i = (e.hash >>> 0) & mask;
    while (entries[i] !== e) {
      if (hashes[i] === 0) return;
      i = (i + 1) & mask;
    }
    // backward-shift deletion: what follows in the run moves up if its home allows
    for (let j = (i + 1) & mask; hashes[j] !== 0; j = (j + 1) & mask) {
      const home = (hashes[j]! >>> 0) & mask;
      if (i <= j ? home <= i || home > j : home <= i && home > j) {
        hashes[i] = hashes[j]!;
        entries[i] = entries[j];
        i = j;
      }
    }
    hashes[i] = 0;
    entries[i] = undefined;
    this.size--;
  }

  *values(): IterableIterator<Entry> {
    for (const e of this.entries) if (e !== undefined) yield e;
  }

  clear(): void {
    this.hashes = new Float64Array(1024);
    this.entries = new Array<Entry | undefined>(1024).fill(undefined);
    this.size = 0;
  }

  private place(e: Entry): void {
    const hashes = this.hashes;
    const mask = hashes.length - 1;
    let i = (e.hash >>> 0) & mask;
    while (hashes[i] !== 0) i = (i + 1) & mask;
    hashes[i] = e.hash;
    this.entries[i] = e;
  }

  private grow(): void {
    const old = this.entries;
    this.hashes = new Float64Array(this.hashes.length * 2);
    this.entries = new Array<Entry | undefined>(this.hashes.length).fill(undefined);
    for (const e of old) if (e !== undefined) this.place(e);
  }
}

/**
 * An eviction order: an intrusive doubly-linked list of entries. A Map used as a queue (delete
 * at the front, set at the back) leaves its deleted slots at the front, and every scan from the
 * front walks over them: quadratic on a huge object.
 */
class EntryList {
  head: Entry | undefined;
  tail: Entry | undefined;
  size = 0;

  push(e: Entry): void {
    if (e.list) e.list.remove(e);
    e.list = this;
    e.prev = this.tail;
    e.next = undefined;
    if (this.tail) this.tail.next = e;
    else this.head = e;
    this.tail = e;
    this.size++;
  }

  remove(e: Entry): void {
    if (e.list !== this) return;
    if (e.prev) e.prev.next = e.next;
    else this.head = e.next;
    if (e.next) e.next.prev = e.prev;
    else this.tail = e.prev;
    e.prev = e.next = e.list = undefined;
    this.size--;
  }

  clear(): void {
    for (let e = this.head; e;) {
      const next = e.next;
      e.prev = e.next = e.list = undefined;
      e = next;
    }
    this.head = this.tail = undefined;
    this.size = 0;
  }
}

/**
 * The first pass: nodes in file order in, complete dataset records out, in the file order of the
 * datasets. Holds at most `maxNodes` nodes; datasets it cannot finish within its bounds are listed
 * in `deferred` for a re-read.
 */
class FirstPass {
  /** Every dataset id of the object (ids only): refs to them are never followed. */
  readonly datasets = new HashedIds();
  readonly deferred: DeferredDataset[] = [];
  private readonly store = new NodeTable();
  // eviction order: consumed nodes (least recently used first), then the others (oldest first)
  private readonly lru = new EntryList();
  private readonly fresh = new EntryList();
  private readonly kept = new EntryList();
  private readonly maxKept: number;
  private readonly evicted = new HashedIds();
  private readonly waiters = new Map<string, Waiters>();
  private queue: Pending[] = [];
  private head = 0;
  private active = 0;
  private seq = 0;
  private clock = 0;
  private out: DatasetRecord[] = [];

  constructor(
    private readonly key: string,
    private readonly maxNodes: number,
    private readonly maxPending: number,
    private readonly stats: ResolverStats,
  ) {
    this.maxKept = Math.floor(maxNodes / 4);
  }

  add(index: number, node: GraphNode): void {
    const id = node.id;
    const h = hashId(id);
    let entry = this.store.get(h, id);
    if (entry) {
      entry.node = mergeNodes(entry.node, node);
      if (entry.pins > 0) for (const p of this.holding(id)) this.traverse(p, entry);
    } else {
      if (this.store.size >= this.maxNodes) this.makeRoom();
      entry = {
        node,
        hash: h,
        dataset: false,
        alive: true,
        pins: 0,
        consumed: false,
        shared: false,
        used: 0,
        listed: 0,
        list: undefined,
        prev: undefined,
        next: undefined,
      };
      this.store.add(entry);
      this.fresh.push(entry);
    }
    if (!entry.shared && isSharedByType(entry.node)) {
      entry.shared = true;
      if (entry.list === this.fresh) this.keep(entry);
    }
    if (!entry.dataset && entry.node.types.includes(DATASET_TYPE)) this.open(index, entry);
    const ws = this.waiters.get(id);
    if (ws !== undefined) {
      this.waiters.delete(id);
      if (ws instanceof Set) for (const p of ws) this.arrived(p, entry);
      else this.arrived(ws, entry);
    }
    this.flush();
  }

  /** End of the object: what is still missing is dangling. */
  finish(): void {
    for (let i = this.head; i < this.queue.length; i++) {
      const p = this.queue[i]!;
      if (p.state === PENDING) this.catchUp(p);
      if (p.state === PENDING) this.emit(p, [...p.waiting]);
    }
    this.queue = [];
    this.head = 0;
  }

  /**
   * After finish(): frees the nodes and returns a test of whether an id is described in the object
   * (every node went through the store, so its id is either still there or remembered as evicted).
   */
  seal(): (id: string) => boolean {
    for (const e of this.store.values()) this.evicted.addHash(e.hash);
    this.store.clear();
    this.lru.clear();
    this.fresh.clear();
    this.kept.clear();
    this.waiters.clear();
    const evicted = this.evicted;
    return (id) => evicted.has(id);
  }

  take(): DatasetRecord[] {
    const out = this.out;
    if (out.length > 0) this.out = [];
    return out;
  }

  private open(index: number, entry: Entry): void {
    const id = entry.node.id;
    entry.dataset = true;
    this.datasets.addHash(entry.hash);
    const p: Pending = {
      id,
      index,
      seq: this.seq++,
      closure: new Set(),
      entries: [],
      waiting: new Set(),
      optional: [],
      optionalHashes: [],
      state: PENDING,
    };
    this.queue.push(p);
    this.active++;
    this.pin(p, entry);
    this.traverse(p, entry);
    for (let i = this.head; this.active > this.maxPending && i < this.queue.length; i++) {
      const oldest = this.queue[i]!;
      if (oldest.state === PENDING && oldest !== p) this.defer(oldest);
    }
  }

  private arrived(p: Pending, entry: Entry): void {
    if (p.state !== PENDING) return;
    p.waiting.delete(entry.node.id);
    if (entry.dataset || p.closure.has(entry.node.id)) return;
    this.pin(p, entry);
    this.traverse(p, entry);
  }

  /** Follows the refs of `start` (already in p's closure) transitively. */
  private traverse(p: Pending, start: Entry): void {
    const stack = [start];
    while (stack.length > 0) {
      const props = stack.pop()!.node.p;
      for (const prop in props) {
        const wait = WAIT_PROPERTIES.has(prop);
        for (const v of props[prop]!) {
          const t = refId(v);
          if (t === undefined) continue;
          const h = hashId(t);
          const target = this.store.get(h, t);
          if (target !== undefined) {
            if (target.dataset || p.closure.has(t)) continue;
            if (!target.shared && SHARED_PROPERTIES.has(prop) && !isBlank(t)) target.shared = true;
            this.pin(p, target);
            stack.push(target);
            continue;
          }
          if (this.datasets.hasHash(h)) {
            continue;
          } else if (this.evicted.hasHash(h)) {
            // it was in memory and is gone: only a re-read can complete this dataset
            this.defer(p);
            return;
          } else if (wait || isBlank(t)) {
            if (!p.waiting.has(t)) {
              p.waiting.add(t);
              this.wait(t, p);
            }
          } else {
            p.optional.push(t);
            p.optionalHashes.push(h);
          }
        }
      }
    }
  }

  /** Includes the IRI targets not waited for that have been seen since they were met. */
  private catchUp(p: Pending): void {
    if (p.optional.length === 0) return;
    const optional = p.optional;
    const hashes = p.optionalHashes;
    p.optional = [];
    p.optionalHashes = [];
    for (let k = 0; k < optional.length; k++) {
      const t = optional[k]!;
      const h = hashes[k]!;
      const target = this.store.get(h, t);
      if (target !== undefined) {
        if (target.dataset || p.closure.has(t)) continue;
        this.pin(p, target);
        this.traverse(p, target);
      } else if (this.evicted.hasHash(h)) {
        this.defer(p);
      }
      if (p.state !== PENDING) return;
    }
  }

  /** The pending datasets whose closure holds an id (a rare path: merges, evictions under pressure). */
  private holding(id: string): Pending[] {
    const out: Pending[] = [];
    for (let i = this.head; i < this.queue.length; i++) {
      const p = this.queue[i]!;
      if (p.state === PENDING && p.closure.has(id)) out.push(p);
    }
    return out;
  }

  private wait(t: string, p: Pending): void {
    const ws = this.waiters.get(t);
    if (ws === undefined) this.waiters.set(t, p);
    else if (ws instanceof Set) ws.add(p);
    else if (ws !== p) this.waiters.set(t, new Set([ws, p]));
  }

  private unwait(t: string, p: Pending): void {
    const ws = this.waiters.get(t);
    if (ws === p) {
      this.waiters.delete(t);
    } else if (ws instanceof Set && ws.delete(p) && ws.size === 0) {
      this.waiters.delete(t);
    }
  }

  private pin(p: Pending, entry: Entry): void {
    p.closure.add(entry.node.id);
    p.entries.push(entry);
    entry.pins++;
  }

  /** Evicts until one more node fits. */
  private makeRoom(): void {
    while (this.store.size >= this.maxNodes) {
      const e = this.victim();
      if (e === undefined) return;
      e.alive = false;
      this.store.delete(e);
      e.list?.remove(e);
      this.evicted.addHash(e.hash);
      this.stats.evicted++;
      if (e.pins > 0) for (const p of this.holding(e.node.id)) this.defer(p);
    }
  }

  /**
   * Consumed nodes first, least recently used (a node used again since it was listed gets a second
   * chance at the back of the list); then the oldest others; then the shared nodes, least recently
   * used; a node held by a pending dataset only when every node is held.
   */
  private victim(): Entry | undefined {
    for (let budget = this.lru.size; budget > 0 && this.lru.head; budget--) {
      const e = this.lru.head;
      if (e.pins === 0 && e.used <= e.listed) return e;
      e.listed = this.clock;
      this.lru.push(e);
    }
    for (let budget = this.fresh.size; budget > 0 && this.fresh.head; budget--) {
      const e = this.fresh.head;
      if (e.pins === 0) return e;
      this.fresh.push(e);
    }
    for (let budget = this.kept.size; budget > 0 && this.kept.head; budget--) {
      const e = this.kept.head;
      if (e.pins === 0) return e;
      this.kept.push(e);
    }
    return this.fresh.head ?? this.lru.head ?? this.kept.head;
  }

  private release(p: Pending, consumed: boolean): void {
    if (consumed) this.clock++;
    for (const e of p.entries) {
      e.pins--;
      if (!consumed || !e.alive) continue;
      e.used = this.clock;
      // a node reached by a second dataset is shared
      if (e.consumed) e.shared = true;
      else e.consumed = true;
      if (e.shared) this.keep(e);
      else if (e.list !== this.lru) {
        e.listed = this.clock;
        this.lru.push(e);
      }
    }
    for (const t of p.waiting) this.unwait(t, p);
    p.closure.clear();
    p.entries = [];
    p.waiting.clear();
    p.optional = [];
    p.optionalHashes = [];
    this.active--;
  }

  /** Moves a shared node to the back of the kept list; the least recently used beyond its bound go back to lru. */
  private keep(e: Entry): void {
    this.kept.push(e);
    while (this.kept.size > this.maxKept && this.kept.head) {
      const old = this.kept.head;
      old.shared = false;
      old.listed = this.clock;
      this.lru.push(old);
    }
  }

  private defer(p: Pending): void {
    if (p.state !== PENDING) return;
    p.state = DEFERRED;
    this.release(p, false);
    this.deferred.push({ id: p.id, index: p.index, seq: p.seq });
    this.stats.deferred++;
  }

  private emit(p: Pending, dangling?: string[]): void {
    const nodes = new Map<string, GraphNode>();
    for (const e of p.entries) nodes.set(e.node.id, e.node);
    const record: DatasetRecord = { uri: p.id, source: { key: this.key, index: p.index }, nodes };
    if (dangling && dangling.length > 0) {
      record.dangling = dangling.sort();
      this.stats.withDangling++;
    }
    p.state = EMITTED;
    this.release(p, true);
    this.out.push(record);
    this.stats.records++;
  }

  /** Emits, in file order, the datasets at the head of the queue that are complete. */
  private flush(): void {
    while (this.head < this.queue.length) {
      const p = this.queue[this.head]!;
      if (p.state === PENDING) {
        if (p.waiting.size > 0) break;
        this.catchUp(p);
        if (p.waiting.size > 0) break;
        if (p.state === PENDING) this.emit(p);
      }
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}

interface SecondPassOptions {
  key: string;
  batchSize: number;
  maxPasses: number;
  stats: ResolverStats;
}

/**
 * Datasets the first pass could not finish: re-read the object to collect exactly the nodes they
 * reach, batch by batch (so memory stays bounded), repeating a read while it discovered ids that
 * may lie earlier in the file.
 */
async function* secondPass(
  open: ElementSource,
  deferred: DeferredDataset[],
  datasets: IdSet,
  exists: (id: string) => boolean,
  opts: SecondPassOptions,
): AsyncGenerator<DatasetRecord> {
  const sorted = [...deferred].sort((a, b) => a.seq - b.seq);
  for (let b = 0; b < sorted.length; b += opts.batchSize) {
    const batch = sorted.slice(b, b + opts.batchSize);
    const roots = new Set(batch.map((d) => d.id));
    const wanted = new Set(roots);
    const got = new Map<string, GraphNode>();
    const foundIn = new Map<string, number>();
    for (let pass = 0; pass < opts.maxPasses; pass++) {
      const added: string[] = [];
      for await (const elements of open(opts.stats.reads++, elementFilter(wanted))) {
        for (const element of elements) {
          for (const node of element.nodes) {
            const id = node.id;
            if (!wanted.has(id)) continue;
            // a node found by an earlier read was collected whole then
            const seenIn = foundIn.get(id);
            if (seenIn !== undefined && seenIn !== pass) continue;
            foundIn.set(id, pass);
            const prev = got.get(id);
            got.set(id, prev ? mergeNodes(prev, node) : node);
            if (datasets.has(id) && !roots.has(id)) continue;
            for (const vs of Object.values(node.p)) {
              for (const v of vs) {
                const t = refId(v);
                if (t === undefined || wanted.has(t) || datasets.has(t) || !exists(t)) continue;
                wanted.add(t);
                added.push(t);
              }
            }
          }
        }
      }
      // ids known to exist but not met after their referrer lie earlier in the object
      if (!added.some((t) => !got.has(t))) break;
    }
    for (const d of batch) {
      const root = got.get(d.id);
      if (!root)
        throw new Error(`${opts.key}: dataset ${d.id} was not found again when re-reading the object`);
      const record = recordOf(root, { key: opts.key, index: d.index }, got, datasets);
      if (record.dangling) opts.stats.withDangling++;
      opts.stats.records++;
      yield record;
    }
  }
}

/**
 * Resolves the flat graph of ONE object into dataset records: each dataset node with every node it
 * reaches (never through another dataset), emitted once complete. Records of the first read come
 * in the file order of their datasets; datasets deferred by the memory bounds follow, in file order.
 * A non-waited IRI target (see WAIT_PROPERTIES) is included when it is known by the time its
 * dataset is emitted; in a re-read, when it is anywhere in the object.
 */
export async function* resolveDatasets(
  open: ElementSource,
  opts: ResolverOptions,
): AsyncGenerator<DatasetRecord> {
  const maxNodes = Math.max(1, opts.maxNodes ?? 200_000);
  const maxPending = Math.max(1, opts.maxPending ?? Math.floor(maxNodes / 20));
  const stats = opts.stats ?? newResolverStats();
  const first = new FirstPass(opts.key, maxNodes, maxPending, stats);
  for await (const elements of open(stats.reads++)) {
    for (const element of elements) {
      for (const node of element.nodes) first.add(element.index, node);
    }
    yield* first.take();
  }
  first.finish();
  yield* first.take();
  if (first.deferred.length > 0) {
    const exists = first.seal();
    yield* secondPass(open, first.deferred, first.datasets, exists, {
      key: opts.key,
      batchSize: maxPending,
      maxPasses: Math.max(1, opts.maxPasses ?? 8),
      stats,
    });
  }
}
