import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { DatasetRecord, GraphNode } from '../../shared/record.js';
import { InputError } from './input-error.js';
import { readDatasetRecords, type ObjectSource, type ReadOptions } from './read-object.js';
import { newResolverStats } from './resolver.js';
import { readDatasetRecordsStreamJson } from '../../tools/stream-json-reader.js';

type Chunking = 'whole' | number | { seed: number };

function chunk(bytes: Buffer, how: Chunking): Buffer[] {
  if (how === 'whole') return [bytes];
  const out: Buffer[] = [];
  let s = typeof how === 'number' ? 0 : how.seed;
  for (let i = 0; i < bytes.length;) {
    let n: number;
    if (typeof how === 'number') {
      n = how;
    } else {
      s = (s * 1103515245 + 12345) % 2147483648;
      n = 1 + (s % 97);
    }
    out.push(bytes.subarray(i, i + n));
    i += n;
  }
  return out;
}

/** A re-openable in-memory object that counts its openings. */
function source(
  key: string,
  doc: string | Buffer | object,
  how: Chunking = 'whole',
): ObjectSource & { opens: number } {
  const bytes = Buffer.isBuffer(doc)
    ? doc
    : Buffer.from(typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2));
  const src = {
    key,
    opens: 0,
    open: () => {
      src.opens++;
      return Promise.resolve(Readable.from(chunk(bytes, how)));
    },
  };
  return src;
}

async function collect(gen: AsyncGenerator<DatasetRecord>): Promise<DatasetRecord[]> {
  const out: DatasetRecord[] = [];
  for await (const r of gen) out.push(r);
  return out;
}

const read = (src: ObjectSource, opts?: ReadOptions) => collect(readDatasetRecords(src, opts));
const byIndex = (rs: DatasetRecord[]) => [...rs].sort((a, b) => a.source.index - b.source.index);

const CONTEXT = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  geo: 'http://www.opengis.net/ont/geosparql#',
};
const EX = 'https://catalogue.ex.gouv.fr/';

/** A small page with the shapes of the real export. */
const PAGE_GRAPH = [
  {
    '@id': '_:Nrights1',
    '@type': 'dct:RightsStatement',
    'rdfs:label': [
      "Pas de restriction d'accès public selon INSPIRE",
      { '@language': 'fr', '@value': 'Licence ouverte' },
    ],
  },
  { '@id': `${EX}org/1`, '@type': 'foaf:Organization', 'foaf:name': 'DDT de la Haute-Savoie' },
  {
    '@id': `${EX}dataset/1`,
    '@type': 'dcat:Dataset',
    'dct:title': { '@language': 'fr', '@value': 'Plan de prévention – « Saint-Gervais » €' },
    'dct:issued': { '@type': 'xsd:date', '@value': '2019-08-21' },
    'dcat:keyword': [
      { '@language': 'fr', '@value': 'risques, naturels' },
      { '@language': 'fr', '@value': 'eau/assainissement' },
    ],
    'dcat:theme': {
      '@id': 'http://registre.data.developpement-durable.gouv.fr/ecospheres/themes-ecospheres/risques',
    },
    'dct:accessRights': [{ '@id': '_:Nrights1' }],
    'dct:rights_holder': { '@id': `${EX}org/1` },
    'dct:publisher': { '@id': `${EX}org/2` },
    'dcat:distribution': { '@id': '_:Ndist1' },
    'dcat:contactPoint': { '@id': '_:Nkind1' },
    'dcat:inSeries': { '@id': `${EX}series/1` },
    'dct:spatial': [{ '@id': '_:Nloc1' }, { '@id': 'http://id.insee.fr/geo/commune/2A004' }],
    'http://www.w3.org/ns/adms#status': {
      '@id': 'http://publications.europa.eu/resource/authority/dataset-status/COMPLETED',
    },
  },
  {
    '@id': '_:Ndist1',
    '@type': 'dcat:Distribution',
    'dct:license': { '@id': 'https://spdx.org/licenses/etalab-2.0' },
    'dct:format': { '@id': '_:Nfmt1' },
    'dcat:accessService': { '@id': '_:Nsvc1' },
  },
  { '@id': '_:Nfmt1', '@type': 'dct:MediaTypeOrExtent', 'rdfs:label': 'ESRI Shapefile (SHP)' },
  {
    '@id': '_:Nkind1',
    '@type': 'http://www.w3.org/2006/vcard/ns#Kind',
    'http://www.w3.org/2006/vcard/ns#hasEmail': { '@id': `${EX}dcat/catalog/ddt@ex.gouv.fr` },
  },
  {
    '@id': `${EX}series/1`,
    '@type': ['dcat:Dataset', 'dcat:DatasetSeries'],
    'dct:title': 'Série 😀',
    'dcat:seriesMember': { '@id': `${EX}dataset/1` },
    'dct:rights_holder': [{ '@id': `${EX}org/1` }, { '@id': `${EX}org/2` }],
    'dct:accessRights': { '@id': '_:Nrights1' },
  },
  {
    '@id': '_:Nsvc1',
    '@type': 'dcat:DataService',
    'dct:conformsTo': { '@id': 'http://www.opengis.net/def/serviceType/ogc/wfs' },
  },
  {
    '@id': '_:Nloc1',
    '@type': 'dct:Location',
    'dcat:bbox': { '@type': 'geo:wktLiteral', '@value': 'POLYGON((6 45,7 45,7 46,6 46,6 45))' },
  },
  { '@id': `${EX}org/2`, '@type': 'foaf:Organization', 'foaf:name': 'Ministère' },
  {
    '@id': `${EX}dcat/catalog`,
    '@type': 'http://www.w3.org/ns/hydra/core#PagedCollection',
    'http://www.w3.org/ns/hydra/core#totalItems': 2,
  },
];
const PAGE = { '@context': CONTEXT, '@graph': PAGE_GRAPH };

const org1: GraphNode = {
  id: `${EX}org/1`,
  types: ['foaf:Organization'],
  p: { 'foaf:name': [{ v: 'DDT de la Haute-Savoie' }] },
};
const org2: GraphNode = {
  id: `${EX}org/2`,
  types: ['foaf:Organization'],
  p: { 'foaf:name': [{ v: 'Ministère' }] },
};
const rights1: GraphNode = {
  id: '_:Nrights1',
  types: ['dcterms:RightsStatement'],
  p: {
    'rdfs:label': [
      { v: "Pas de restriction d'accès public selon INSPIRE" },
      { v: 'Licence ouverte', lang: 'fr' },
    ],
  },
};

const EXPECTED_PAGE: DatasetRecord[] = [
  {
    uri: `${EX}dataset/1`,
    source: { key: 'dcat/page-0001.json', index: 2 },
    nodes: new Map(
      Object.entries<GraphNode>({
        [`${EX}dataset/1`]: {
          id: `${EX}dataset/1`,
          types: ['dcat:Dataset'],
          p: {
            'dcterms:title': [{ v: 'Plan de prévention – « Saint-Gervais » €', lang: 'fr' }],
            'dcterms:issued': [{ v: '2019-08-21', dt: 'xsd:date' }],
            'dcat:keyword': [
              { v: 'risques, naturels', lang: 'fr' },
              { v: 'eau/assainissement', lang: 'fr' },
            ],
            'dcat:theme': [
              {
                id: 'http://registre.data.developpement-durable.gouv.fr/ecospheres/themes-ecospheres/risques',
              },
            ],
            'dcterms:accessRights': [{ id: '_:Nrights1' }],
            'dcterms:rights_holder': [{ id: `${EX}org/1` }],
            'dcterms:publisher': [{ id: `${EX}org/2` }],
            'dcat:distribution': [{ id: '_:Ndist1' }],
            'dcat:contactPoint': [{ id: '_:Nkind1' }],
            'dcat:inSeries': [{ id: `${EX}series/1` }],
            'dcterms:spatial': [{ id: '_:Nloc1' }, { id: 'http://id.insee.fr/geo/commune/2A004' }],
            'adms:status': [
              { id: 'http://publications.europa.eu/resource/authority/dataset-status/COMPLETED' },
            ],
          },
        },
        '_:Nrights1': rights1,
        [`${EX}org/1`]: org1,
        [`${EX}org/2`]: org2,
        '_:Ndist1': {
          id: '_:Ndist1',
          types: ['dcat:Distribution'],
          p: {
            'dcterms:license': [{ id: 'https://spdx.org/licenses/etalab-2.0' }],
            'dcterms:format': [{ id: '_:Nfmt1' }],
            'dcat:accessService': [{ id: '_:Nsvc1' }],
          },
        },
        '_:Nfmt1': {
          id: '_:Nfmt1',
          types: ['dcterms:MediaTypeOrExtent'],
          p: { 'rdfs:label': [{ v: 'ESRI Shapefile (SHP)' }] },
        },
        '_:Nsvc1': {
          id: '_:Nsvc1',
          types: ['dcat:DataService'],
          p: { 'dcterms:conformsTo': [{ id: 'http://www.opengis.net/def/serviceType/ogc/wfs' }] },
        },
        '_:Nkind1': {
          id: '_:Nkind1',
          types: ['vcard:Kind'],
          p: { 'vcard:hasEmail': [{ id: `${EX}dcat/catalog/ddt@ex.gouv.fr` }] },
        },
        '_:Nloc1': {
          id: '_:Nloc1',
          types: ['dcterms:Location'],
          p: { 'dcat:bbox': [{ v: 'POLYGON((6 45,7 45,7 46,6 46,6 45))', dt: 'geo:wktLiteral' }] },
        },
      }),
    ),
  },
  {
    uri: `${EX}series/1`,
    source: { key: 'dcat/page-0001.json', index: 6 },
    nodes: new Map(
      Object.entries<GraphNode>({
        [`${EX}series/1`]: {
          id: `${EX}series/1`,
          types: ['dcat:Dataset', 'dcat:DatasetSeries'],
          p: {
            'dcterms:title': [{ v: 'Série 😀' }],
            'dcat:seriesMember': [{ id: `${EX}dataset/1` }],
            'dcterms:rights_holder': [{ id: `${EX}org/1` }, { id: `${EX}org/2` }],
            'dcterms:accessRights': [{ id: '_:Nrights1' }],
          },
        },
        [`${EX}org/1`]: org1,
        [`${EX}org/2`]: org2,
        '_:Nrights1': rights1,
      }),
    ),
  },
];

/**
 * A bigger flat page: blank nodes before and after their dataset, organisations and a catalogue
 * shared before and after, series links between datasets, contact points shared as IRIs.
 */
function bigPage(n: number): object {
  const g: object[] = [
    { '@id': `${EX}org/A`, '@type': 'foaf:Organization', 'foaf:name': 'A' },
    {
      '@id': `${EX}kind/0`,
      '@type': 'http://www.w3.org/2006/vcard/ns#Kind',
      'http://www.w3.org/2006/vcard/ns#fn': 'K0',
    },
  ];
  for (let d = 0; d < n; d++) {
    if (d % 2 === 0) g.push({ '@id': `_:Nr${d}`, '@type': 'dct:RightsStatement', 'rdfs:label': `r${d}` });
    g.push({
      '@id': `${EX}dataset/${d}`,
      '@type': d % 4 === 0 ? ['dcat:Dataset', 'dcat:DatasetSeries'] : 'dcat:Dataset',
      'dct:title': { '@language': 'fr', '@value': `Jeu ${d} é` },
      'dct:accessRights': { '@id': `_:Nr${d}` },
      'dcat:distribution': [{ '@id': `_:Nd${d}a` }, { '@id': `_:Nd${d}b` }],
      'dct:rights_holder': { '@id': `${EX}org/${d % 3 === 0 ? 'B' : 'A'}` },
      'dcat:contactPoint': { '@id': `${EX}kind/${d % 2}` },
      'foaf:isPrimaryTopicOf': { '@id': `_:Nrec${d}` },
      'dcat:theme': { '@id': `http://themes/${d % 5}` },
      ...(d > 0 && d % 5 === 0 ? { 'dcat:inSeries': { '@id': `${EX}dataset/${d - 1}` } } : {}),
      ...(d === 7 ? { 'dct:provenance': { '@id': '_:Ngone' } } : {}),
    });
    g.push({ '@id': `_:Nd${d}a`, '@type': 'dcat:Distribution', 'dct:format': { '@id': `_:Nf${d}` } });
    g.push({
      '@id': `_:Nrec${d}`,
      '@type': 'dcat:CatalogRecord',
      'dcat:inCatalog': { '@id': `${EX}catalog/src` },
    });
    g.push({ '@id': `_:Nf${d}`, '@type': 'dct:MediaTypeOrExtent', 'rdfs:label': 'CSV' });
    if (d % 2 === 1) g.push({ '@id': `_:Nr${d}`, '@type': 'dct:RightsStatement', 'rdfs:label': `r${d}` });
    g.push({ '@id': `_:Nd${d}b`, '@type': 'dcat:Distribution', 'dct:title': `d${d}` });
  }
  g.push({
    '@id': `${EX}kind/1`,
    '@type': 'http://www.w3.org/2006/vcard/ns#Kind',
    'http://www.w3.org/2006/vcard/ns#fn': 'K1',
  });
  g.push({ '@id': `${EX}catalog/src`, '@type': 'dcat:Catalog', 'dct:title': 'GéoIDE Catalogue' });
  g.push({ '@id': `${EX}org/B`, '@type': 'foaf:Organization', 'foaf:name': 'B' });
  return { '@context': CONTEXT, '@graph': g };
}

describe('readDatasetRecords', () => {
  it('resolves datasets with every node they reach, in file order', async () => {
    const records = await read(source('dcat/page-0001.json', PAGE));
    expect(records).toEqual(EXPECTED_PAGE);
  });

  it('gives the same records whatever the chunking (1 byte, 7 bytes, random): UTF-8 split included', async () => {
    for (const how of [1, 7, { seed: 1 }, { seed: 99 }] as Chunking[]) {
      expect(await read(source('dcat/page-0001.json', PAGE, how))).toEqual(EXPECTED_PAGE);
    }
  });

  it('reads gzip, by key suffix or by magic bytes, and reports the stored bytes', async () => {
    const gz = gzipSync(Buffer.from(JSON.stringify(PAGE)));
    const withKey = (k: string) => EXPECTED_PAGE.map((r) => ({ ...r, source: { ...r.source, key: k } }));
    expect(await read(source('dcat/page-0001.json.gz', gz, 7))).toEqual(withKey('dcat/page-0001.json.gz'));
    let bytes = 0;
    expect(await read(source('dcat/page-0001.json', gz, 1), { onBytes: (n) => (bytes += n) })).toEqual(
      EXPECTED_PAGE,
    );
    expect(bytes).toBe(gz.length);
    const err = await read(source('p.json.gz', gz.subarray(0, gz.length - 20))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/^p\.json\.gz: invalid gzip data at byte \d+: /);
  });

  it('does not wait for IRIs that are never described; lists missing waited targets as dangling', async () => {
    const doc = {
      '@context': CONTEXT,
      '@graph': [
        {
          '@id': `${EX}dataset/9`,
          '@type': 'dcat:Dataset',
          'dcat:theme': { '@id': 'http://themes/never' },
          'dct:accessRights': { '@id': '_:Nmissing' },
          'dct:publisher': { '@id': `${EX}org/404` },
          'dcat:distribution': { '@id': '_:Nd' },
        },
        { '@id': `${EX}dataset/10`, '@type': 'dcat:Dataset', 'dcat:theme': { '@id': 'http://themes/never' } },
        { '@id': '_:Nd', '@type': 'dcat:Distribution' },
      ],
    };
    const stats = newResolverStats();
    const records = await read(source('k.json', doc), { stats });
    expect(records.map((r) => [r.uri, [...r.nodes.keys()], r.dangling])).toEqual([
      [`${EX}dataset/9`, [`${EX}dataset/9`, '_:Nd'], ['_:Nmissing', `${EX}org/404`]],
      [`${EX}dataset/10`, [`${EX}dataset/10`], undefined],
    ]);
    expect(stats).toMatchObject({ reads: 1, records: 2, withDangling: 1, deferred: 0 });
  });

  it('gives the same records when evictions defer datasets to further reads (tiny maxNodes)', async () => {
    const doc = bigPage(24);
    const reference = await read(source('big.json', doc));
    expect(reference).toHaveLength(24);
    expect(reference.map((r) => r.source.index)).toEqual(
      [...reference.map((r) => r.source.index)].sort((a, b) => a - b),
    );
    const d7 = reference.find((r) => r.uri === `${EX}dataset/7`);
    expect(d7?.dangling).toEqual(['_:Ngone']);
    const d5 = reference.find((r) => r.uri === `${EX}dataset/5`)!;
    expect([...d5.nodes.keys()].sort()).toEqual(
      [
        `${EX}dataset/5`,
        '_:Nr5',
        '_:Nd5a',
        '_:Nd5b',
        '_:Nf5',
        '_:Nrec5',
        `${EX}catalog/src`,
        `${EX}org/A`,
        `${EX}kind/1`,
      ].sort(),
    );
    for (const maxNodes of [1, 3, 10, 40]) {
      const stats = newResolverStats();
      const src = source('big.json', doc, { seed: maxNodes });
      const records = await read(src, { maxNodes, stats });
      expect(byIndex(records)).toEqual(reference);
      expect(stats.evicted).toBeGreaterThan(0);
      expect(stats.deferred).toBeGreaterThan(0);
      expect(stats.reads).toBeGreaterThan(1);
      expect(src.opens).toBe(stats.reads);
      // first-pass records in file order, then the deferred ones in file order
      const firstPass = records.slice(0, records.length - stats.deferred).map((r) => r.source.index);
      const deferred = records.slice(records.length - stats.deferred).map((r) => r.source.index);
      expect(firstPass).toEqual([...firstPass].sort((a, b) => a - b));
      expect(deferred).toEqual([...deferred].sort((a, b) => a - b));
    }
  });

  it('copes with @context after @graph by fetching the context first, reporting the bytes once', async () => {
    const text = JSON.stringify({ '@graph': PAGE_GRAPH, '@context': CONTEXT });
    let bytes = 0;
    const src = source('dcat/page-0001.json', text, 5);
    expect(await read(src, { onBytes: (n) => (bytes += n) })).toEqual(EXPECTED_PAGE);
    expect(bytes).toBe(Buffer.byteLength(text));
    expect(src.opens).toBe(3);
  });

  it('reads plain JSON-LD variants: top-level array, single node, bare @graph with embedded nodes', async () => {
    const ds = 'http://www.w3.org/ns/dcat#';
    const embedded = {
      '@graph': [
        {
          '@id': `${EX}dataset/e`,
          '@type': `${ds}Dataset`,
          [`${ds}distribution`]: {
            '@type': `${ds}Distribution`,
            'http://purl.org/dc/terms/format': { 'http://www.w3.org/2000/01/rdf-schema#label': 'CSV' },
          },
          'http://purl.org/dc/terms/publisher': { '@id': `${EX}org/e` },
        },
        { '@id': `${EX}org/e`, 'http://xmlns.com/foaf/0.1/name': 'E' },
      ],
    };
    const [rec] = await read(source('e.json', embedded));
    expect(rec).toEqual({
      uri: `${EX}dataset/e`,
      source: { key: 'e.json', index: 0 },
      nodes: new Map(
        Object.entries<GraphNode>({
          [`${EX}dataset/e`]: {
            id: `${EX}dataset/e`,
            types: ['dcat:Dataset'],
            p: { 'dcat:distribution': [{ id: '_:e0.0' }], 'dcterms:publisher': [{ id: `${EX}org/e` }] },
          },
          '_:e0.0': {
            id: '_:e0.0',
            types: ['dcat:Distribution'],
            p: { 'dcterms:format': [{ id: '_:e0.1' }] },
          },
          '_:e0.1': { id: '_:e0.1', types: [], p: { 'rdfs:label': [{ v: 'CSV' }] } },
          [`${EX}org/e`]: { id: `${EX}org/e`, types: [], p: { 'foaf:name': [{ v: 'E' }] } },
        }),
      ),
    });
    const array = [{ '@context': CONTEXT, '@id': `${EX}a`, '@type': 'dcat:Dataset', 'dct:title': 'A' }];
    expect((await read(source('a.json', array))).map((r) => r.nodes.get(r.uri))).toEqual([
      { id: `${EX}a`, types: ['dcat:Dataset'], p: { 'dcterms:title': [{ v: 'A' }] } },
    ]);
    const single = { '@id': `${EX}s`, '@type': 'dcat:Dataset', 'dct:title': 'S', '@context': CONTEXT };
    expect((await read(source('s.json', single))).map((r) => r.nodes.get(r.uri))).toEqual([
      { id: `${EX}s`, types: ['dcat:Dataset'], p: { 'dcterms:title': [{ v: 'S' }] } },
    ]);
  });

  it('fails on truncated JSON naming the key, byte offset, line and column', async () => {
    const text = JSON.stringify(PAGE, null, 2);
    const cut = text.indexOf('"rdfs:label": "ESRI') + 20;
    const prefix = text.slice(0, cut);
    const line = prefix.split('\n').length;
    const column = Buffer.byteLength(prefix.slice(prefix.lastIndexOf('\n') + 1)) + 1;
    const offset = Buffer.byteLength(prefix);
    for (const how of ['whole', 7] as Chunking[]) {
      const err = await read(source('dcat/page-0042.json', prefix, how)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toBe(
        `dcat/page-0042.json: invalid JSON at byte ${offset} (line ${line}, column ${column}): unexpected end of input inside @graph element 4`,
      );
    }
  });

  it('fails on a document that is not JSON-LD', async () => {
    const err = await read(source('dcat/x.json', '"a string"')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(
      'dcat/x.json: unexpected JSON-LD shape at byte 0 (line 1, column 1): expected a JSON-LD document (an object or an array) at the top level, found a string',
    );
  });
});

describe('readDatasetRecordsStreamJson', () => {
  it('gives the same records as the fast reader', async () => {
    expect(await collect(readDatasetRecordsStreamJson(source('dcat/page-0001.json', PAGE, 7)))).toEqual(
      EXPECTED_PAGE,
    );
    const big = bigPage(16);
    const fast = await read(source('big.json', big, { seed: 5 }));
    expect(await collect(readDatasetRecordsStreamJson(source('big.json', big, { seed: 5 })))).toEqual(fast);
    expect(await collect(readDatasetRecordsStreamJson(source('big.json', big, 3), { maxNodes: 5 }))).toEqual(
      await read(source('big.json', big, 3), { maxNodes: 5 }),
    );
    const late = JSON.stringify({ '@graph': PAGE_GRAPH, '@context': CONTEXT });
    expect(await collect(readDatasetRecordsStreamJson(source('dcat/page-0001.json', late, 11)))).toEqual(
      EXPECTED_PAGE,
    );
  });

  it('fails with an InputError on bad input', async () => {
    const cut = JSON.stringify(PAGE).slice(0, 300);
    await expect(collect(readDatasetRecordsStreamJson(source('k.json', cut)))).rejects.toThrow(InputError);
    await expect(collect(readDatasetRecordsStreamJson(source('k.json', '"s"')))).rejects.toThrow(
      /unexpected JSON-LD shape/,
    );
  });
});
