import { describe, expect, it } from 'vitest';
import { buildRecord, lit, node, ref, type Props } from '../../test/helpers/fair-records.js';
import type { DatasetRecord, GraphNode } from '../../shared/record.js';
import { DcatApValidator, MAX_RESULTS_PER_DATASET } from './dcat-ap.js';

const validator = DcatApValidator.for('2.1.1');
const PUBLISHER = 'https://example.org/org/ddt74';
const LICENCE = 'https://spdx.org/licenses/etalab-2.0';

/** A dataset that the DCAT-AP 2.1.1 base and range shapes accept, with one distribution. */
function compliant(
  edit?: (p: { dataset: Props; distribution: Props; nodes: GraphNode[] }) => void,
): DatasetRecord {
  const p = {
    dataset: {
      'dcterms:title': lit('Plan de prévention des risques', 'fr'),
      'dcterms:description': lit('Zonage réglementaire du PPRN', 'fr'),
      'dcterms:publisher': ref(PUBLISHER),
      'dcat:keyword': lit('risques', 'fr'),
      'dcat:contactPoint': ref('_:contact'),
    } as Props,
    distribution: {
      'dcat:accessURL': ref('https://data.example.org/files/1.csv'),
      'dcterms:license': ref(LICENCE),
    } as Props,
    nodes: [
      node(PUBLISHER, { 'foaf:name': 'DDT 74' }, ['foaf:Agent']),
      node(LICENCE, {}, ['dcterms:LicenseDocument']),
      node('_:contact', { 'vcard:hasEmail': ref('mailto:ddt@example.gouv.fr') }, ['vcard:Kind']),
    ],
  };
  edit?.(p);
  return buildRecord({ dataset: p.dataset, distributions: [p.distribution], nodes: p.nodes });
}

async function verdictOf(record: DatasetRecord) {
  return (await validator.validate([record])).get(record.uri)!;
}

describe('DCAT-AP 2.1.1 SHACL validation (shacl-engine, official shapes)', () => {
  it('accepts a compliant dataset: no violation', async () => {
    const v = await verdictOf(compliant());
    expect(v.violations.filter((x) => x.severity === 'Violation')).toEqual([]);
    expect(v.compliant).toBe(true);
  });

  it('maxCount: two titles in one language are fine, two publishers are not', async () => {
    const v = await verdictOf(
      compliant((p) => {
        p.dataset['dcterms:publisher'] = [ref(PUBLISHER), ref('https://example.org/org/other')];
        p.nodes.push(node('https://example.org/org/other', { 'foaf:name': 'Autre' }, ['foaf:Agent']));
      }),
    );
    expect(v.compliant).toBe(false);
    expect(v.violations).toContainEqual(
      expect.objectContaining({
        focus_node: 'https://example.org/dataset/1',
        path: 'http://purl.org/dc/terms/publisher',
        constraint: 'MaxCountConstraintComponent',
        severity: 'Violation',
      }),
    );
  });

  it('minCount on a reached node: a publisher without a name, named by its IRI', async () => {
    const v = await verdictOf(compliant((p) => (p.nodes[0] = node(PUBLISHER, {}, ['foaf:Agent']))));
    expect(v.compliant).toBe(false);
    expect(v.violations).toContainEqual(
      expect.objectContaining({
        focus_node: PUBLISHER,
        path: 'http://xmlns.com/foaf/0.1/name',
        constraint: 'MinCountConstraintComponent',
      }),
    );
  });

  it('a data service without a title (and without an endpoint URL)', async () => {
    const v = await verdictOf(
      compliant((p) => {
        p.distribution['dcat:accessService'] = ref('_:service');
        p.nodes.push(node('_:service', { 'dcterms:description': 'WMS' }, ['dcat:DataService']));
      }),
    );
    expect(v.compliant).toBe(false);
    const onService = v.violations.filter(
      (x) => x.focus_node === 'dcat:distribution[1]/dcat:accessService[1]',
    );
    expect(onService.map((x) => x.path)).toEqual(
      expect.arrayContaining(['http://purl.org/dc/terms/title', 'http://www.w3.org/ns/dcat#endpointURL']),
    );
  });

  it('a range violation: a licence IRI not described as a dct:LicenseDocument', async () => {
    const v = await verdictOf(compliant((p) => p.nodes.splice(1, 1)));
    expect(v.violations).toContainEqual(
      expect.objectContaining({
        focus_node: 'dcat:distribution[1]',
        path: 'http://purl.org/dc/terms/license',
        constraint: 'ClassConstraintComponent',
        value: LICENCE,
      }),
    );
  });

  it('validates a page at once and attributes each result to the datasets holding its node', async () => {
    const a = compliant();
    const b = compliant((p) => delete p.dataset['dcterms:description']);
    b.uri = 'https://example.org/dataset/2';
    b.nodes.set(b.uri, { ...b.nodes.get('https://example.org/dataset/1')!, id: b.uri });
    b.nodes.delete('https://example.org/dataset/1');
    const verdicts = await validator.validate([a, b]);
    expect(verdicts.get(a.uri)!.compliant).toBe(true);
    expect(verdicts.get(b.uri)!.compliant).toBe(false);
    expect(verdicts.get(b.uri)!.violations.map((x) => x.path)).toContain(
      'http://purl.org/dc/terms/description',
    );
  });

  it('keeps at most MAX_RESULTS_PER_DATASET results, counting the rest', async () => {
    const many = compliant((p) => {
      p.dataset['dcat:distribution'] = Array.from({ length: 150 }, (_, k) => ref(`_:x${k}`));
      for (let k = 0; k < 150; k++) p.nodes.push(node(`_:x${k}`, {}, ['dcat:Distribution']));
    });
    const v = await verdictOf(many);
    expect(v.violations).toHaveLength(MAX_RESULTS_PER_DATASET);
    expect(v.dropped).toBeGreaterThan(0);
  });

  it('never throws on odd literals (NUL bytes, odd datatypes)', async () => {
    const v = await verdictOf(
      compliant((p) => {
        p.dataset['dcterms:issued'] = lit('pas une date\u0000', undefined, 'xsd:date');
      }),
    );
    expect(v.compliant).toBe(false);
    expect(JSON.stringify(v.violations)).not.toContain('\\u0000');
  });
});

describe('DCAT_AP_SHAPES=3.0.1', () => {
  it('compiles the 3.0.1 shapes and validates with them', async () => {
    const record = compliant((p) => delete p.dataset['dcterms:description']);
    const v = (await DcatApValidator.for('3.0.1').validate([record])).get(record.uri)!;
    expect(v.violations.map((x) => x.path)).toContain('http://purl.org/dc/terms/description');
  });
});
