import {
  ECOSPHERES_COLUMNS,
  type EcospheresRow,
  type QualityRow,
  type RowValue,
} from '../../shared/columns.js';
import {
  hasType,
  isLiteral,
  isRef,
  literal,
  literals,
  values,
  type DatasetRecord,
  type GraphNode,
  type Value,
} from '../../shared/record.js';
import { parseIsoDate } from './eco-date.js';
import { extractEmail } from './email.js';
import { departementOfCommune, parseInseeIri } from './insee.js';
import { mapStatus } from './status.js';
import { foldForMatch, foldShort, unique } from './text.js';

/** One dataset's Ecosphères indicators and the notes (counter keys) raised while computing them. */
export interface EcospheresResult {
  /** Exactly the keys of `ECOSPHERES_COLUMNS`. */
  row: QualityRow;
  /** De-duplicated `kind` or `kind:detail` keys, e.g. `unparseable_date:modified`, `no_title`. */
  notes: string[];
}

const OPEN_ACCESS_PHRASES = [
  "pas de restriction d'acces public selon inspire",
  'licence ouverte',
  'open licence',
].map(foldForMatch);

const PPRN_PHRASES = ['pprn', 'prevention des risques naturel'];

/** Raw characters before "natur" that a match of "prevention des risques naturel" can span. */
const PPRN_WINDOW = 400;

/**
 * PPRN universe: the folded text contains one of PPRN_PHRASES. Folding (NFD) is the costly part
 * of the whole transform on long French descriptions, so only what can match is folded: "pprn"
 * matches in any case as it is, and "prevention des risques naturel" can only end at an
 * occurrence of "natur", so only a window before each one is folded.
 */
function mentionsPprn(text: string): boolean {
  // case-insensitive searches rather than a lower-cased copy of the whole text; the same matches,
  // as no other character lower-cases to these ASCII letters
  if (PPRN_ANY_CASE.test(text)) return true;
  if (!RISQU_ANY_CASE.test(text)) return false;
  for (const m of text.matchAll(NATUR_ANY_CASE)) {
    const folded = foldForMatch(text.slice(Math.max(0, m.index - PPRN_WINDOW), m.index + 8));
    if (PPRN_PHRASES.some((p) => folded.includes(p))) return true;
  }
  return false;
}

const PPRN_ANY_CASE = /pprn/i;
const RISQU_ANY_CASE = /risqu/i;
const NATUR_ANY_CASE = /natur/gi;

const ORGANISATION_NAME_PROPS = [
  'foaf:name',
  'vcard:fn',
  'vcard:organization-name',
  'skos:prefLabel',
  'rdfs:label',
];

/**
 * Computes indicators.md section 1 for one dataset. Never throws: odd input (missing nodes,
 * literals where nodes were expected, unknown codes, bad dates) degrades to NULL plus a note.
 */
export function computeEcospheres(record: DatasetRecord): EcospheresResult {
  const notes = new Notes();
  try {
    return { row: toQualityRow(compute(new Ctx(record, notes))), notes: notes.list() };
  } catch {
    // A bug here must not sink the run: an empty row, counted.
    notes.add('internal_error', 'ecospheres');
    return { row: emptyRow(), notes: notes.list() };
  }
}

class Notes {
  private readonly keys = new Set<string>();

  add(kind: string, detail?: string): void {
    if (detail === undefined) {
      this.keys.add(kind);
      return;
    }
    // short, one line: notes are counter keys
    const d = detail.replace(/\s+/g, ' ').trim().slice(0, 80);
    this.keys.add(`${kind}:${d}`);
  }

  list(): string[] {
    return [...this.keys];
  }
}

/** What a property value leads to: a node of the record, a literal, or a node the record lacks. */
type Resolved =
  { kind: 'node'; node: GraphNode } | { kind: 'literal'; text: string } | { kind: 'missing'; id: string };

class Ctx {
  constructor(
    readonly record: DatasetRecord,
    readonly notes: Notes,
  ) {}

  node(id: string): GraphNode | undefined {
    return this.record.nodes.get(id);
  }

  resolve(node: GraphNode | undefined, ...props: string[]): Resolved[] {
    const out: Resolved[] = [];
    for (const v of values(node, ...props)) {
      if (isRef(v)) {
        const target = this.node(v.id);
        out.push(target ? { kind: 'node', node: target } : { kind: 'missing', id: v.id });
      } else if (isLiteral(v) && v.v.trim()) {
        out.push({ kind: 'literal', text: v.v.trim() });
      }
    }
    return out;
  }

  /** Nodes a property points to; dangling refs and stray literals are noted under `label`. */
  linkedNodes(node: GraphNode | undefined, label: string, ...props: string[]): GraphNode[] {
    const out: GraphNode[] = [];
    for (const r of this.resolve(node, ...props)) {
      if (r.kind === 'node') out.push(r.node);
      else if (r.kind === 'missing') this.notes.add('missing_node', label);
      else this.notes.add('unexpected_literal', label);
    }
    return out;
  }
}

function isBlank(id: string): boolean {
  return id.startsWith('_:');
}

/** Literal strings and referenced IRIs of a property, in order, de-duplicated (blank ids mean nothing outside their file). */
function strings(node: GraphNode | undefined, ...props: string[]): string[] {
  return unique(
    values(node, ...props)
      .map((v) => (isRef(v) ? v.id : v.v).trim())
      .filter((s) => s.length > 0 && !isBlank(s)),
  );
}

function compute(ctx: Ctx): EcospheresRow {
  const { record, notes } = ctx;
  let root = ctx.node(record.uri);
  if (!root) {
    notes.add('missing_root_node');
    root = { id: record.uri, types: [], p: {} };
  }

  const title = literal(root, 'dcterms:title') ?? null;
  if (title === null) notes.add('no_title');
  const description = literal(root, 'dcterms:description') ?? null;
  if (description === null) notes.add('no_description');

  const rights_statements = rightsStatements(ctx, root);
  const catalogRecords = catalogRecordsOf(ctx, root);
  const { communes, departements } = insee(ctx, root);
  const pprnText = `${title ?? ''} ${description ?? ''}`;

  const row: Omit<EcospheresRow, 'filling_rate'> = {
    title,
    description,
    modified: date(ctx, root, 'dcterms:modified', 'modified'),
    issued: date(ctx, root, 'dcterms:issued', 'issued'),
    created: date(ctx, root, 'dcterms:created', 'created'),
    themes: strings(root, 'dcat:theme'),
    keywords: unique(literals(root, 'dcat:keyword')),
    rights_statements,
    open_access: rights_statements.some((s) => {
      const folded = foldShort(s);
      return OPEN_ACCESS_PHRASES.some((p) => folded.includes(p));
    }),
    rights_holder: organisation(ctx, root, 'rights_holder', 'dcterms:rights_holder', 'dcterms:rightsHolder'),
    publisher: organisation(ctx, root, 'publisher', 'dcterms:publisher'),
    creator: organisation(ctx, root, 'creator', 'dcterms:creator'),
    contact_email: contactEmail(ctx, root, catalogRecords),
    status: status(ctx, root),
    source_catalog: sourceCatalog(ctx, catalogRecords),
    communes,
    departements,
    geo_coverage: communes.length > 0 ? 'Communale' : departements.length > 0 ? 'Départementale' : null,
    universe_pprn: mentionsPprn(pprnText),
    licences: licences(ctx, root),
    is_series: hasType(root, 'dcat:DatasetSeries'),
    in_series: strings(root, 'dcat:inSeries'),
  };
  return { ...row, filling_rate: fillingRate(row) };
}

function date(ctx: Ctx, root: GraphNode, prop: string, column: string): string | null {
  const vs = values(root, prop);
  for (const v of vs) {
    const parsed = isLiteral(v) ? parseIsoDate(v.v) : null;
    if (parsed) return parsed;
  }
  if (vs.length > 0) ctx.notes.add('unparseable_date', column);
  return null;
}

/** rdfs:label of every accessRights statement (one label or many); a literal statement is kept as is. */
function rightsStatements(ctx: Ctx, root: GraphNode): string[] {
  const out: string[] = [];
  for (const r of ctx.resolve(root, 'dcterms:accessRights')) {
    if (r.kind === 'node') out.push(...literals(r.node, 'rdfs:label'));
    else if (r.kind === 'literal') out.push(r.text);
    // an IRI (e.g. an EU access-right code) has no label here; a lost blank node is a defect
    else if (isBlank(r.id)) ctx.notes.add('missing_node', 'accessRights');
  }
  return unique(out);
}

/** Name of the first named organisation; nameless or lost organisations are noted. */
function organisation(ctx: Ctx, root: GraphNode, column: string, ...props: string[]): string | null {
  let name: string | null = null;
  for (const r of ctx.resolve(root, ...props)) {
    let found: string | undefined;
    if (r.kind === 'literal') found = r.text;
    else if (r.kind === 'missing') ctx.notes.add('missing_node', column);
    else {
      for (const p of ORGANISATION_NAME_PROPS) {
        found ??= literal(r.node, p);
      }
      if (found === undefined) ctx.notes.add('organisation_without_name');
    }
    name ??= found ?? null;
  }
  return name;
}

/** The dataset's CatalogRecords: via foaf:isPrimaryTopicOf, or any record whose primaryTopic is the dataset. */
function catalogRecordsOf(ctx: Ctx, root: GraphNode): GraphNode[] {
  const found = ctx.linkedNodes(root, 'isPrimaryTopicOf', 'foaf:isPrimaryTopicOf');
  for (const node of ctx.record.nodes.values()) {
    if (
      hasType(node, 'dcat:CatalogRecord') &&
      !found.includes(node) &&
      values(node, 'foaf:primaryTopic').some((v) => isRef(v) && v.id === root.id)
    ) {
      found.push(node);
    }
  }
  return found;
}

function sourceCatalog(ctx: Ctx, catalogRecords: GraphNode[]): string | null {
  for (const rec of catalogRecords) {
    for (const catalog of ctx.linkedNodes(rec, 'inCatalog', 'dcat:inCatalog')) {
      const t = literal(catalog, 'dcterms:title');
      if (t) return t;
    }
  }
  return null;
}

/** First e-mail of the dataset's contact points, else of its catalog records' ones. */
function contactEmail(ctx: Ctx, root: GraphNode, catalogRecords: GraphNode[]): string | null {
  return emailOfContacts(ctx, [root]) ?? emailOfContacts(ctx, catalogRecords);
}

function emailOfContacts(ctx: Ctx, owners: GraphNode[]): string | null {
  const candidates: string[] = [];
  for (const owner of owners) {
    for (const r of ctx.resolve(owner, 'dcat:contactPoint')) {
      if (r.kind === 'node') {
        for (const v of values(r.node, 'vcard:hasEmail', 'vcard:email')) candidates.push(rawText(v));
      } else if (r.kind === 'literal' || /^mailto:/i.test(r.id)) {
        // an address given in place of the vCard node
        candidates.push(r.kind === 'literal' ? r.text : r.id);
      } else {
        ctx.notes.add('missing_node', 'contactPoint');
      }
    }
  }
  let email: string | null = null;
  for (const c of candidates) {
    const res = extractEmail(c);
    if ('email' in res) email ??= res.email;
    else ctx.notes.add('unrecognised_email', res.reason);
  }
  return email;
}

function rawText(v: Value): string {
  return isRef(v) ? v.id : v.v;
}

/** First status that maps to a label, else the first raw code; every unknown code is noted. */
function status(ctx: Ctx, root: GraphNode): string | null {
  let known: string | null = null;
  let raw: string | null = null;
  for (const v of values(root, 'adms:status')) {
    let text = rawText(v);
    if (isRef(v) && isBlank(v.id)) {
      // a blank concept node: read its code or label
      const node = ctx.node(v.id);
      text =
        literal(node, 'skos:notation') ??
        literal(node, 'skos:prefLabel') ??
        literal(node, 'rdfs:label') ??
        '';
      if (!text) {
        if (node) ctx.notes.add('unknown_status', 'blank_node');
        else ctx.notes.add('missing_node', 'status');
        continue;
      }
    }
    const mapped = mapStatus(text);
    if (!mapped) continue;
    if (mapped.known) known ??= mapped.label;
    else {
      ctx.notes.add('unknown_status', mapped.raw);
      raw ??= mapped.raw;
    }
  }
  return known ?? raw;
}

/** INSEE codes from dcterms:spatial IRIs; departements given, plus those derived from communes. */
function insee(ctx: Ctx, root: GraphNode): { communes: string[]; departements: string[] } {
  const communes: string[] = [];
  const given: string[] = [];
  for (const v of values(root, 'dcterms:spatial')) {
    const place = parseInseeIri(rawText(v));
    if (!place) continue;
    if ('invalid' in place) ctx.notes.add('invalid_insee_code', place.kind);
    else if (place.kind === 'commune') communes.push(place.code);
    else given.push(place.code);
  }
  return {
    communes: unique(communes),
    departements: unique([...given, ...communes.map(departementOfCommune)]),
  };
}

/** Distinct licences of the distributions: IRIs, literal values, or a blank licence node's label. */
function licences(ctx: Ctx, root: GraphNode): string[] {
  const out: string[] = [];
  for (const dist of ctx.linkedNodes(root, 'distribution', 'dcat:distribution')) {
    for (const v of values(dist, 'dcterms:license')) {
      if (isLiteral(v)) {
        if (v.v.trim()) out.push(v.v.trim());
      } else if (!isBlank(v.id)) {
        out.push(v.id);
      } else {
        const node = ctx.node(v.id);
        const label =
          literal(node, 'dcterms:identifier') ??
          literal(node, 'rdfs:label') ??
          literal(node, 'dcterms:title');
        if (label) out.push(label);
        else if (node) ctx.notes.add('licence_without_label', 'blank_node');
        else ctx.notes.add('missing_node', 'license');
      }
    }
  }
  return unique(out);
}

function filled(v: string | string[] | null): boolean {
  return v !== null && v.length > 0;
}

/** 100 x filled / 9, rounded to 2 decimals; empty strings and empty arrays are not filled. */
function fillingRate(row: Omit<EcospheresRow, 'filling_rate'>): number {
  const checks = [
    filled(row.source_catalog),
    filled(row.contact_email),
    filled(row.licences),
    filled(row.modified),
    filled(row.rights_holder),
    filled(row.rights_statements),
    filled(row.communes) || filled(row.departements),
    filled(row.status),
    filled(row.title),
  ];
  const n = checks.filter(Boolean).length;
  return Math.round((n * 10_000) / checks.length) / 100;
}

function toQualityRow(row: EcospheresRow): QualityRow {
  const out: QualityRow = {};
  const typed = row as unknown as Record<string, RowValue | undefined>;
  for (const c of ECOSPHERES_COLUMNS) out[c.name] = typed[c.name] ?? defaultValue(c.type);
  return out;
}

function defaultValue(type: string): RowValue {
  if (type === 'text[]') return [];
  if (type === 'boolean') return false;
  if (type === 'real' || type === 'integer') return 0;
  return null;
}

function emptyRow(): QualityRow {
  const out: QualityRow = {};
  for (const c of ECOSPHERES_COLUMNS) out[c.name] = defaultValue(c.type);
  return out;
}
