import type { DatasetRecord, GraphNode, Value } from '../../shared/record.js';

/** Hand-written dataset records for the FAIR score tests. Strings are literals; use `ref()` for IRIs. */

type Prop = string | Value | (string | Value)[];
export type Props = Record<string, Prop>;

export const ref = (id: string): Value => ({ id });
export const lit = (v: string, lang?: string, dt?: string): Value => ({
  v,
  ...(lang ? { lang } : {}),
  ...(dt ? { dt } : {}),
});
export const date = (v: string): Value => lit(v, undefined, 'xsd:date');

function toValues(p: Prop): Value[] {
  return (Array.isArray(p) ? p : [p]).map((v) => (typeof v === 'string' ? { v } : v));
}

export function node(id: string, props: Props = {}, types: string[] = []): GraphNode {
  return { id, types, p: Object.fromEntries(Object.entries(props).map(([k, v]) => [k, toValues(v)])) };
}

export const DATASET_URI = 'https://example.org/dataset/1';

/**
 * A record: the dataset's props, its distributions (ids `_:d1`, `_:d2`... linked by
 * dcat:distribution) and any other nodes they point to.
 */
export function buildRecord(
  opts: { dataset?: Props; distributions?: Props[]; nodes?: GraphNode[]; uri?: string } = {},
): DatasetRecord {
  const uri = opts.uri ?? DATASET_URI;
  const dists = (opts.distributions ?? []).map((p, i) => node(`_:d${i + 1}`, p, ['dcat:Distribution']));
  const dataset = node(uri, opts.dataset ?? {}, ['dcat:Dataset']);
  if (dists.length > 0) dataset.p['dcat:distribution'] = dists.map((d) => ({ id: d.id }));
  const nodes = new Map([[uri, dataset]]);
  for (const n of [...dists, ...(opts.nodes ?? [])]) nodes.set(n.id, n);
  return { uri, source: { key: 'test.json', index: 0 }, nodes };
}

export const ACCESS_URL = 'https://data.example.org/access/1';
export const DOWNLOAD_URL = 'https://data.example.org/files/1.csv';

/** Every MQA and udata criterion met (URL statuses aside): the props of {@link fullRecord}. */
export function fullProps(): { dataset: Props; distribution: Props; nodes: GraphNode[] } {
  return {
    dataset: {
      'dcterms:title': lit('Plan de prévention des risques', 'fr'),
      'dcterms:description': lit('D'.repeat(101), 'fr'),
      'dcat:keyword': [lit('risques', 'fr'), lit('inondation, crue', 'fr')],
      'dcat:theme': ref(
        'http://registre.data.developpement-durable.gouv.fr/ecospheres/themes-ecospheres/risques',
      ),
      'dcterms:spatial': [ref('_:loc'), ref('http://id.insee.fr/geo/commune/74079')],
      'dcterms:temporal': ref('_:period'),
      'dcterms:accessRights': ref('http://publications.europa.eu/resource/authority/access-right/PUBLIC'),
      'dcat:contactPoint': ref('_:contact'),
      'dcterms:publisher': ref('_:org'),
      'dcterms:issued': date('2019-08-21'),
      'dcterms:modified': date('2024-01-10'),
      'dcterms:accrualPeriodicity': ref('http://publications.europa.eu/resource/authority/frequency/ANNUAL'),
    },
    distribution: {
      'dcat:accessURL': ref(ACCESS_URL),
      'dcat:downloadURL': ref(DOWNLOAD_URL),
      'dcterms:format': ref('_:fmt'),
      'dcat:mediaType': ref('https://www.iana.org/assignments/media-types/text/csv'),
      'dcterms:license': ref('https://spdx.org/licenses/etalab-2.0'),
      'dcterms:rights': ref('_:rights'),
      'dcat:byteSize': lit('1024', undefined, 'xsd:decimal'),
      'dcterms:description': lit('Le fichier CSV', 'fr'),
    },
    nodes: [
      node('_:fmt', { 'rdfs:label': 'CSV' }, ['dcterms:MediaTypeOrExtent']),
      node('_:loc', { 'dcat:bbox': lit('POLYGON((0 0,1 0,1 1,0 1,0 0))', undefined, 'geo:wktLiteral') }, [
        'dcterms:Location',
      ]),
      node('_:period', { 'dcat:startDate': date('2020-01-01') }, ['dcterms:PeriodOfTime']),
      node('_:contact', { 'vcard:hasEmail': ref('mailto:someone@example.gouv.fr') }, ['vcard:Kind']),
      node('_:org', { 'foaf:name': 'DDT 74' }, ['foaf:Organization']),
      node('_:rights', { 'rdfs:label': 'Réutilisation libre' }, ['dcterms:RightsStatement']),
    ],
  };
}

/** A record meeting every criterion; `edit` may change the props first. */
export function fullRecord(edit?: (p: ReturnType<typeof fullProps>) => void): DatasetRecord {
  const p = fullProps();
  edit?.(p);
  return buildRecord({ dataset: p.dataset, distributions: [p.distribution], nodes: p.nodes });
}
