import { FAIR_COLUMNS } from './columns-fair.js';

/** SQL types a quality column may have; the load worker encodes each for COPY. */
export type ColumnType = 'text' | 'text[]' | 'boolean' | 'date' | 'integer' | 'real';

export interface ColumnDef {
  name: string;
  type: ColumnType;
  /** One line for the README and COMMENT ON COLUMN. */
  doc: string;
}

/** A value of one column: NULL, a scalar, or a text array. Dates are `YYYY-MM-DD` strings. */
export type RowValue = string | number | boolean | null | string[];

/** One dataset's indicators, by column name. */
export type QualityRow = Record<string, RowValue>;

/** indicators.md section 1, in table order (names are a contract with the dashboards). */
export const ECOSPHERES_COLUMNS: readonly ColumnDef[] = [
  { name: 'title', type: 'text', doc: 'dcterms:title' },
  { name: 'description', type: 'text', doc: 'dcterms:description' },
  { name: 'modified', type: 'date', doc: 'dcterms:modified (NULL when missing or unparseable)' },
  { name: 'issued', type: 'date', doc: 'dcterms:issued' },
  { name: 'created', type: 'date', doc: 'dcterms:created' },
  { name: 'themes', type: 'text[]', doc: 'dcat:theme IRIs' },
  { name: 'keywords', type: 'text[]', doc: 'dcat:keyword strings (commas kept)' },
  { name: 'rights_statements', type: 'text[]', doc: 'rdfs:label of every dcterms:accessRights statement' },
  { name: 'open_access', type: 'boolean', doc: 'a rights statement says public access / open licence' },
  { name: 'rights_holder', type: 'text', doc: 'foaf:name of dcterms:rightsHolder (or rights_holder)' },
  { name: 'publisher', type: 'text', doc: 'foaf:name of dcterms:publisher' },
  { name: 'creator', type: 'text', doc: 'foaf:name of dcterms:creator' },
  { name: 'contact_email', type: 'text', doc: "dataset contactPoint e-mail, else the catalog record's" },
  { name: 'status', type: 'text', doc: 'adms:status as a label (unknown codes kept raw)' },
  { name: 'source_catalog', type: 'text', doc: 'title of CatalogRecord -> inCatalog -> Catalog' },
  { name: 'communes', type: 'text[]', doc: 'INSEE commune codes from dcterms:spatial' },
  { name: 'departements', type: 'text[]', doc: 'INSEE departement codes (given, or derived from communes)' },
  { name: 'geo_coverage', type: 'text', doc: "'Communale', 'Départementale' or NULL" },
  { name: 'universe_pprn', type: 'boolean', doc: 'title or description mentions PPRN' },
  { name: 'licences', type: 'text[]', doc: 'distinct distribution licence IRIs' },
  { name: 'filling_rate', type: 'real', doc: '100 x filled fields / 9' },
  { name: 'is_series', type: 'boolean', doc: 'the dataset is a dcat:DatasetSeries' },
  { name: 'in_series', type: 'text[]', doc: 'IRIs of dcat:inSeries' },
];

/** Every indicator column, in the order rows are COPYed (after run_id, dataset_uri, source_key). */
export const QUALITY_COLUMNS: readonly ColumnDef[] = [...ECOSPHERES_COLUMNS, ...FAIR_COLUMNS];
