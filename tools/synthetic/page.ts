import {
  HYDRA,
  buildDataset,
  orgInfo,
  orgNode,
  sharedCatalogIri,
  sharedCatalogNode,
  type FileScope,
  type Json,
  type JsonNode,
} from './nodes.js';
import { STREAM, type DumpPlan, type ResolvedOptions } from './plan.js';
import { Rng, fmix32, hashInts, hex8 } from './random.js';

/** The `@context` of every file: prefixes only (vcard, adms and hydra are missing on purpose). */
export const CONTEXT: Readonly<Record<string, string>> = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dcterms: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  geo: 'http://www.opengis.net/ont/geosparql#',
  locn: 'http://www.w3.org/ns/locn#',
  owl: 'http://www.w3.org/2002/07/owl#',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  schema: 'http://schema.org/',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  spdx: 'http://spdx.org/rdf/terms#',
  time: 'http://www.w3.org/2006/time#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
};

/** Every REUSE_EVERY-th blank id of a page repeats an id of the page before (for another node). */
const REUSE_EVERY = 197;
const REUSE_AT = 41;

/** `_:N` + 32 hex digits; the first 8 are a bijection of the counter: unique within a file. */
export function blankId(seed: number, file: number, counter: number): string {
  const key = hashInts(seed, STREAM.blank, file);
  return (
    `_:N${hex8(fmix32(counter ^ key))}` +
    `${hex8(hashInts(seed, STREAM.blank, file, counter, 1))}` +
    `${hex8(hashInts(seed, STREAM.blank, file, counter, 2))}` +
    `${hex8(hashInts(seed, STREAM.blank, file, counter, 3))}`
  );
}

/** The blank ids of one file, in allocation order. */
export class BlankIds {
  private counter = 0;

  constructor(
    private readonly seed: number,
    private readonly file: number,
    private readonly reuse: boolean,
  ) {}

  next(): string {
    const c = this.counter++;
    // an id the previous file gave to a different node: ids are unique within a file only
    if (this.reuse && this.file > 0 && c % REUSE_EVERY === REUSE_AT)
      return blankId(this.seed, this.file - 1, c + 1);
    return blankId(this.seed, this.file, c);
  }
}

/** The file scope of one chunk: shared nodes are collected as they are first referenced. */
class ChunkScope implements FileScope {
  readonly shared: JsonNode[] = [];
  private readonly ids = new Map<string, string>();

  constructor(
    private readonly opts: ResolvedOptions,
    private readonly blanks: BlankIds,
    /** Single file: IRI nodes already written by an earlier chunk. */
    private readonly written: Set<string> | undefined,
  ) {}

  blank(): string {
    return this.blanks.next();
  }

  org(k: number): string {
    const known = this.ids.get(`o${k}`);
    if (known) return known;
    const info = orgInfo(this.opts, k);
    const id = info.iri ?? this.blanks.next();
    this.ids.set(`o${k}`, id);
    this.emit(id, info.iri !== undefined, () => orgNode(info, id));
    return id;
  }

  sharedCatalog(k: number): string {
    const id = sharedCatalogIri(this.opts, k);
    if (!this.ids.has(`c${k}`)) {
      this.ids.set(`c${k}`, id);
      this.emit(id, true, () => sharedCatalogNode(this.opts, k, id));
    }
    return id;
  }

  private emit(id: string, isIri: boolean, build: () => JsonNode): void {
    if (isIri && this.written) {
      if (this.written.has(id)) return;
      this.written.add(id);
    }
    this.shared.push(build());
  }
}

/** Inserts each extra node at a random position of base. */
function scatter(r: Rng, base: JsonNode[], extra: JsonNode[]): JsonNode[] {
  const slots = extra.map((node) => ({ at: r.int(0, base.length), node })).sort((a, b) => a.at - b.at);
  const out: JsonNode[] = [];
  let s = 0;
  for (let n = 0; n <= base.length; n++) {
    while (s < slots.length && slots[s]?.at === n) out.push((slots[s++] as { node: JsonNode }).node);
    const node = base[n];
    if (node) out.push(node);
  }
  return out;
}

/** One chunk (a page, or a piece of the single file) laid out in file order. */
export interface ChunkLayout {
  nodes: JsonNode[];
  /** Dataset IRIs in file order. */
  datasetIris: string[];
}

/**
 * The nodes of one chunk in file order. Each dataset is mostly followed by the nodes it points
 * to; about 2% of those come just before it, 2% at the end of the chunk, and 10% of datasets
 * come after some of their own nodes. Shared nodes and `extra` land anywhere.
 */
export function layoutChunk(
  plan: DumpPlan,
  k: number,
  datasets: number[],
  blanks: BlankIds,
  written: Set<string> | undefined,
  extra: (iris: string[]) => JsonNode[],
): ChunkLayout {
  const r = new Rng(plan.opts.seed, STREAM.layout, k);
  const scope = new ChunkScope(plan.opts, blanks, written);
  const body: JsonNode[] = [];
  const late: JsonNode[] = [];
  const datasetIris: string[] = [];
  for (const i of datasets) {
    const built = buildDataset(plan, i, scope);
    datasetIris.push(built.dataset['@id'] as string);
    const group = [...r.shuffle(built.direct), ...r.shuffle(built.deeper)];
    const kept: JsonNode[] = [];
    for (const node of group) {
      const x = r.next();
      if (x < 0.02) body.push(node);
      else if (x < 0.04) late.push(node);
      else kept.push(node);
    }
    const at = r.chance(0.1) ? r.int(1, Math.min(kept.length, 6)) : 0;
    kept.splice(at, 0, built.dataset);
    body.push(...kept);
  }
  body.push(...late);
  return { nodes: scatter(r, body, [...scope.shared, ...extra(datasetIris)]), datasetIris };
}

const FRA = 'http://publications.europa.eu/resource/authority/language/FRA';

/** The exporting catalogue: its dcat:dataset lists the file's datasets. */
export function exportingCatalog(opts: ResolvedOptions, iris: string[]): JsonNode {
  const node: JsonNode = {
    '@id': `https://${opts.host}/`,
    '@type': 'dcat:Catalog',
    'dcterms:title': { '@language': 'fr', '@value': 'Ecosphères' },
    'dcterms:description': {
      '@language': 'fr',
      '@value': "Catalogue des données de l'écologie, de l'énergie, des territoires et de la mer.",
    },
    'dcterms:language': { '@id': FRA },
    'dcterms:modified': { '@type': 'xsd:date', '@value': '2024-11-02' },
    'foaf:homepage': { '@id': `https://${opts.host}/` },
  };
  if (iris.length > 0)
    node['dcat:dataset'] =
      iris.length === 1 ? { '@id': iris[0] as string } : iris.map((id) => ({ '@id': id }));
  return node;
}

function pageUrl(opts: ResolvedOptions, page: number): string {
  return `https://${opts.host}/catalog.jsonld?page=${page}`;
}

/** The page's hydra:PagedCollection (paging links as plain strings, counts as xsd:integer). */
export function hydraNode(plan: DumpPlan, k: number): JsonNode {
  const { opts } = plan;
  const integer = (n: number): Json => ({ '@type': 'xsd:integer', '@value': String(n) });
  const node: JsonNode = {
    '@id': pageUrl(opts, k + 1),
    '@type': `${HYDRA}PagedCollection`,
    [`${HYDRA}firstPage`]: pageUrl(opts, 1),
    [`${HYDRA}itemsPerPage`]: integer(plan.itemsPerPage),
    [`${HYDRA}lastPage`]: pageUrl(opts, plan.chunks),
    [`${HYDRA}totalItems`]: integer(opts.datasets),
  };
  if (k + 1 < plan.chunks) node[`${HYDRA}nextPage`] = pageUrl(opts, k + 2);
  if (k > 0) node[`${HYDRA}previousPage`] = pageUrl(opts, k);
  return node;
}

// ---------------------------------------------------------------- serialisation

/** What rdflib writes: keys sorted, indent 2 (the text equals JSON.stringify(doc, null, 2)). */
export function documentHead(): string {
  const context = JSON.stringify({ '@context': CONTEXT }, null, 2);
  return `${context.slice(0, -2)},\n  "@graph": [\n`;
}

/** Closes `@graph` and the document. */
export const DOCUMENT_TAIL = '\n  ]\n}';

/** Appends JSON.stringify(value, null, 2) at the given indent to out (one join at the end: few ropes). */
function pretty(value: Json, indent: string, out: string[]): void {
  if (typeof value === 'string') {
    out.push(JSON.stringify(value));
    return;
  }
  if (typeof value !== 'object') {
    out.push(String(value));
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push('[]');
      return;
    }
    for (let n = 0; n < value.length; n++) {
      out.push(n === 0 ? `[\n${inner}` : `,\n${inner}`);
      pretty(value[n] as Json, inner, out);
    }
    out.push(`\n${indent}]`);
    return;
  }
  let first = true;
  for (const key in value) {
    out.push(`${first ? '{\n' : ',\n'}${inner}${JSON.stringify(key)}: `);
    pretty(value[key] as Json, inner, out);
    first = false;
  }
  out.push(first ? '{}' : `\n${indent}}`);
}

function appendNode(node: JsonNode, out: string[]): void {
  const sorted: JsonNode = {};
  for (const key of Object.keys(node).sort()) sorted[key] = node[key] as Json;
  out.push('    ');
  pretty(sorted, '    ', out);
}

/** One node as it sits inside `@graph` (keys sorted, as rdflib writes them). */
export function nodeText(node: JsonNode): string {
  const out: string[] = [];
  appendNode(node, out);
  return out.join('');
}

/** Nodes as they sit inside `@graph`, separated by commas. */
export function nodesText(nodes: JsonNode[]): string {
  const out: string[] = [];
  for (const [n, node] of nodes.entries()) {
    if (n > 0) out.push(',\n');
    appendNode(node, out);
  }
  return out.join('');
}

/** Page k as text. */
export function renderPage(plan: DumpPlan, k: number, datasets: number[]): string {
  const blanks = new BlankIds(plan.opts.seed, k, true);
  const { nodes } = layoutChunk(plan, k, datasets, blanks, undefined, (iris) => [
    exportingCatalog(plan.opts, iris),
    hydraNode(plan, k),
  ]);
  return documentHead() + nodesText(nodes) + DOCUMENT_TAIL;
}
