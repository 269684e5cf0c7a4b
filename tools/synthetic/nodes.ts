import { STREAM, seriesMembers, type DumpPlan, type ResolvedOptions } from './plan.js';
import { Rng, fmix32, hashInts, hex8 } from './random.js';
import {
  ACCESS_PHRASES,
  ACCESS_PHRASES_EN,
  CONDITIONS,
  CRS,
  DEPARTEMENTS,
  FIRST_NAMES,
  FORMATS,
  FREQUENCIES,
  FREQUENCY_BASE,
  LAST_NAMES,
  LICENCES,
  MAIL_DOMAINS,
  MAIL_LOCALS,
  NOTABLE_COMMUNES,
  PROVENANCE,
  RISKS,
  SENTENCES,
  SERVICE_TYPES,
  SOURCE_CATALOGS,
  STATUS_EU,
  STATUS_EU_CODES,
  STATUS_ISO,
  STATUS_ISO_CODES,
  SUP_TYPES,
  THEME_BASE,
  TOPICS,
  slugify,
  type Departement,
  type Topic,
} from './vocabulary.js';

/** A JSON value as written in the dump. */
export type Json = string | number | boolean | Json[] | { [key: string]: Json };
/** One node of the flat `@graph`. */
export type JsonNode = { [key: string]: Json };

/** Keys written as full IRIs, as rdflib does for namespaces missing from the context. */
export const VCARD = 'http://www.w3.org/2006/vcard/ns#';
export const ADMS_STATUS = 'http://www.w3.org/ns/adms#status';
export const HYDRA = 'http://www.w3.org/ns/hydra/core#';

/** Odd values the generator writes on purpose (so tests downstream can look for them). */
export const ODD_VALUES = {
  /** Written as an xsd:date, rarely: not a date. */
  unparseableDates: ['0000-00-00', 'inconnue', '2019-13-01'] as readonly string[],
  /** An adms:status code outside both known lists. */
  unknownStatus: `${STATUS_ISO}superseded`,
};

/** Ids of the nodes that belong to one file: blank ids and the nodes shared by its datasets. */
export interface FileScope {
  /** A fresh blank node id, unique in the file. */
  blank(): string;
  /** The id of shared organisation k in this file (its node is written once per file). */
  org(k: number): string;
  /** The id of shared source catalogue k in this file (written once per file). */
  sharedCatalog(k: number): string;
}

/** A dataset's nodes: its own node, the nodes it points to, and the nodes those point to. */
export interface BuiltDataset {
  dataset: JsonNode;
  direct: JsonNode[];
  deeper: JsonNode[];
}

const fr = (value: string): Json => ({ '@language': 'fr', '@value': value });
const typed = (type: string, value: string): Json => ({ '@type': type, '@value': value });
const ref = (id: string): Json => ({ '@id': id });
/** rdflib writes one value as itself and several as an array. */
const one = (items: Json[]): Json => (items.length === 1 ? (items[0] as Json) : items);

const DAY_MS = 86_400_000;
const DAY0 = Date.UTC(2008, 0, 1);
/** Last day a synthetic date may take (2024-11-01). */
const LAST_DAY = Math.round((Date.UTC(2024, 10, 1) - DAY0) / DAY_MS);

function isoDay(day: number): string {
  return new Date(DAY0 + day * DAY_MS).toISOString().slice(0, 10);
}

function dateLiteral(r: Rng, day: number): Json {
  if (r.chance(1 / 600)) return typed('xsd:date', r.pick(ODD_VALUES.unparseableDates));
  if (r.chance(0.05)) {
    const time = `${String(r.int(6, 19)).padStart(2, '0')}:${String(r.int(0, 59)).padStart(2, '0')}:${String(r.int(0, 59)).padStart(2, '0')}`;
    return typed('xsd:dateTime', `${isoDay(day)}T${time}`);
  }
  return typed('xsd:date', isoDay(day));
}

/** 8-4-4-4-12 hex; the first group is a bijection of the index, so uuids never collide. */
export function datasetUuid(seed: number, i: number): string {
  const h = [1, 2, 3].map((j) => hex8(hashInts(seed, STREAM.iri, i, j))).join('');
  return `${hex8(fmix32(i ^ hashInts(seed, STREAM.iri)))}-${h.slice(0, 4)}-4${h.slice(5, 8)}-${h.slice(8, 12)}-${h.slice(12, 24)}`;
}

/** The IRI of dataset i: mostly the catalogue's own, sometimes the Géo-IDE record's. */
export function datasetIri(opts: ResolvedOptions, i: number): string {
  const uuid = datasetUuid(opts.seed, i);
  return hashInts(opts.seed, STREAM.iri, i, 9) % 100 < 65
    ? `https://${opts.host}/datasets/${uuid}`
    : `http://catalogue.geo-ide.example/catalogue/srv/fre/catalog.search#/metadata/fr-120066022-jdd-${uuid}`;
}

// ---------------------------------------------------------------- organisations

/** Organisations are drawn from a pool shared by all datasets: a page names ~40 of them. */
export const ORG_POOL = 200;
/** This organisation has no foaf:name, and is popular: every page shows one. */
const NAMELESS_ORG = 2;

export interface OrgInfo {
  k: number;
  dept?: Departement;
  name?: string;
  short: string;
  /** IRI when the organisation is an IRI node; blank otherwise. */
  iri?: string;
  mbox?: string;
  homepage?: string;
  plainName: boolean;
}

/** Organisation k of the pool: depends on (seed, host, k) only. */
export function orgInfo(opts: ResolvedOptions, k: number): OrgInfo {
  const r = new Rng(opts.seed, STREAM.org, k);
  const dept = r.pick(DEPARTEMENTS);
  const overseas = dept.code.length === 3;
  const kind = r.weighted<string>([
    ['ddt', 55],
    ['dreal', 15],
    ['cerema', 5],
    ['ofb', 4],
    ['cd', 8],
    ['commune', 8],
    ['ign', 5],
  ]);
  let short: string;
  let long: string;
  let withDept = true;
  switch (kind) {
    case 'ddt': {
      const acr = overseas ? 'DEAL' : dept.coastal ? 'DDTM' : 'DDT';
      short = overseas ? `DEAL ${dept.name}` : `${acr} ${dept.code}`;
      long = overseas
        ? `Direction de l'environnement, de l'aménagement et du logement ${dept.of}`
        : `Direction départementale des territoires${dept.coastal ? ' et de la mer' : ''} ${dept.of}`;
      break;
    }
    case 'dreal':
      short = overseas ? `DEAL ${dept.region}` : `DREAL ${dept.region}`;
      long = overseas
        ? `DEAL ${dept.region}`
        : `Direction régionale de l'environnement, de l'aménagement et du logement ${dept.region}`;
      break;
    case 'cerema':
      short = 'Cerema';
      long = "Centre d'études et d'expertise sur les risques, l'environnement, la mobilité et l'aménagement";
      withDept = false;
      break;
    case 'ofb':
      short = 'OFB';
      long = 'Office français de la biodiversité';
      withDept = false;
      break;
    case 'ign':
      short = 'IGN';
      long = "Institut national de l'information géographique et forestière (IGN)";
      withDept = false;
      break;
    case 'cd':
      short = `CD ${dept.code}`;
      long = `Conseil départemental ${dept.of}`;
      break;
    default: {
      const [, commune] = r.pick(dept.communes);
      short = `Commune de ${commune}`;
      long = `Mairie de ${commune}`;
    }
  }
  const form = r.int(0, 2);
  const name = form === 0 ? long : form === 1 ? short : `${long} (${short})`;
  const nameless = k === NAMELESS_ORG || r.chance(0.03);
  const slug = slugify(short);
  const site = withDept ? `https://www.${slugify(dept.name)}.gouv.fr` : `https://www.${slug}.fr`;
  const info: OrgInfo = {
    k,
    short,
    plainName: r.chance(0.6),
    ...(withDept ? { dept } : {}),
    ...(nameless ? {} : { name }),
  };
  if (r.chance(0.7)) info.iri = `https://${opts.host}/organizations/${slug}-${k}`;
  if (nameless || r.chance(0.6)) info.mbox = `mailto:${r.pick(MAIL_LOCALS)}.${slug}@${r.pick(MAIL_DOMAINS)}`;
  if (nameless || r.chance(0.5)) info.homepage = site;
  return info;
}

/** The foaf:Organization node (no foaf:name for the nameless ones). */
export function orgNode(info: OrgInfo, id: string): JsonNode {
  const node: JsonNode = { '@id': id, '@type': 'foaf:Organization' };
  if (info.name !== undefined) node['foaf:name'] = info.plainName ? info.name : fr(info.name);
  if (info.mbox) node['foaf:mbox'] = ref(info.mbox);
  if (info.homepage) node['foaf:workplaceHomepage'] = ref(info.homepage);
  return node;
}

/** Popular organisations first (a page of 100 datasets names ~40 of the pool). */
function pickOrg(r: Rng): number {
  return Math.min(ORG_POOL - 1, Math.floor(ORG_POOL * r.next() ** 3.5));
}

// ---------------------------------------------------------------- source catalogues

/** Source catalogues that are IRI nodes shared by the datasets of a file. */
export function sharedCatalogIri(opts: ResolvedOptions, k: number): string {
  return `https://${opts.host}/catalogs/${slugify(SOURCE_CATALOGS[k]?.[0] ?? String(k))}`;
}

/** A source catalogue written once per file and pointed to by several catalogue records. */
export function sharedCatalogNode(opts: ResolvedOptions, k: number, id: string): JsonNode {
  const title = SOURCE_CATALOGS[k]?.[0] ?? `Catalogue ${k}`;
  return {
    '@id': id,
    '@type': 'dcat:Catalog',
    'dcterms:title': fr(title),
    'foaf:homepage': ref(`https://${slugify(title)}.example/`),
  };
}

// ---------------------------------------------------------------- datasets

const TOPIC_WEIGHTS: readonly (readonly [Topic, number])[] = TOPICS.map((t) => [t, t.weight]);
const SOURCE_CATALOG_WEIGHTS: readonly (readonly [number, number])[] = SOURCE_CATALOGS.map(([, w], k) => [
  k,
  w,
]);
const GENERIC_KEYWORDS = [
  'données ouvertes',
  'Open data',
  'INSPIRE',
  'Reporting INSPIRE',
  'Usage des sols / Occupation des terres',
  'Ecosphères',
  'Zones de gestion, de restriction ou de réglementation et unités de déclaration',
  'Régions maritimes, littoral',
];

function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, key: string) => vars[key] ?? m);
}

function email(r: Rng, org: OrgInfo, dept: Departement): string {
  if (r.chance(0.4)) {
    return `${slugify(r.pick(FIRST_NAMES))}.${slugify(r.pick(LAST_NAMES))}@${r.pick(MAIL_DOMAINS)}`;
  }
  return `${r.pick(MAIL_LOCALS)}-${slugify(org.dept ? dept.code : org.short)}@${r.pick(MAIL_DOMAINS)}`;
}

function kindNode(r: Rng, id: string, host: string, org: OrgInfo, dept: Departement): JsonNode {
  const node: JsonNode = { '@id': id, '@type': `${VCARD}Kind` };
  const address = email(r, org, dept);
  const form = r.next();
  // the exporter resolved bare addresses against the catalogue URL
  if (form < 0.5) node[`${VCARD}hasEmail`] = ref(`mailto:${address}`);
  else if (form < 0.95) node[`${VCARD}hasEmail`] = ref(`https://${host}/dcat/catalog/${address}`);
  else if (form < 0.975) node[`${VCARD}hasEmail`] = address;
  if (r.chance(0.45)) {
    node[`${VCARD}fn`] = r.chance(0.5)
      ? `${r.pick(FIRST_NAMES)} ${r.pick(LAST_NAMES)}`
      : fr(
          `${org.short} - ${r.pick(['Service aménagement', 'Pôle géomatique', 'Service risques', 'Cellule connaissance des territoires'])}`,
        );
  }
  if (r.chance(0.15))
    node[`${VCARD}hasURL`] = ref(org.homepage ?? `https://www.${slugify(dept.name)}.gouv.fr`);
  return node;
}

function rightsLabel(r: Rng, text: string): Json {
  const shape = r.next();
  if (shape < 0.12) return text;
  if (shape < 0.3) return [fr(text), { '@language': 'en', '@value': r.pick(ACCESS_PHRASES_EN) }];
  return fr(text);
}

function bbox(r: Rng, dept: Departement): Json {
  const dx = 0.15 + r.next() * 0.45;
  const dy = 0.1 + r.next() * 0.35;
  const x1 = (dept.lon - dx + (r.next() - 0.5) * 0.2).toFixed(r.int(4, 8));
  const x2 = (dept.lon + dx + (r.next() - 0.5) * 0.2).toFixed(r.int(4, 8));
  const y1 = (dept.lat - dy + (r.next() - 0.5) * 0.2).toFixed(r.int(4, 8));
  const y2 = (dept.lat + dy + (r.next() - 0.5) * 0.2).toFixed(r.int(4, 8));
  return typed(
    'geo:wktLiteral',
    `POLYGON((${x1} ${y1}, ${x2} ${y1}, ${x2} ${y2}, ${x1} ${y2}, ${x1} ${y1}))`,
  );
}

function description(r: Rng, topic: Topic, vars: Record<string, string>, series: boolean): string {
  const parts = [fill(r.pick(topic.intro), vars)];
  const count = r.int(6, 18);
  for (const s of r.sample(SENTENCES, count)) parts.push(fill(s, vars));
  if (series) parts.push(fill(SENTENCES[9] ?? '', vars));
  let text = '';
  for (const [n, p] of parts.entries()) text += n === 0 ? p : r.chance(0.2) ? `\n\n${p}` : ` ${p}`;
  if (r.chance(0.3)) {
    text += `\n\nPrécision : 1/${vars.scale}\nSource : ${vars.org}\nDate de référence : ${vars.date}`;
  }
  return text;
}

/**
 * All the nodes of dataset i. Its content depends on (seed, i) only, so a dataset repeated on
 * two pages is the same dataset; ids of blank nodes and shared nodes come from the file scope.
 */
export function buildDataset(plan: DumpPlan, i: number, scope: FileScope): BuiltDataset {
  const { opts } = plan;
  const { host, seed } = opts;
  const r = new Rng(seed, STREAM.dataset, i);
  const series = plan.isSeries[i] === 1;
  const iri = datasetIri(opts, i);
  const uuid = datasetUuid(seed, i);
  const orgK = pickOrg(r);
  const org = orgInfo(opts, orgK);
  let dept = org.dept ?? r.pick(DEPARTEMENTS);
  // every 97th dataset names one of the tricky INSEE codes, so small dumps have them all
  const forced = i % 97 === 0 ? NOTABLE_COMMUNES[(i / 97) % NOTABLE_COMMUNES.length] : undefined;
  if (forced) dept = DEPARTEMENTS.find((d) => d.communes.some(([c]) => c === forced)) ?? dept;
  const topic = r.weighted(TOPIC_WEIGHTS);
  const [communeCode, communeName] = r.pick(dept.communes);
  const issuedDay = r.int(0, LAST_DAY - 30);
  const year = String(new Date(DAY0 + issuedDay * DAY_MS).getUTCFullYear());
  const vars: Record<string, string> = {
    commune: communeName,
    of: dept.of,
    region: dept.region,
    year,
    risk: r.pick(RISKS),
    sup: r.pick(SUP_TYPES),
    znieff: String(r.int(1, 2)),
    date: isoDay(issuedDay).split('-').reverse().join('/'),
    org: org.name ?? org.short,
    orgShort: org.short,
    scale: r.pick(['5000', '10000', '25000', '50000']),
    count: String(r.int(12, 48_000)),
    communes: String(r.int(1, 280)),
    base: r.pick(['BD TOPO®', 'BD CARTHAGE®', 'GASPAR', 'Corine Land Cover', 'SANDRE']),
  };

  const direct: JsonNode[] = [];
  const deeper: JsonNode[] = [];
  const ds: JsonNode = {
    '@id': iri,
    '@type': series ? ['dcat:Dataset', 'dcat:DatasetSeries'] : 'dcat:Dataset',
  };

  let title = fill(r.pick(series ? topic.seriesTitles : topic.titles), vars);
  if (series && r.chance(0.3)) title = `Série de données - ${title}`;
  if (!r.chance(1 / 300)) ds['dcterms:title'] = r.chance(0.02) ? title : fr(title);
  if (!r.chance(0.03)) ds['dcterms:description'] = fr(description(r, topic, vars, series));

  ds['dcterms:issued'] = dateLiteral(r, issuedDay);
  if (series ? r.chance(0.03) : r.chance(0.98)) {
    ds['dcterms:modified'] = dateLiteral(r, Math.min(LAST_DAY, issuedDay + r.int(0, 2000)));
  }
  if (r.chance(0.6)) ds['dcterms:created'] = dateLiteral(r, Math.max(0, issuedDay - r.int(0, 400)));

  const keywordCount = r.weighted([
    [0, 3],
    [1, 7],
    [r.int(2, 6), 50],
    [r.int(7, 16), 40],
  ]);
  if (keywordCount > 0) {
    const pool = [...topic.keywords, ...GENERIC_KEYWORDS, dept.name, dept.code, dept.region];
    ds['dcat:keyword'] = one(
      r.sample(pool, keywordCount).map((k) => (r.chance(0.01) ? typed('rdf:langString', k) : fr(k))),
    );
  }

  const themeCount = r.weighted([
    [0, 5],
    [1, 60],
    [2, 30],
    [3, 5],
  ]);
  if (themeCount > 0) {
    const extra = ['climat', 'sols', 'air', 'dechets'];
    ds['dcat:theme'] = one(
      r.sample([...topic.themes, ...extra], themeCount).map((t) => ref(`${THEME_BASE}${t}`)),
    );
  }

  // access rights: an INSPIRE phrase, then (mostly) long usage conditions
  const rightsCount = r.weighted([
    [1, 15],
    [2, 75],
    [3, 10],
  ]);
  const rights: Json[] = [];
  for (let n = 0; n < rightsCount; n++) {
    const text =
      n === 1 || (n === 2 && r.chance(0.5))
        ? fill(r.pick(CONDITIONS), { ...vars, email: email(r, org, dept) })
        : r.weighted(ACCESS_PHRASES);
    const id = scope.blank();
    rights.push(ref(id));
    direct.push({ '@id': id, '@type': 'dcterms:RightsStatement', 'rdfs:label': rightsLabel(r, text) });
  }
  ds['dcterms:accessRights'] = rights.length === 1 && r.chance(0.5) ? rights : one(rights);

  // spatial: a Location with a bbox, alone or with INSEE IRIs
  if (!r.chance(0.01)) {
    const locId = scope.blank();
    direct.push({ '@id': locId, '@type': 'dcterms:Location', 'dcat:bbox': bbox(r, dept) });
    const spatial: Json[] = [ref(locId)];
    const mode = r.weighted([
      ['none', 35],
      ['dept', 20],
      ['communes', 30],
      ['both', 15],
    ]);
    if (mode === 'dept' || mode === 'both')
      spatial.push(ref(`http://id.insee.fr/geo/departement/${dept.code}`));
    const communes = new Set<string>();
    if (mode === 'communes' || mode === 'both') {
      communes.add(communeCode);
      for (const [c] of r.sample(dept.communes, r.int(0, 3))) communes.add(c);
    }
    if (forced) communes.add(forced);
    for (const c of communes) spatial.push(ref(`http://id.insee.fr/geo/commune/${c}`));
    if (dept.regionCode && r.chance(0.03))
      spatial.push(ref(`http://id.insee.fr/geo/region/${dept.regionCode}`));
    // the Location is not always first in the array
    if (spatial.length > 1 && r.chance(0.3)) spatial.push(spatial.shift() as Json);
    ds['dcterms:spatial'] = one(spatial);
  }

  if (r.chance(0.5)) {
    const n = r.chance(0.3) ? 1 : r.int(2, 18);
    const kinds: Json[] = [];
    for (let c = 0; c < n; c++) {
      const id = scope.blank();
      kinds.push(ref(id));
      direct.push(kindNode(r, id, host, org, dept));
    }
    ds['dcat:contactPoint'] = one(kinds);
  }

  const holder = r.next();
  if (holder < 0.85) ds['dcterms:rights_holder'] = ref(scope.org(orgK));
  else if (holder < 0.95) {
    let other = pickOrg(r);
    if (other === orgK) other = (orgK + 1) % ORG_POOL;
    ds['dcterms:rights_holder'] = [ref(scope.org(orgK)), ref(scope.org(other))];
  }

  if (r.chance(0.9)) {
    let status: string;
    if (r.chance(1 / 400)) status = ODD_VALUES.unknownStatus;
    else if (r.chance(0.35)) status = `${STATUS_EU}${r.pick(STATUS_EU_CODES)}`;
    else status = `${STATUS_ISO}${r.pick(STATUS_ISO_CODES)}`;
    ds[ADMS_STATUS] = ref(status);
  }

  // catalogue record -> source catalogue
  const recordId = r.chance(0.1) ? `https://${host}/records/${uuid}` : scope.blank();
  ds['foaf:isPrimaryTopicOf'] = ref(recordId);
  const record: JsonNode = {
    '@id': recordId,
    '@type': 'dcat:CatalogRecord',
    'dcterms:identifier': r.chance(0.8) ? uuid : fr(`fr-120066022-jdd-${uuid}`),
    'dcterms:modified': dateLiteral(r, Math.min(LAST_DAY, issuedDay + r.int(0, 2400))),
  };
  const recordKinds: Json[] = [];
  const recordKindCount = r.weighted([
    [1, 25],
    [2, 25],
    [3, 20],
    [4, 15],
    [5, 10],
    [6, 5],
  ]);
  for (let c = 0; c < recordKindCount; c++) {
    const id = scope.blank();
    recordKinds.push(ref(id));
    deeper.push(kindNode(r, id, host, org, dept));
  }
  record['dcat:contactPoint'] = one(recordKinds);
  const catalogK = r.weighted(SOURCE_CATALOG_WEIGHTS);
  if (r.chance(0.15)) record['dcat:inCatalog'] = ref(scope.sharedCatalog(catalogK));
  else {
    const catId = scope.blank();
    record['dcat:inCatalog'] = ref(catId);
    const catTitle = SOURCE_CATALOGS[catalogK]?.[0] ?? 'GéoIDE Catalogue';
    deeper.push({
      '@id': catId,
      '@type': 'dcat:Catalog',
      'dcterms:title': r.chance(0.8) ? fr(catTitle) : catTitle,
    });
  }
  direct.push(record);

  // series links: IRIs of other datasets, possibly on another page
  const inSeries = plan.inSeries[i] ?? -1;
  if (inSeries >= 0) ds['dcat:inSeries'] = ref(datasetIri(opts, inSeries));
  if (series) {
    const members = seriesMembers(plan, i).slice(0, 200);
    if (members.length > 0) ds['dcat:seriesMember'] = one(members.map((m) => ref(datasetIri(opts, m))));
  }

  const portal = `https://catalogue.geo-ide.example/catalogue/srv/fre/catalog.search#/metadata/${uuid}`;
  if (r.chance(0.7))
    ds['dcat:landingPage'] = ref(r.chance(0.5) ? portal : `https://${host}/datasets/${uuid}`);
  if (r.chance(0.3)) {
    const pages = [ref(`https://${host}/documents/${uuid}/notice.pdf`)];
    if (r.chance(0.3))
      pages.push(ref(`https://www.${slugify(dept.name)}.gouv.fr/${slugify(title).slice(0, 60)}`));
    ds['foaf:page'] = one(pages);
  }
  if (r.chance(0.8))
    ds['dcterms:language'] = ref('http://publications.europa.eu/resource/authority/language/FRA');
  if (r.chance(0.7)) {
    const crs = [ref(`http://www.opengis.net/def/crs/EPSG/0/${r.pick(CRS)}`)];
    if (r.chance(0.1)) crs.push(ref('http://www.opengis.net/def/crs/EPSG/0/4326'));
    ds['dcterms:conformsTo'] = one(crs);
  }
  if (r.chance(0.6)) ds['dcterms:accrualPeriodicity'] = ref(`${FREQUENCY_BASE}${r.weighted(FREQUENCIES)}`);
  if (r.chance(0.13)) {
    const id = scope.blank();
    ds['dcterms:provenance'] = ref(id);
    const label = fill(r.pick(PROVENANCE), vars);
    direct.push({
      '@id': id,
      '@type': 'dcterms:ProvenanceStatement',
      'rdfs:label': r.chance(0.7) ? fr(label) : label,
    });
  }
  if (r.chance(0.1)) {
    const id = scope.blank();
    ds['dcterms:temporal'] = ref(id);
    const start = r.int(0, LAST_DAY - 400);
    const period: JsonNode = {
      '@id': id,
      '@type': 'dcterms:PeriodOfTime',
      'dcat:startDate': typed('xsd:date', isoDay(start)),
    };
    if (r.chance(0.7)) period['dcat:endDate'] = typed('xsd:date', isoDay(start + r.int(30, 3000)));
    direct.push(period);
  }
  if (r.chance(0.6)) ds['dcterms:identifier'] = r.chance(0.5) ? uuid : `fr-120066022-jdd-${uuid}`;

  // distributions, each with a format and an access service
  const distCount = r.weighted([
    [0, 3],
    [1, 20],
    [2, 30],
    [3, 25],
    [4, 12],
    [5, 6],
    [6, 4],
  ]);
  const dists: Json[] = [];
  for (let j = 0; j < distCount; j++) {
    const [label, ext, mediaType] = r.weighted(FORMATS);
    const distId = r.chance(0.85) ? `https://${host}/datasets/${uuid}/resources/${j + 1}` : scope.blank();
    dists.push(ref(distId));
    const dist: JsonNode = { '@id': distId, '@type': 'dcat:Distribution' };
    if (!r.chance(0.05)) {
      dist['dcterms:title'] = fr(
        fill(
          r.pick([
            `{title} ({label})`,
            'Téléchargement {label}',
            'Service de visualisation WMS',
            'Service de téléchargement WFS',
            'Fichier {ext} - {commune}',
            'Données au format {label}',
          ]),
          { ...vars, title, label, ext },
        ),
      );
    }
    const licence = r.weighted(LICENCES);
    if (licence) dist['dcterms:license'] = ref(licence);
    const formatId = scope.blank();
    dist['dcterms:format'] = ref(formatId);
    deeper.push({
      '@id': formatId,
      '@type': 'dcterms:MediaTypeOrExtent',
      'rdfs:label': r.chance(0.8) ? label : fr(label),
    });
    const access = r.pick([
      `https://geoservices.example/wxs?map=/opt/data/carto/geoide-catalogue/1.4/org_${orgK}/${uuid}.internet.map`,
      `https://${host}/datasets/${uuid}/resources/${j + 1}/download`,
      `https://telechargement.geo-ide.example/${dept.code}/${slugify(title).slice(0, 50)}.${ext}`,
    ]);
    dist['dcat:accessURL'] = ref(access);
    if (r.chance(0.4))
      dist['dcat:downloadURL'] = ref(
        `https://telechargement.geo-ide.example/${dept.code}/${uuid}-${j + 1}.${ext}`,
      );
    if (mediaType && r.chance(0.3))
      dist['dcat:mediaType'] = ref(`https://www.iana.org/assignments/media-types/${mediaType}`);
    if (r.chance(0.2)) {
      const size = r.int(2_000, 900_000_000);
      dist['dcat:byteSize'] = r.chance(0.05)
        ? size
        : typed(r.chance(0.7) ? 'xsd:nonNegativeInteger' : 'xsd:decimal', String(size));
    }
    if (r.chance(0.35)) dist['dcterms:description'] = fr(fill(r.pick(SENTENCES), vars));
    const serviceId = scope.blank();
    dist['dcat:accessService'] = ref(serviceId);
    const service: JsonNode = {
      '@id': serviceId,
      '@type': 'dcat:DataService',
      'dcterms:conformsTo': ref(r.pick(SERVICE_TYPES)),
    };
    if (r.chance(0.4)) service['dcat:endpointURL'] = ref(access.split('?')[0] ?? access);
    deeper.push(service);
    direct.push(dist);
  }
  if (dists.length > 0) ds['dcat:distribution'] = one(dists);

  return { dataset: ds, direct, deeper };
}
