/**
 * The quality columns of `dataset_quality`, each declared once: its name (a contract with the
 * dashboards), SQL type, whether it is NOT NULL, and its doc line. From these come the row type
 * (`EcospheresRow`), the COPY order and encoding (copy-text.ts), the column comments, the README's
 * column table (`npm run docs`), and the check that the migrations built exactly these columns
 * (test/schema.int.test.ts prints the `ALTER TABLE` a new column needs).
 */

/** SQL types a quality column may have; the load worker encodes each for COPY. */
export type ColumnType = 'text' | 'text[]' | 'boolean' | 'date' | 'integer' | 'real' | 'jsonb';

export interface ColumnDef {
  name: string;
  type: ColumnType;
  /** NOT NULL (text[] defaults to '{}', boolean to false). */
  required?: boolean;
  /** The SQL type when it is not `type` itself (e.g. `numeric(5,2)`). */
  sql?: string;
  /** One line for the README and COMMENT ON COLUMN. */
  doc: string;
}

/** A value of one column: NULL, a scalar, or a text array. Dates are `YYYY-MM-DD` strings. */
export type RowValue = string | number | boolean | null | string[];

/** One dataset's indicators, by column name. */
export type QualityRow = Record<string, RowValue>;

/** The TypeScript value of a column type. */
type ValueOf<T extends ColumnType> = T extends 'text[]'
  ? string[]
  : T extends 'boolean'
    ? boolean
    : T extends 'integer' | 'real'
      ? number
      : string;

/** The typed row of a column list: one key per column, NULL allowed unless `required`. */
export type RowOf<Cs extends readonly ColumnDef[]> = {
  [C in Cs[number] as C['name']]: C extends { required: true }
    ? ValueOf<C['type']>
    : ValueOf<C['type']> | null;
};

/** indicators.md section 1, in table order (names are a contract with the dashboards). */
export const ECOSPHERES_COLUMNS = [
  { name: 'title', type: 'text', doc: 'dcterms:title' },
  { name: 'description', type: 'text', doc: 'dcterms:description' },
  { name: 'modified', type: 'date', doc: 'dcterms:modified (NULL when missing or unparseable)' },
  { name: 'issued', type: 'date', doc: 'dcterms:issued' },
  { name: 'created', type: 'date', doc: 'dcterms:created' },
  { name: 'themes', type: 'text[]', required: true, doc: 'dcat:theme IRIs' },
  { name: 'keywords', type: 'text[]', required: true, doc: 'dcat:keyword strings (commas kept)' },
  {
    name: 'rights_statements',
    type: 'text[]',
    required: true,
    doc: 'rdfs:label of every dcterms:accessRights statement',
  },
  {
    name: 'open_access',
    type: 'boolean',
    required: true,
    doc: 'a rights statement says public access / open licence',
  },
  { name: 'rights_holder', type: 'text', doc: 'foaf:name of dcterms:rightsHolder (or rights_holder)' },
  { name: 'publisher', type: 'text', doc: 'foaf:name of dcterms:publisher' },
  { name: 'creator', type: 'text', doc: 'foaf:name of dcterms:creator' },
  { name: 'contact_email', type: 'text', doc: "dataset contactPoint e-mail, else the catalog record's" },
  { name: 'status', type: 'text', doc: 'adms:status as a label (unknown codes kept raw)' },
  { name: 'source_catalog', type: 'text', doc: 'title of CatalogRecord -> inCatalog -> Catalog' },
  { name: 'communes', type: 'text[]', required: true, doc: 'INSEE commune codes from dcterms:spatial' },
  {
    name: 'departements',
    type: 'text[]',
    required: true,
    doc: 'INSEE departement codes (given, or derived from communes)',
  },
  { name: 'geo_coverage', type: 'text', doc: "'Communale', 'Départementale' or NULL" },
  { name: 'universe_pprn', type: 'boolean', required: true, doc: 'title or description mentions PPRN' },
  { name: 'licences', type: 'text[]', required: true, doc: 'distinct distribution licence IRIs' },
  { name: 'filling_rate', type: 'real', required: true, sql: 'numeric(5,2)', doc: '100 x filled fields / 9' },
  { name: 'is_series', type: 'boolean', required: true, doc: 'the dataset is a dcat:DatasetSeries' },
  { name: 'in_series', type: 'text[]', required: true, doc: 'IRIs of dcat:inSeries' },
] as const satisfies readonly ColumnDef[];

/** Section 1's typed row: exactly the keys of ECOSPHERES_COLUMNS. */
export type EcospheresRow = RowOf<typeof ECOSPHERES_COLUMNS>;

/** The five MQA dimensions (data.europa.eu), in the order of indicators.md. */
export const MQA_DIMENSIONS = [
  'findability',
  'accessibility',
  'interoperability',
  'reusability',
  'contextuality',
] as const;
export type MqaDimension = (typeof MQA_DIMENSIONS)[number];

/** One MQA indicator: column `mqa_<id>`, scored on the dataset or on its best distribution. */
export interface MqaIndicator {
  id: string;
  dimension: MqaDimension;
  points: number;
  /** `dataset`: read on the dataset; `distribution`: read on the best distribution; `either`: dataset or best distribution. */
  on: 'dataset' | 'distribution' | 'either';
  /** `network`: needs URL_CHECKS=on; `shapes`: needs the DCAT-AP SHACL validation (DCAT_AP_SHACL=on). */
  needs?: 'network' | 'shapes';
  doc: string;
  /** What to do when the dataset fails it (dataset_recommendations_latest), in English and French. */
  advice: string;
  adviceFr: string;
}

/** indicators.md section 2, in table order: 405 points in all. */
export const MQA_INDICATORS: readonly MqaIndicator[] = [
  {
    id: 'keyword_availability',
    dimension: 'findability',
    points: 30,
    on: 'dataset',
    doc: 'at least one dcat:keyword',
    advice: 'Add keywords (dcat:keyword) describing the dataset',
    adviceFr: 'Ajouter des mots-clés (dcat:keyword) décrivant le jeu de données',
  },
  {
    id: 'category_availability',
    dimension: 'findability',
    points: 30,
    on: 'dataset',
    doc: 'at least one dcat:theme',
    advice: 'Add a theme (dcat:theme), ideally from the EU data themes',
    adviceFr: 'Ajouter un thème (dcat:theme), de préférence du vocabulaire européen des thèmes',
  },
  {
    id: 'spatial_availability',
    dimension: 'findability',
    points: 20,
    on: 'dataset',
    doc: 'at least one dcterms:spatial',
    advice: 'Give the geographic coverage (dcterms:spatial)',
    adviceFr: 'Indiquer la couverture géographique (dcterms:spatial)',
  },
  {
    id: 'temporal_availability',
    dimension: 'findability',
    points: 20,
    on: 'dataset',
    doc: 'at least one dcterms:temporal',
    advice: 'Give the temporal coverage (dcterms:temporal, start and end dates)',
    adviceFr: 'Indiquer la couverture temporelle (dcterms:temporal, dates de début et de fin)',
  },
  {
    id: 'access_url_status',
    dimension: 'accessibility',
    points: 50,
    on: 'distribution',
    needs: 'network',
    doc: 'accessURL answers 2xx (redirects followed); NULL when URL checks are off',
    advice: "Fix the distribution's access URL: it does not answer",
    adviceFr: "Corriger l'URL d'accès de la distribution : elle ne répond pas",
  },
  {
    id: 'download_url_availability',
    dimension: 'accessibility',
    points: 20,
    on: 'distribution',
    doc: 'distribution has dcat:downloadURL',
    advice: 'Add a direct download URL (dcat:downloadURL) to a distribution',
    adviceFr: 'Ajouter une URL de téléchargement direct (dcat:downloadURL) à une distribution',
  },
  {
    id: 'download_url_status',
    dimension: 'accessibility',
    points: 30,
    on: 'distribution',
    needs: 'network',
    doc: 'downloadURL answers 2xx; NULL when URL checks are off',
    advice: 'Fix the download URL: it does not answer',
    adviceFr: "Corriger l'URL de téléchargement : elle ne répond pas",
  },
  {
    id: 'format_availability',
    dimension: 'interoperability',
    points: 20,
    on: 'distribution',
    doc: 'distribution has a dcterms:format, as piveau checks it (a label such as "Inconnu" counts)',
    advice: "Give each distribution's format (dcterms:format)",
    adviceFr: 'Indiquer le format de chaque distribution (dcterms:format)',
  },
  {
    id: 'media_type_availability',
    dimension: 'interoperability',
    points: 10,
    on: 'distribution',
    doc: 'distribution has dcat:mediaType',
    advice: "Give each distribution's media type (dcat:mediaType)",
    adviceFr: 'Indiquer le type de média de chaque distribution (dcat:mediaType)',
  },
  {
    id: 'format_media_type_vocabulary',
    dimension: 'interoperability',
    points: 10,
    on: 'distribution',
    doc: 'format maps to an EU file type and media type is an IANA type',
    advice: 'Use an EU file type for the format and an IANA media type',
    adviceFr: 'Utiliser un type de fichier européen pour le format et un type de média IANA',
  },
  {
    id: 'non_proprietary',
    dimension: 'interoperability',
    points: 20,
    on: 'distribution',
    doc: 'format (or media type) in the EU non-proprietary list',
    advice: 'Publish the data in a non-proprietary format (CSV, GeoJSON...)',
    adviceFr: 'Publier les données dans un format non propriétaire (CSV, GeoJSON...)',
  },
  {
    id: 'machine_readable',
    dimension: 'interoperability',
    points: 20,
    on: 'distribution',
    doc: 'format (or media type) in the EU machine-readable list',
    advice: 'Publish the data in a machine-readable format',
    adviceFr: 'Publier les données dans un format lisible par machine',
  },
  {
    id: 'dcat_ap_compliance',
    dimension: 'interoperability',
    points: 30,
    on: 'dataset',
    needs: 'shapes',
    doc: 'no SHACL result of severity Violation against the DCAT-AP shapes (DCAT_AP_SHAPES); NULL when DCAT_AP_SHACL=off',
    advice: 'Fix the DCAT-AP violations listed in dataset_violations_latest',
    adviceFr: 'Corriger les violations DCAT-AP listées dans dataset_violations_latest',
  },
  {
    id: 'licence_availability',
    dimension: 'reusability',
    points: 20,
    on: 'distribution',
    doc: 'distribution has dcterms:license',
    advice: 'Give the licence of each distribution (dcterms:license)',
    adviceFr: 'Indiquer la licence de chaque distribution (dcterms:license)',
  },
  {
    id: 'known_licence',
    dimension: 'reusability',
    points: 10,
    on: 'distribution',
    doc: 'licence maps to the EU licence list (SPDX and URL aliases mapped)',
    advice: 'Use a known licence IRI (EU licence list, SPDX, Etalab 2.0)',
    adviceFr: 'Utiliser une IRI de licence connue (liste européenne, SPDX, Etalab 2.0)',
  },
  {
    id: 'access_rights_availability',
    dimension: 'reusability',
    points: 10,
    on: 'dataset',
    doc: 'dataset has dcterms:accessRights',
    advice: 'State the access rights (dcterms:accessRights)',
    adviceFr: "Préciser les droits d'accès (dcterms:accessRights)",
  },
  {
    id: 'access_rights_vocabulary',
    dimension: 'reusability',
    points: 5,
    on: 'dataset',
    doc: 'accessRights is an EU access-right IRI (PUBLIC, RESTRICTED, NON_PUBLIC...)',
    advice: 'Use the EU access-right vocabulary (PUBLIC, RESTRICTED, NON_PUBLIC)',
    adviceFr: "Utiliser le vocabulaire européen des droits d'accès (PUBLIC, RESTRICTED, NON_PUBLIC)",
  },
  {
    id: 'contact_point_availability',
    dimension: 'reusability',
    points: 20,
    on: 'dataset',
    doc: 'dataset has dcat:contactPoint',
    advice: 'Add a contact point (dcat:contactPoint) with an e-mail',
    adviceFr: 'Ajouter un point de contact (dcat:contactPoint) avec un courriel',
  },
  {
    id: 'publisher_availability',
    dimension: 'reusability',
    points: 10,
    on: 'dataset',
    doc: 'dataset has dcterms:publisher',
    advice: 'Name the publisher (dcterms:publisher)',
    adviceFr: "Indiquer l'éditeur (dcterms:publisher)",
  },
  {
    id: 'rights_availability',
    dimension: 'contextuality',
    points: 5,
    on: 'distribution',
    doc: 'distribution has dcterms:rights',
    advice: 'State the rights of the distribution (dcterms:rights)',
    adviceFr: 'Préciser les droits de la distribution (dcterms:rights)',
  },
  {
    id: 'byte_size_availability',
    dimension: 'contextuality',
    points: 5,
    on: 'distribution',
    doc: 'distribution has dcat:byteSize',
    advice: 'Give the size in bytes of the distribution (dcat:byteSize)',
    adviceFr: 'Indiquer la taille en octets de la distribution (dcat:byteSize)',
  },
  {
    id: 'date_issued_availability',
    dimension: 'contextuality',
    points: 5,
    on: 'either',
    doc: 'dcterms:issued on the dataset or the best distribution',
    advice: 'Give the publication date (dcterms:issued)',
    adviceFr: 'Indiquer la date de publication (dcterms:issued)',
  },
  {
    id: 'date_modified_availability',
    dimension: 'contextuality',
    points: 5,
    on: 'either',
    doc: 'dcterms:modified on the dataset or the best distribution',
    advice: 'Give the last modification date (dcterms:modified)',
    adviceFr: 'Indiquer la date de dernière modification (dcterms:modified)',
  },
];

/** The MQA maximum (sum of every indicator's points). */
export const MQA_MAX_POINTS = 405;

/** One udata criterion: column `udata_<id>`. */
export interface UdataCriterion {
  id: string;
  needs?: 'network';
  doc: string;
}

/** indicators.md section 3: the nine data.gouv.fr (udata) quality criteria. */
export const UDATA_CRITERIA: readonly UdataCriterion[] = [
  { id: 'description_length', doc: 'description longer than 100 characters' },
  { id: 'license', doc: 'a licence on the dataset (dcterms:license, dcterms:rights) or a distribution' },
  {
    id: 'temporal_coverage',
    doc: 'the first dcterms:temporal parses as a period (dates, a/b range, year, month)',
  },
  { id: 'spatial_coverage', doc: 'a dcterms:spatial carries a GeoJSON/WKT geometry or is a w,s,e,n bbox' },
  {
    id: 'update_frequency',
    doc: 'the first dcterms:accrualPeriodicity is a Dublin Core or EU frequency (not UNKNOWN, not INSPIRE)',
  },
  {
    id: 'updated_in_time',
    doc: "last update + frequency's delta >= run date - 1 day (true for frequencies without a delta)",
  },
  {
    id: 'open_format',
    doc: "some distribution's format is given and not in udata's closed list (pdf, doc(x), word, xls(x), excel)",
  },
  {
    id: 'resources_available',
    needs: 'network',
    doc: 'no checked distribution URL fails (not checked: unknown, counts as met, as in udata)',
  },
  { id: 'resources_documented', doc: 'some distribution has a dcterms:description or is documentation' },
];

/** indicators.md sections 2 (MQA) and 3 (udata). */
export const FAIR_COLUMNS: readonly ColumnDef[] = [
  ...MQA_INDICATORS.map((i): ColumnDef => ({
    name: `mqa_${i.id}`,
    type: 'boolean',
    doc: `MQA ${i.dimension} (${i.points} pts): ${i.doc}`,
  })),
  ...MQA_DIMENSIONS.map((d): ColumnDef => ({
    name: `mqa_${d}`,
    type: 'integer',
    doc: `MQA ${d} points reached (assessed indicators only)`,
  })),
  { name: 'mqa_total', type: 'integer', doc: 'MQA points reached (0..405)' },
  {
    name: 'mqa_assessable',
    type: 'integer',
    doc: 'MQA points reachable with the checks that ran (405 when all ran)',
  },
  {
    name: 'mqa_rating',
    type: 'text',
    doc: 'excellent (>= 351) / good (>= 221) / sufficient (>= 121) / bad, on total x 405 / assessable',
  },
  {
    name: 'mqa_rating_raw',
    type: 'text',
    doc: 'the rating on the unscaled total: excellent (> 350) / good (> 220) / sufficient (> 120) / bad',
  },
  {
    name: 'mqa_estimated',
    type: 'boolean',
    doc: 'true when some MQA checks did not run (rating from the scaled total)',
  },
  {
    name: 'dcat_ap_violations',
    type: 'jsonb',
    doc: 'DCAT-AP SHACL results (focus_node, path, constraint, severity, message, value), at most 100; NULL when not validated',
  },
  ...UDATA_CRITERIA.map((c): ColumnDef => ({
    name: `udata_${c.id}`,
    type: 'boolean',
    doc: `udata: ${c.doc}`,
  })),
  {
    name: 'udata_score',
    type: 'real',
    doc: 'udata score 0..1: criteria met / 9 (udata compute_quality_score)',
  },
];

/** Every indicator column, in the order rows are COPYed (after run_id, dataset_uri, source_key). */
export const QUALITY_COLUMNS: readonly ColumnDef[] = [...ECOSPHERES_COLUMNS, ...FAIR_COLUMNS];

/** The SQL type of a column, as PostgreSQL's format_type() prints it. */
export function sqlType(c: ColumnDef): string {
  return c.sql ?? c.type;
}

/** A column's definition in `CREATE TABLE` / `ALTER TABLE ... ADD COLUMN`. */
export function columnDdl(c: ColumnDef): string {
  if (!c.required) return `${c.name} ${sqlType(c)}`;
  const fallback = c.type === 'text[]' ? " DEFAULT '{}'" : c.type === 'boolean' ? ' DEFAULT false' : '';
  return `${c.name} ${sqlType(c)} NOT NULL${fallback}`;
}

/** The README's column table (between its `columns` markers; `npm run docs` rewrites it). */
export function columnsMarkdown(): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  return [
    '| column | type | meaning |',
    '|---|---|---|',
    ...QUALITY_COLUMNS.map(
      (c) => `| \`${c.name}\` | ${sqlType(c)}${c.required ? '' : ', NULL'} | ${cell(c.doc)} |`,
    ),
  ].join('\n');
}
