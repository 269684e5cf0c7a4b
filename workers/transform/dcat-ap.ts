/**
 * MQA "DCAT-AP compliance", offline: each page (or spilled chunk) of resolved datasets is turned
 * into RDF quads straight from the records (no JSON-LD round trip) and validated at once against
 * the official DCAT-AP SHACL shapes (shacl/, DCAT_AP_SHAPES) by shacl-engine; every result is
 * attributed to the datasets whose graph holds its focus node. One compiled validator per process.
 */
import { readFileSync } from 'node:fs';
import rdf from '@rdfjs/data-model';
import rdfDataset from '@rdfjs/dataset';
import type { DatasetCore, Quad, Term } from '@rdfjs/types';
import { Parser } from 'n3';
import Validator, { type ShaclResult } from 'shacl-engine/Validator.js';
import { CANONICAL_PREFIXES, isRef, type DatasetRecord, type GraphNode } from '../../shared/record.js';

export type DcatApVersion = '2.1.1' | '3.0.1';

/** The base and range shapes of each version (see shacl/SOURCES.md for the files left out). */
const SHAPE_FILES: Record<DcatApVersion, string[]> = {
  '2.1.1': ['dcat-ap_2.1.1_shacl_shapes.ttl', 'dcat-ap_2.1.1_shacl_range.ttl'],
  '3.0.1': ['shapes.ttl', 'range.ttl'],
};

/** At most this many results are kept per dataset (the count of the rest goes to the run notes). */
export const MAX_RESULTS_PER_DATASET = 100;

/** One SHACL result, as `dataset_violations_latest` shows it. */
export interface ShaclViolation {
  focus_node: string;
  path: string | null;
  constraint: string;
  severity: 'Violation' | 'Warning' | 'Info';
  message: string;
  value: string | null;
}

/** A dataset's validation: compliant when no result has severity Violation. */
export interface DcatApVerdict {
  compliant: boolean;
  violations: ShaclViolation[];
  /** Results beyond MAX_RESULTS_PER_DATASET, not kept. */
  dropped: number;
}

const RDF_TYPE = rdf.namedNode('http://www.w3.org/1999/02/22-rdf-syntax-ns#type');
const factory = Object.assign(Object.create(rdf) as object, { dataset: () => rdfDataset.dataset() });

/** `dcat:Dataset` -> the full IRI; anything else (a full IRI, `mailto:`...) as it is. */
function expand(name: string): string {
  const colon = name.indexOf(':');
  if (colon > 0) {
    const ns = CANONICAL_PREFIXES[name.slice(0, colon)];
    if (ns !== undefined && !name.startsWith('//', colon + 1)) return ns + name.slice(colon + 1);
  }
  return name;
}

const subject = (id: string): Quad['subject'] =>
  id.startsWith('_:') ? rdf.blankNode(id.slice(2)) : rdf.namedNode(expand(id));

/** The quads of one node (its types and properties), added to `dataset`. */
function addNode(dataset: DatasetCore, node: GraphNode): void {
  const s = subject(node.id);
  for (const t of node.types) dataset.add(rdf.quad(s, RDF_TYPE, rdf.namedNode(expand(t))));
  for (const [prop, values] of Object.entries(node.p)) {
    const p = rdf.namedNode(expand(prop));
    for (const v of values) {
      const o = isRef(v)
        ? subject(v.id)
        : v.lang
          ? rdf.literal(v.v, v.lang)
          : v.dt
            ? rdf.literal(v.v, rdf.namedNode(expand(v.dt)))
            : rdf.literal(v.v);
      dataset.add(rdf.quad(s, p, o));
    }
  }
}

/**
 * Names for a record's blank nodes that mean something outside their file (blank node labels are
 * file-local: the same dataset read from a page or from one big file gets other labels): the path
 * from the dataset, e.g. `dcat:distribution[2]/dcat:accessService[1]` (first path in property
 * order, 1-based positions in document order).
 */
function blankNodeNames(record: DatasetRecord): Map<string, string> {
  const names = new Map<string, string>();
  const queue: { id: string; path: string }[] = [{ id: record.uri, path: '' }];
  const seen = new Set([record.uri]);
  while (queue.length > 0) {
    const { id, path } = queue.shift()!;
    const node = record.nodes.get(id);
    if (!node) continue;
    for (const prop of Object.keys(node.p).sort()) {
      node.p[prop]!.forEach((v, k) => {
        if (!isRef(v) || seen.has(v.id) || !record.nodes.has(v.id)) return;
        seen.add(v.id);
        const here = `${path ? `${path}/` : ''}${prop}[${k + 1}]`;
        if (v.id.startsWith('_:')) names.set(v.id, here);
        queue.push({ id: v.id, path: here });
      });
    }
  }
  return names;
}

const termId = (t: Term | undefined): string | undefined =>
  t === undefined ? undefined : t.termType === 'BlankNode' ? `_:${t.value}` : t.value;

const localName = (iri: string | undefined): string => (iri ?? '').replace(/^.*[#/]/, '');

/** A result's path as written in SHACL (sequence paths joined with `/`, inverse with `^`). */
function pathOf(result: ShaclResult): string | null {
  if (!result.path?.length) return null;
  return result.path
    .map((step) => {
      const preds = (step.predicates ?? []).map((p) => p.value).join('|');
      return step.start === 'object' ? `^${preds}` : preds;
    })
    .join('/');
}

/** NUL bytes are not allowed in PostgreSQL jsonb text. */
const clean = (s: string) => (s.includes('\0') ? s.replaceAll('\0', '') : s).slice(0, 2000);

function toViolation(r: ShaclResult): ShaclViolation {
  const severity = localName(r.severity?.value);
  return {
    focus_node: clean(termId(r.focusNode?.term) ?? ''),
    path: pathOf(r),
    constraint: localName(r.constraintComponent?.value),
    severity: severity === 'Warning' || severity === 'Info' ? severity : 'Violation',
    message: clean((r.message ?? []).map((m) => m.value).join(' ')),
    value: r.value?.term ? clean(termId(r.value.term)!) : null,
  };
}

export class DcatApValidator {
  private static readonly compiled = new Map<DcatApVersion, DcatApValidator>();
  private readonly validator: Validator;

  private constructor(readonly version: DcatApVersion) {
    const shapes = rdfDataset.dataset();
    for (const file of SHAPE_FILES[version]) {
      const text = readFileSync(new URL(`./shacl/${version}/${file}`, import.meta.url), 'utf8');
      for (const q of new Parser({ factory: rdf }).parse(text)) shapes.add(q);
    }
    this.validator = new Validator(shapes, { factory });
  }

  /** The process's validator for `version`, compiled on first use. */
  static for(version: DcatApVersion): DcatApValidator {
    let v = DcatApValidator.compiled.get(version);
    if (!v) {
      v = new DcatApValidator(version);
      DcatApValidator.compiled.set(version, v);
    }
    return v;
  }

  /**
   * Validates the records' graphs together and returns each dataset's verdict, by dataset IRI. A
   * result on a node two datasets share (a publisher, a contact) counts for both.
   */
  async validate(records: readonly DatasetRecord[]): Promise<Map<string, DcatApVerdict>> {
    const dataset = rdfDataset.dataset();
    const owners = new Map<string, string[]>();
    for (const record of records) {
      for (const node of record.nodes.values()) {
        const list = owners.get(node.id);
        if (list) {
          if (!list.includes(record.uri)) list.push(record.uri);
          continue;
        }
        owners.set(node.id, [record.uri]);
        addNode(dataset, node);
      }
    }
    const report = await this.validator.validate({ dataset });
    const verdicts = new Map<string, DcatApVerdict>(
      records.map((r) => [r.uri, { compliant: true, violations: [], dropped: 0 }]),
    );
    const byUri = new Map(records.map((r) => [r.uri, r]));
    const names = new Map<string, Map<string, string>>();
    const nameIn = (uri: string, id: string | null): string | null => {
      if (id === null || !id.startsWith('_:')) return id;
      let m = names.get(uri);
      if (!m) {
        m = blankNodeNames(byUri.get(uri)!);
        names.set(uri, m);
      }
      return m.get(id) ?? '_:';
    };
    for (const result of report.results) {
      const v = toViolation(result);
      for (const uri of owners.get(v.focus_node) ?? []) {
        const verdict = verdicts.get(uri)!;
        if (v.severity === 'Violation') verdict.compliant = false;
        verdict.violations.push({
          ...v,
          focus_node: nameIn(uri, v.focus_node)!,
          value: nameIn(uri, v.value),
        });
      }
    }
    // the same dataset gives the same list whatever else its page or chunk holds
    for (const v of verdicts.values()) {
      v.violations.sort(byContent);
      if (v.violations.length > MAX_RESULTS_PER_DATASET) {
        v.dropped = v.violations.length - MAX_RESULTS_PER_DATASET;
        v.violations.length = MAX_RESULTS_PER_DATASET;
      }
    }
    return verdicts;
  }
}

const key = (v: ShaclViolation) =>
  `${v.focus_node}\u0001${v.path ?? ''}\u0001${v.constraint}\u0001${v.value ?? ''}\u0001${v.message}`;
function byContent(a: ShaclViolation, b: ShaclViolation): number {
  const ka = key(a);
  const kb = key(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
