import { describe, expect, it } from 'vitest';
import { ECOSPHERES_COLUMNS } from '../../shared/columns.js';
import type { DatasetRecord, GraphNode, Literal, Value } from '../../shared/record.js';
import { computeEcospheres } from './ecospheres.js';

// --- a tiny record builder -------------------------------------------------------------------

type In = Value | string;
type Props = Record<string, In | In[]>;

const DS = 'https://catalogue.example.org/dataset/ds-1';
const ref = (id: string): Value => ({ id });
const fr = (v: string): Literal => ({ v, lang: 'fr' });
const en = (v: string): Literal => ({ v, lang: 'en' });
const date = (v: string): Literal => ({ v, dt: 'xsd:date' });
const dateTime = (v: string): Literal => ({ v, dt: 'xsd:dateTime' });

function node(id: string, types: string | string[], props: Props = {}): GraphNode {
  const p: Record<string, Value[]> = {};
  for (const [k, raw] of Object.entries(props)) {
    p[k] = (Array.isArray(raw) ? raw : [raw]).map((x) => (typeof x === 'string' ? { v: x } : x));
  }
  return { id, types: Array.isArray(types) ? types : [types], p };
}

/** A record whose root is the dataset `DS` with `props`, plus the other nodes given. */
function record(props: Props, others: GraphNode[] = [], types: string[] = ['dcat:Dataset']): DatasetRecord {
  const nodes = new Map([[DS, node(DS, types, props)]]);
  for (const n of others) nodes.set(n.id, n);
  return { uri: DS, source: { key: 'dump/page-001.json', index: 0 }, nodes };
}

const run = (props: Props, others: GraphNode[] = [], types?: string[]) =>
  computeEcospheres(record(props, others, types));

const INSEE = 'http://id.insee.fr/geo';
const ETALAB = 'https://spdx.org/licenses/etalab-2.0';
const EU_STATUS = 'http://publications.europa.eu/resource/authority/dataset-status';
const ISO_STATUS = 'http://registre.data.developpement-durable.gouv.fr/ecospheres/ISO19139ProgressCode';

/** A catalog record pointing to a catalogue titled "GéoIDE Catalogue", with its own contact. */
const catalogNodes = (email = 'mailto:catalogue@example.gouv.fr'): GraphNode[] => [
  node('_:Nrec', 'dcat:CatalogRecord', {
    'dcterms:identifier': 'ds-1',
    'dcat:inCatalog': ref('https://geoide.example.org/catalog'),
    'dcat:contactPoint': ref('_:NrecKind'),
  }),
  node('https://geoide.example.org/catalog', 'dcat:Catalog', { 'dcterms:title': 'GéoIDE Catalogue' }),
  node('_:NrecKind', 'vcard:Kind', { 'vcard:hasEmail': ref(email) }),
];

// --- the whole row -----------------------------------------------------------------------------

describe('computeEcospheres: a complete dataset', () => {
  const rec = record(
    {
      'dcterms:title': fr('Plan de prévention des risques naturels – Chamonix'),
      'dcterms:description': fr('Zonage réglementaire.'),
      'dcterms:issued': date('2019-08-21'),
      'dcterms:modified': dateTime('2021-03-04T23:30:00+01:00'),
      'dcterms:created': '2018-01-02',
      'dcat:keyword': [fr('risques, naturels'), fr('avalanche/neige'), fr('risques, naturels')],
      'dcat:theme': [
        ref('http://registre.data.developpement-durable.gouv.fr/ecospheres/themes-ecospheres/risques'),
        ref('http://registre.data.developpement-durable.gouv.fr/ecospheres/themes-ecospheres/amenagement'),
      ],
      'dcterms:accessRights': [ref('_:Nar1'), ref('_:Nar2')],
      'dcterms:rights_holder': ref('https://catalogue.example.org/org/ddt-74'),
      'dcat:contactPoint': ref('_:Nkind'),
      'adms:status': ref(`${EU_STATUS}/COMPLETED`),
      'foaf:isPrimaryTopicOf': ref('_:Nrec'),
      'dcterms:spatial': [ref('_:Nloc'), ref(`${INSEE}/commune/74056`), ref(`${INSEE}/departement/74`)],
      'dcat:distribution': [ref('https://d/1'), ref('https://d/2'), ref('https://d/3')],
      'dcat:inSeries': ref('https://catalogue.example.org/dataset/series-1'),
    },
    [
      node('_:Nar1', 'dcterms:RightsStatement', {
        'rdfs:label': 'Pas de restriction d’accès public selon INSPIRE',
      }),
      node('_:Nar2', 'dcterms:RightsStatement', {
        'rdfs:label': [
          "Aucun des articles de la loi ne peut être invoqué pour justifier d'une restriction d'accès public.",
          'Licence Ouverte',
        ],
      }),
      node('https://catalogue.example.org/org/ddt-74', 'foaf:Organization', {
        'foaf:name': [en('DDT Upper Savoy'), fr('DDT de Haute-Savoie')],
      }),
      node('_:Nkind', 'vcard:Kind', {
        'vcard:fn': 'Jean Dupont',
        'vcard:hasEmail': ref(
          'https://catalogue.example.org/dcat/catalog/Jean.Dupont%40haute-savoie.gouv.fr',
        ),
      }),
      node('_:Nloc', 'dcterms:Location', { 'dcat:bbox': { v: 'POLYGON((6 45, 7 45, 7 46, 6 46, 6 45))' } }),
      node('https://d/1', 'dcat:Distribution', { 'dcterms:license': ref(ETALAB) }),
      node('https://d/2', 'dcat:Distribution', { 'dcterms:license': ref(ETALAB) }),
      node('https://d/3', 'dcat:Distribution', { 'dcterms:title': 'sans licence' }),
      ...catalogNodes(),
    ],
  );

  it('gives every column its exact value and no notes', () => {
    const { row, notes } = computeEcospheres(rec);
    expect(row).toEqual({
      title: 'Plan de prévention des risques naturels – Chamonix',
      description: 'Zonage réglementaire.',
      modified: '2021-03-04',
      issued: '2019-08-21',
      created: '2018-01-02',
      themes: [
        'http://registre.data.developpement-durable.gouv.fr/ecospheres/themes-ecospheres/risques',
        'http://registre.data.developpement-durable.gouv.fr/ecospheres/themes-ecospheres/amenagement',
      ],
      keywords: ['risques, naturels', 'avalanche/neige'],
      rights_statements: [
        'Pas de restriction d’accès public selon INSPIRE',
        "Aucun des articles de la loi ne peut être invoqué pour justifier d'une restriction d'accès public.",
        'Licence Ouverte',
      ],
      open_access: true,
      rights_holder: 'DDT de Haute-Savoie',
      publisher: null,
      creator: null,
      contact_email: 'jean.dupont@haute-savoie.gouv.fr',
      status: 'Completed',
      source_catalog: 'GéoIDE Catalogue',
      communes: ['74056'],
      departements: ['74'],
      geo_coverage: 'Communale',
      universe_pprn: true,
      licences: [ETALAB],
      filling_rate: 100,
      is_series: false,
      in_series: ['https://catalogue.example.org/dataset/series-1'],
    });
    expect(notes).toEqual([]);
  });

  it('has exactly the ECOSPHERES_COLUMNS keys, in order', () => {
    const names = ECOSPHERES_COLUMNS.map((c) => c.name);
    expect(Object.keys(computeEcospheres(rec).row)).toEqual(names);
    expect(Object.keys(run({}).row)).toEqual(names);
  });
});

// --- one rule at a time ------------------------------------------------------------------------

describe('title and description', () => {
  it('prefers French and notes what is missing', () => {
    expect(run({ 'dcterms:title': [en('Floods'), fr('Inondations')] }).row.title).toBe('Inondations');
    const { row, notes } = run({ 'dcterms:title': '   ' });
    expect(row.title).toBeNull();
    expect(row.description).toBeNull();
    expect(notes).toEqual(['no_title', 'no_description']);
  });
});

describe('dates', () => {
  it('reads xsd:date, xsd:dateTime (no timezone shift) and bare strings', () => {
    const { row, notes } = run({
      'dcterms:title': 'x',
      'dcterms:description': 'y',
      'dcterms:modified': dateTime('2020-12-31T23:59:59-10:00'),
      'dcterms:issued': date('2019-08-21'),
      'dcterms:created': '2016-02-29T10:00:00.123Z',
    });
    expect([row.modified, row.issued, row.created]).toEqual(['2020-12-31', '2019-08-21', '2016-02-29']);
    expect(notes).toEqual([]);
  });

  it('gives NULL plus a note for impossible dates and garbage', () => {
    const { row, notes } = run({
      'dcterms:modified': date('2019-02-30'),
      'dcterms:issued': 'inconnue',
      'dcterms:created': ref('https://example.org/not-a-date'),
    });
    expect([row.modified, row.issued, row.created]).toEqual([null, null, null]);
    expect(notes).toEqual(
      expect.arrayContaining([
        'unparseable_date:modified',
        'unparseable_date:issued',
        'unparseable_date:created',
      ]),
    );
  });

  it('gives NULL without a note when the date is absent', () => {
    const { row, notes } = run({});
    expect(row.modified).toBeNull();
    expect(notes.filter((n) => n.startsWith('unparseable_date'))).toEqual([]);
  });
});

describe('themes, keywords, series', () => {
  it('keeps keywords with commas and slashes, in order, de-duplicated', () => {
    const { row } = run({ 'dcat:keyword': [fr('eau, milieux'), fr('a/b'), en('water'), fr('eau, milieux')] });
    expect(row.keywords).toEqual(['eau, milieux', 'a/b', 'water']);
  });

  it('takes one theme or many, as IRIs', () => {
    expect(run({ 'dcat:theme': ref('http://t/1') }).row.themes).toEqual(['http://t/1']);
    expect(
      run({ 'dcat:theme': [ref('http://t/1'), ref('http://t/2'), ref('http://t/1')] }).row.themes,
    ).toEqual(['http://t/1', 'http://t/2']);
    expect(run({}).row.themes).toEqual([]);
  });

  it('flags series and lists inSeries', () => {
    const series = run(
      { 'dcat:seriesMember': ref('https://x/ds-2') },
      [],
      ['dcat:Dataset', 'dcat:DatasetSeries'],
    );
    expect(series.row.is_series).toBe(true);
    expect(series.row.in_series).toEqual([]);
    const member = run({ 'dcat:inSeries': [ref('https://x/s-1'), ref('https://x/s-2')] });
    expect(member.row.is_series).toBe(false);
    expect(member.row.in_series).toEqual(['https://x/s-1', 'https://x/s-2']);
  });
});

describe('rights statements and open access', () => {
  const statement = (label: In | In[]) =>
    run({ 'dcterms:accessRights': ref('_:Nar') }, [
      node('_:Nar', 'dcterms:RightsStatement', { 'rdfs:label': label }),
    ]);

  it('takes one label or an array of labels', () => {
    expect(statement('Usage libre').row.rights_statements).toEqual(['Usage libre']);
    expect(statement([fr('Usage libre'), en('Free use'), '  ']).row.rights_statements).toEqual([
      'Usage libre',
      'Free use',
    ]);
  });

  it.each([
    ["Pas de restriction d'accès public selon INSPIRE", true],
    ['Pas de restriction d’accès public selon INSPIRE', true],
    ['PAS DE RESTRICTION\nD’ACCÈS PUBLIC\r\nSELON INSPIRE', true],
    ['Réutilisation sous Licence Ouverte / Open Licence version 2.0', true],
    ['Diffusion sous open licence', true],
    ['Restriction au titre du L124-5-II-1 du code de l’environnement', false],
  ])('open_access of %j is %s', (label, expected) => {
    expect(statement(label).row.open_access).toBe(expected);
  });

  it('is false with no statement, keeps literal statements, ignores EU access-right IRIs', () => {
    expect(run({}).row.open_access).toBe(false);
    const { row, notes } = run({
      'dcterms:accessRights': [
        fr('Licence ouverte'),
        ref('http://publications.europa.eu/resource/authority/access-right/PUBLIC'),
        ref('_:Ngone'),
      ],
    });
    expect(row.rights_statements).toEqual(['Licence ouverte']);
    expect(row.open_access).toBe(true);
    expect(notes).toContain('missing_node:accessRights');
  });
});

describe('organisations', () => {
  const org = (id: string, props: Props = {}) => node(id, 'foaf:Organization', props);

  it('reads rights_holder (either spelling), publisher and creator', () => {
    const { row } = run(
      {
        'dcterms:rightsHolder': ref('https://o/1'),
        'dcterms:publisher': ref('https://o/2'),
        'dcterms:creator': 'Mairie de Chamonix',
      },
      [org('https://o/1', { 'foaf:name': 'DREAL' }), org('https://o/2', { 'foaf:name': fr('IGN') })],
    );
    expect([row.rights_holder, row.publisher, row.creator]).toEqual(['DREAL', 'IGN', 'Mairie de Chamonix']);
    expect(run({ 'dcterms:rights_holder': 'DDT 74' }).row.rights_holder).toBe('DDT 74');
  });

  it('gives NULL plus a note for an organisation without a name', () => {
    const { row, notes } = run({ 'dcterms:rights_holder': ref('_:Norg') }, [
      org('_:Norg', { 'foaf:mbox': ref('mailto:x@y.fr'), 'foaf:name': '' }),
    ]);
    expect(row.rights_holder).toBeNull();
    expect(notes).toContain('organisation_without_name');
  });

  it('takes the first named organisation of several, noting the nameless one', () => {
    const { row, notes } = run({ 'dcterms:rights_holder': [ref('_:Na'), ref('_:Nb'), ref('_:Nc')] }, [
      org('_:Na'),
      org('_:Nb', { 'foaf:name': 'Cerema' }),
      org('_:Nc', { 'foaf:name': 'OFB' }),
    ]);
    expect(row.rights_holder).toBe('Cerema');
    expect(notes).toContain('organisation_without_name');
  });

  it('gives NULL plus a note for an organisation missing from the record', () => {
    const { row, notes } = run({ 'dcterms:publisher': ref('https://o/elsewhere') });
    expect(row.publisher).toBeNull();
    expect(notes).toContain('missing_node:publisher');
  });
});

describe('contact_email', () => {
  const kind = (id: string, email?: In) =>
    node(id, 'vcard:Kind', email === undefined ? { 'vcard:fn': 'Service' } : { 'vcard:hasEmail': email });

  it.each<[string, In, string]>([
    ['mailto ref', ref('mailto:Contact@Example.gouv.fr'), 'contact@example.gouv.fr'],
    [
      'wrongly resolved IRI',
      ref('https://catalogue.example.org/dcat/catalog/someone@example.gouv.fr'),
      'someone@example.gouv.fr',
    ],
    ['percent-encoded', ref('https://catalogue.example.org/dcat/catalog/a.b%40c.fr'), 'a.b@c.fr'],
    ['bare literal', ' Ddt-Contact@haute-savoie.gouv.fr ', 'ddt-contact@haute-savoie.gouv.fr'],
    ['mailto literal with a query', 'mailto:x@y.fr?subject=Jeu', 'x@y.fr'],
  ])('reads a %s', (_, email, expected) => {
    const { row, notes } = run({ 'dcat:contactPoint': ref('_:Nk') }, [kind('_:Nk', email)]);
    expect(row.contact_email).toBe(expected);
    expect(notes.filter((n) => n.startsWith('unrecognised_email'))).toEqual([]);
  });

  it('falls back to the catalog record contact point', () => {
    const { row, notes } = run({ 'foaf:isPrimaryTopicOf': ref('_:Nrec') }, catalogNodes());
    expect(row.contact_email).toBe('catalogue@example.gouv.fr');
    expect(notes).toEqual(['no_title', 'no_description']);
  });

  it('takes the first contact point that yields an e-mail and notes unrecognised ones', () => {
    const { row, notes } = run(
      {
        'dcat:contactPoint': [ref('_:Nk1'), ref('_:Nk2'), ref('_:Nk3'), ref('_:Nk4')],
        'foaf:isPrimaryTopicOf': ref('_:Nrec'),
      },
      [
        kind('_:Nk1'),
        kind('_:Nk2', ref('https://catalogue.example.org/dcat/catalog/pas-une-adresse')),
        kind('_:Nk3', ref('mailto:second@example.fr')),
        kind('_:Nk4', ref('mailto:third@example.fr')),
        ...catalogNodes(),
      ],
    );
    expect(row.contact_email).toBe('second@example.fr');
    expect(notes).toContain('unrecognised_email:no_at_sign');
  });

  it('uses the record contact when the dataset one has no usable e-mail', () => {
    const { row, notes } = run({ 'dcat:contactPoint': ref('_:Nk'), 'foaf:isPrimaryTopicOf': ref('_:Nrec') }, [
      kind('_:Nk', 'mailto:jean@@example'),
      ...catalogNodes(),
    ]);
    expect(row.contact_email).toBe('catalogue@example.gouv.fr');
    expect(notes).toContain('unrecognised_email:invalid_format');
  });

  it('gives NULL when no e-mail can be found, never personal data in notes', () => {
    const { row, notes } = run({ 'dcat:contactPoint': [ref('_:Nk'), ref('_:Ngone')] }, [
      kind('_:Nk', ref('https://catalogue.example.org/dcat/catalog/secret.person%ZZ@example.fr')),
    ]);
    expect(row.contact_email).toBeNull();
    expect(notes).toEqual(
      expect.arrayContaining(['unrecognised_email:bad_percent_encoding', 'missing_node:contactPoint']),
    );
    expect(notes.join(' ')).not.toContain('secret');
  });
});

describe('status', () => {
  it.each([
    [`${EU_STATUS}/COMPLETED`, 'Completed'],
    [`${EU_STATUS}/DEPRECATED`, 'Deprecated'],
    [`${EU_STATUS}/DEVELOP`, 'Under development'],
    [`${EU_STATUS}/WITHDRAWN`, 'Withdrawn'],
    [`${ISO_STATUS}/onGoing`, 'On going'],
    [`${ISO_STATUS}/completed`, 'Completed'],
    [`${ISO_STATUS}/historicalArchive`, 'Historical archive'],
    [`${ISO_STATUS}/obsolete`, 'Obsolete'],
    [`${ISO_STATUS}/planned`, 'Planned'],
    [`${ISO_STATUS}/required`, 'Required'],
    [`${ISO_STATUS}/underDevelopment`, 'Under development'],
  ])('maps %s to %s', (iri, label) => {
    const { row, notes } = run({ 'adms:status': ref(iri) });
    expect(row.status).toBe(label);
    expect(notes.filter((n) => n.startsWith('unknown_status'))).toEqual([]);
  });

  it('keeps an unknown code raw, with a note', () => {
    const iri = run({ 'adms:status': ref(`${EU_STATUS}/OP_DATPRO`) });
    expect(iri.row.status).toBe('OP_DATPRO');
    expect(iri.notes).toContain('unknown_status:OP_DATPRO');
    const lit = run({ 'adms:status': 'en cours de révision' });
    expect(lit.row.status).toBe('en cours de révision');
    expect(lit.notes).toContain('unknown_status:en cours de révision');
  });

  it('reads a literal code and prefers a known code to an unknown one', () => {
    expect(run({ 'adms:status': 'onGoing' }).row.status).toBe('On going');
    expect(
      run({ 'adms:status': [ref('https://x/status/weird'), ref(`${ISO_STATUS}/planned`)] }).row.status,
    ).toBe('Planned');
  });
});

describe('source_catalog', () => {
  it('reads record -> inCatalog -> Catalog title, and is NULL when the chain breaks', () => {
    expect(run({ 'foaf:isPrimaryTopicOf': ref('_:Nrec') }, catalogNodes()).row.source_catalog).toBe(
      'GéoIDE Catalogue',
    );
    const lost = run({ 'foaf:isPrimaryTopicOf': ref('_:Nrec') }, [
      node('_:Nrec', 'dcat:CatalogRecord', { 'dcat:inCatalog': ref('https://gone/catalog') }),
    ]);
    expect(lost.row.source_catalog).toBeNull();
    expect(lost.notes).toContain('missing_node:inCatalog');
    expect(run({ 'foaf:isPrimaryTopicOf': ref('_:Ngone') }).notes).toContain('missing_node:isPrimaryTopicOf');
  });

  it('also finds a record pointing at the dataset by foaf:primaryTopic', () => {
    const [rec, ...rest] = catalogNodes();
    rec!.p['foaf:primaryTopic'] = [ref(DS)];
    expect(run({}, [rec!, ...rest]).row.source_catalog).toBe('GéoIDE Catalogue');
  });
});

describe('communes, departements, geo_coverage', () => {
  const spatial = (...ids: string[]) =>
    run({ 'dcterms:spatial': ids.map(ref) }, [node('_:Nloc', 'dcterms:Location')]);

  it('derives departements from communes: 2 chars, 3 overseas, 2A/2B in Corsica', () => {
    const { row } = spatial(
      '_:Nloc',
      `${INSEE}/commune/74079`,
      `${INSEE}/commune/97105`,
      `${INSEE}/commune/98735`,
      `${INSEE}/commune/2A004`,
      `${INSEE}/commune/2b033`,
      `${INSEE}/commune/74056`,
    );
    expect(row.communes).toEqual(['74079', '97105', '98735', '2A004', '2B033', '74056']);
    expect(row.departements).toEqual(['74', '971', '987', '2A', '2B']);
    expect(row.geo_coverage).toBe('Communale');
  });

  it('keeps given departements first, then derived ones, de-duplicated', () => {
    const { row } = spatial(`${INSEE}/departement/973`, `${INSEE}/commune/74079`, `${INSEE}/departement/74`);
    expect(row.departements).toEqual(['973', '74']);
  });

  it('is Départementale with only departements; accepts https and trailing slashes', () => {
    const { row } = spatial('https://id.insee.fr/geo/departement/2A/', `${INSEE}/departement/976//`);
    expect(row.communes).toEqual([]);
    expect(row.departements).toEqual(['2A', '976']);
    expect(row.geo_coverage).toBe('Départementale');
  });

  it('ignores blank Locations and other IRIs; notes malformed INSEE codes', () => {
    const { row, notes } = spatial(
      '_:Nloc',
      `${INSEE}/region/84`,
      'http://sws.geonames.org/3020251/',
      `${INSEE}/commune/7407`,
    );
    expect(row.communes).toEqual([]);
    expect(row.departements).toEqual([]);
    expect(row.geo_coverage).toBeNull();
    expect(notes).toContain('invalid_insee_code:commune');
  });
});

describe('universe_pprn', () => {
  it.each([
    [{ 'dcterms:title': 'Zonage PPRN de Sallanches' }, true],
    [
      { 'dcterms:title': 'Zonage', 'dcterms:description': fr('Plan de PRÉVENTION des risques naturels') },
      true,
    ],
    [{ 'dcterms:description': 'Prévention des risques\nnaturels prévisibles' }, true],
    [{ 'dcterms:title': 'Plan de prévention des risques technologiques' }, false],
    [{}, false],
  ] as [Props, boolean][])('%j -> %s', (props, expected) => {
    expect(run(props).row.universe_pprn).toBe(expected);
  });
});

describe('licences', () => {
  it('lists distinct licences of the distributions: IRIs, literals, labelled blank nodes', () => {
    const { row, notes } = run(
      {
        'dcat:distribution': [
          ref('https://d/1'),
          ref('https://d/2'),
          ref('https://d/3'),
          ref('https://d/gone'),
        ],
      },
      [
        node('https://d/1', 'dcat:Distribution', { 'dcterms:license': ref(ETALAB) }),
        node('https://d/2', 'dcat:Distribution', { 'dcterms:license': [ref(ETALAB), 'ODbL'] }),
        node('https://d/3', 'dcat:Distribution', { 'dcterms:license': ref('_:Nlic') }),
        node('_:Nlic', 'dcterms:LicenseDocument', { 'rdfs:label': 'Licence Ouverte v2.0' }),
      ],
    );
    expect(row.licences).toEqual([ETALAB, 'ODbL', 'Licence Ouverte v2.0']);
    expect(notes).toContain('missing_node:distribution');
  });
});

describe('filling_rate', () => {
  it('does not count empty arrays or empty strings as filled', () => {
    const { row } = run(
      {
        'dcterms:title': 'Titre',
        'dcterms:rights_holder': '',
        'dcterms:accessRights': ref('_:Nar'),
        'dcat:distribution': ref('https://d/1'),
        'dcterms:spatial': ref('_:Nloc'),
        'dcat:keyword': [],
      },
      [
        node('_:Nar', 'dcterms:RightsStatement', { 'rdfs:label': [] }),
        node('https://d/1', 'dcat:Distribution'),
        node('_:Nloc', 'dcterms:Location'),
      ],
    );
    expect(row.rights_statements).toEqual([]);
    expect(row.licences).toEqual([]);
    expect(row.rights_holder).toBeNull();
    expect(row.filling_rate).toBe(11.11); // the title only
  });

  it('rounds to two decimals and counts INSEE spatial once', () => {
    const { row } = run(
      {
        'dcterms:title': 'Titre',
        'dcterms:modified': date('2020-01-01'),
        'adms:status': ref(`${ISO_STATUS}/onGoing`),
        'dcterms:spatial': [ref(`${INSEE}/commune/74079`), ref(`${INSEE}/departement/74`)],
        'dcat:contactPoint': ref('mailto:a@b.fr'),
      },
      [],
    );
    expect(row.contact_email).toBe('a@b.fr');
    expect(row.filling_rate).toBe(55.56); // 5 of 9
  });

  it('is 0 for an empty dataset', () => {
    expect(run({}).row.filling_rate).toBe(0);
  });
});

describe('odd input never throws', () => {
  it('degrades literals where nodes were expected and a record without its own node', () => {
    const odd = run({
      'dcat:distribution': 'not a node',
      'foaf:isPrimaryTopicOf': 'not a node',
      'dcat:contactPoint': 'pas de contact',
      'adms:status': ref('_:Nstatus'),
      'dcat:inSeries': ref('_:Nseries'),
    });
    expect(odd.row.licences).toEqual([]);
    expect(odd.row.contact_email).toBeNull();
    expect(odd.row.status).toBeNull();
    expect(odd.row.in_series).toEqual([]);
    expect(odd.notes).toEqual(
      expect.arrayContaining([
        'unexpected_literal:distribution',
        'unexpected_literal:isPrimaryTopicOf',
        'unrecognised_email:no_at_sign',
        'missing_node:status',
      ]),
    );

    const headless: DatasetRecord = { uri: DS, source: { key: 'k', index: 0 }, nodes: new Map() };
    const { row, notes } = computeEcospheres(headless);
    expect(row.title).toBeNull();
    expect(row.filling_rate).toBe(0);
    expect(notes).toEqual(['missing_root_node', 'no_title', 'no_description']);
  });
});
