import { describe, expect, it } from 'vitest';
import { Expander, JsonLdContext } from './expand.js';

const context = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  ex: 'https://ex.org/',
  title: 'dct:title',
  issued: { '@id': 'dct:issued', '@type': 'xsd:date' },
  theme: { '@id': 'dcat:theme', '@type': '@id' },
  label: { '@id': 'http://www.w3.org/2000/01/rdf-schema#label', '@language': 'fr' },
  labels: { '@id': 'http://www.w3.org/2004/02/skos/core#prefLabel', '@container': '@language' },
  id: '@id',
  type: '@type',
};

describe('Expander', () => {
  it('expands prefixed and full-IRI keys to the same canonical property, and merges them', () => {
    const [node] = new Expander(context).expand(
      {
        '@id': 'ex:ds/1',
        '@type': 'dcat:Dataset',
        'http://www.w3.org/2006/vcard/ns#hasEmail': { '@id': 'mailto:a@ex.org' },
        'dct:title': { '@language': 'fr', '@value': 'Titre' },
        'http://purl.org/dc/terms/title': 'Title',
        title: { '@value': 'Tiitel', '@language': 'et' },
        unmapped: 'dropped',
      },
      3,
    );
    expect(node).toEqual({
      id: 'https://ex.org/ds/1',
      types: ['dcat:Dataset'],
      p: {
        'vcard:hasEmail': [{ id: 'mailto:a@ex.org' }],
        'dcterms:title': [{ v: 'Titre', lang: 'fr' }, { v: 'Title' }, { v: 'Tiitel', lang: 'et' }],
      },
    });
  });

  it('makes every property an array, whatever the shape of its values', () => {
    const nodes = new Expander(context).expand(
      {
        '@id': '_:N1',
        '@type': ['dcat:Dataset', 'dcat:DatasetSeries', 'http://www.w3.org/ns/dcat#Dataset'],
        'dcat:keyword': [{ '@language': 'fr', '@value': 'a, b' }, 'c/d'],
        'dct:issued': { '@type': 'xsd:date', '@value': '2019-08-21' },
        'dct:modified': {
          '@type': 'http://www.w3.org/2001/XMLSchema#dateTime',
          '@value': '2019-08-21T10:00:00',
        },
        'dcat:byteSize': 1200.5,
        'ex:big': 12,
        'ex:flag': false,
        'ex:nothing': null,
        'ex:empty': [],
        'ex:list': { '@list': [{ '@id': 'ex:a' }, 'x'] },
        'ex:set': { '@set': ['y'] },
        issued: '2020-01-02',
        theme: ['ex:t1', 'https://themes/t2'],
        label: 'étiquette',
        labels: { fr: 'oui', en: ['yes', 'yeah'] },
      },
      0,
    );
    expect(nodes).toEqual([
      {
        id: '_:N1',
        types: ['dcat:Dataset', 'dcat:DatasetSeries'],
        p: {
          'dcat:keyword': [{ v: 'a, b', lang: 'fr' }, { v: 'c/d' }],
          'dcterms:issued': [
            { v: '2019-08-21', dt: 'xsd:date' },
            { v: '2020-01-02', dt: 'xsd:date' },
          ],
          'dcterms:modified': [{ v: '2019-08-21T10:00:00', dt: 'xsd:dateTime' }],
          'dcat:byteSize': [{ v: '1200.5' }],
          'https://ex.org/big': [{ v: '12' }],
          'https://ex.org/flag': [{ v: 'false' }],
          'https://ex.org/list': [{ id: 'https://ex.org/a' }, { v: 'x' }],
          'https://ex.org/set': [{ v: 'y' }],
          'dcat:theme': [{ id: 'https://ex.org/t1' }, { id: 'https://themes/t2' }],
          'rdfs:label': [{ v: 'étiquette', lang: 'fr' }],
          'skos:prefLabel': [
            { v: 'oui', lang: 'fr' },
            { v: 'yes', lang: 'en' },
            { v: 'yeah', lang: 'en' },
          ],
        },
      },
    ]);
  });

  it('turns embedded node objects into nodes of their own, with stable generated blank ids', () => {
    const element = {
      id: 'ex:ds',
      type: 'dcat:Dataset',
      'dcat:distribution': [
        {
          '@type': 'dcat:Distribution',
          'dct:format': { '@type': 'dct:MediaTypeOrExtent', 'rdfs:label': 'SHP' },
        },
        { '@id': 'ex:dist2', 'dct:title': 'two' },
        { '@id': 'dcat:notANode' },
      ],
    };
    const expander = new Expander({ ...context, rdfs: 'http://www.w3.org/2000/01/rdf-schema#' });
    const nodes = expander.expand(element, 7);
    expect(nodes).toEqual([
      {
        id: 'https://ex.org/ds',
        types: ['dcat:Dataset'],
        p: {
          'dcat:distribution': [
            { id: '_:e7.0' },
            { id: 'https://ex.org/dist2' },
            { id: 'http://www.w3.org/ns/dcat#notANode' },
          ],
        },
      },
      { id: '_:e7.0', types: ['dcat:Distribution'], p: { 'dcterms:format': [{ id: '_:e7.1' }] } },
      { id: '_:e7.1', types: ['dcterms:MediaTypeOrExtent'], p: { 'rdfs:label': [{ v: 'SHP' }] } },
      { id: 'https://ex.org/dist2', types: [], p: { 'dcterms:title': [{ v: 'two' }] } },
    ]);
    expect(expander.expand(element, 7)).toEqual(nodes);
  });

  it('applies @vocab, node-level contexts and nested @graph', () => {
    const expander = new Expander({ '@vocab': 'http://www.w3.org/ns/dcat#' });
    expect(
      expander.expand(
        {
          '@graph': [
            { '@id': 'https://ex.org/a', '@type': 'Dataset', keyword: 'k' },
            { '@context': { t: 'http://purl.org/dc/terms/title' }, '@id': 'https://ex.org/b', t: 'B' },
          ],
        },
        0,
      ),
    ).toEqual([
      { id: 'https://ex.org/a', types: ['dcat:Dataset'], p: { 'dcat:keyword': [{ v: 'k' }] } },
      { id: 'https://ex.org/b', types: [], p: { 'dcterms:title': [{ v: 'B' }] } },
    ]);
  });

  it('with refsOnly, gives the same nodes and ids without their literals', () => {
    const ctx = { ...context, rdfs: 'http://www.w3.org/2000/01/rdf-schema#' };
    const elements: unknown[] = [
      {
        id: 'ex:ds',
        type: ['dcat:Dataset', 'dcat:DatasetSeries'],
        title: 'T',
        issued: '2020-01-01',
        theme: ['ex:t1', 'ex:t2'],
        labels: { fr: 'un', en: ['one'] },
        'dct:extent': 3,
        'dcat:distribution': [
          {
            '@type': 'dcat:Distribution',
            'dct:format': { 'rdfs:label': { '@value': 'SHP', '@language': 'fr' } },
          },
          { '@id': 'ex:dist2', 'dct:title': 'two' },
        ],
        'dcat:keyword': { '@list': ['a', { '@id': 'ex:k' }] },
      },
      // a named-graph wrapper with only literals is still a node; one with nothing is not
      { '@id': 'ex:g', title: 'G', '@graph': [{ '@id': 'ex:in', title: 'in' }] },
      { '@graph': [{ '@id': 'ex:in2', 'dct:isPartOf': { '@id': 'ex:g' } }] },
    ];
    const full = new Expander(ctx);
    const refs = new Expander(ctx, { refsOnly: true });
    elements.forEach((element, index) => {
      const expected = full.expand(element, index).map((n) => ({
        ...n,
        p: Object.fromEntries(
          Object.entries(n.p)
            .map(([k, vs]) => [k, vs.filter((v) => 'id' in v)] as const)
            .filter(([, vs]) => vs.length > 0),
        ),
      }));
      expect(refs.expand(element, index)).toEqual(expected);
    });
  });

  it('keeps names of unknown namespaces and works without a context', () => {
    const [node] = new Expander().expand(
      {
        '@id': 'https://ex.org/a',
        '@type': 'http://www.w3.org/ns/dcat#Dataset',
        'http://ex.org/custom#p': { '@value': 'x', '@type': 'http://ex.org/custom#T' },
        'dcat:keyword': 'k',
      },
      0,
    );
    expect(node).toEqual({
      id: 'https://ex.org/a',
      types: ['dcat:Dataset'],
      p: {
        'http://ex.org/custom#p': [{ v: 'x', dt: 'http://ex.org/custom#T' }],
        'dcat:keyword': [{ v: 'k' }],
      },
    });
  });
});

describe('JsonLdContext', () => {
  it('expands terms, compact IRIs and absolute IRIs', () => {
    const ctx = JsonLdContext.empty().extend([context, { ex: 'https://other.org/' }]);
    expect(ctx.expandIri('ex:a', false)).toBe('https://other.org/a');
    expect(ctx.expandIri('dcat:Dataset', true)).toBe('http://www.w3.org/ns/dcat#Dataset');
    expect(ctx.expandIri('title', true)).toBe('http://purl.org/dc/terms/title');
    expect(ctx.expandIri('http://x.org/y', true)).toBe('http://x.org/y');
    expect(ctx.expandIri('_:b0', false)).toBe('_:b0');
    expect(ctx.expandIri('mailto:a@b', false)).toBe('mailto:a@b');
    expect(ctx.expandIri('plain', true)).toBeNull();
    expect(ctx.typeName('xsd:date')).toBe('xsd:date');
    expect(JsonLdContext.empty().extend({ '@base': 'https://ex.org/dir/' }).expandIri('a', false)).toBe(
      'https://ex.org/dir/a',
    );
  });
});
