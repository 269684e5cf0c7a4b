/**
 * data.europa.eu MQA points (indicators.md section 2), computed offline from the dataset record;
 * the two URL-status indicators only when URL check results are given.
 */
import {
  MQA_DIMENSIONS,
  MQA_INDICATORS,
  MQA_MAX_POINTS,
  type MqaDimension,
  type MqaIndicator,
} from '../../shared/columns.js';
import type { QualityRow } from '../../shared/columns.js';
import {
  isLiteral,
  isRef,
  literals,
  refNodes,
  rootNode,
  values,
  type DatasetRecord,
  type GraphNode,
  type Value,
} from '../../shared/record.js';
import {
  accessRightCode,
  formatCode,
  isEuFileType,
  isMachineReadable,
  isNonProprietary,
  licenceCode,
  mediaType,
  type Match,
} from './vocab/lookup.js';

/** URL -> whether it answered 2xx; absent when URL checks are off (network indicators stay NULL). */
export type UrlStatus = ReadonlyMap<string, boolean>;

/** What the scores need to know about one distribution, read once per dataset. */
export interface DistributionFacts {
  id: string;
  accessUrls: string[];
  downloadUrls: string[];
  /** EU file-type codes of dcterms:format (mapped from labels, IRIs, extensions, MIME types). */
  formatCodes: string[];
  /** A dcterms:format other than a placeholder such as "Inconnu" (mapped or not). */
  hasFormat: boolean;
  /** Any dcterms:format at all, placeholders included: piveau's "format availability". */
  formatPresent: boolean;
  hasMediaType: boolean;
  /** Some dcat:mediaType is an IANA-registered type. */
  ianaMediaType: boolean;
  /** EU file-type codes of dcat:mediaType. */
  mediaTypeCodes: string[];
  hasLicence: boolean;
  knownLicence: boolean;
  hasRights: boolean;
  hasByteSize: boolean;
  hasDescription: boolean;
  issued: string[];
  modified: string[];
}

const LABEL_PROPS = ['rdfs:label', 'skos:prefLabel', 'dcterms:title', 'rdf:value', 'dcterms:identifier'];

/** True for a reference or a non-blank literal. */
function given(v: Value): boolean {
  return isRef(v) || v.v.trim() !== '';
}

export function hasAny(node: GraphNode | undefined, ...props: string[]): boolean {
  return values(node, ...props).some(given);
}

/**
 * The strings one value offers to a vocabulary look-up (its IRI, then its node's labels; or the
 * literal), and the one to show in a run note (a label rather than an IRI when there is one).
 */
export function valueTexts(record: DatasetRecord, v: Value): { texts: string[]; display: string } {
  if (isLiteral(v)) {
    const text = v.v.trim();
    return { texts: text ? [text] : [], display: text };
  }
  const labels = literals(record.nodes.get(v.id), ...LABEL_PROPS);
  const iri = v.id.startsWith('_:') ? [] : [v.id];
  return { texts: [...iri, ...labels], display: labels[0] ?? iri[0] ?? '' };
}

/**
 * Maps every value of a property through `lookup`: the known codes, whether anything other than a
 * placeholder was given, and the unmapped values (for the run notes).
 */
export function mapValues(
  record: DatasetRecord,
  vs: readonly Value[],
  lookup: (s: string) => Match,
): { codes: string[]; given: boolean; unknown: string[] } {
  const codes: string[] = [];
  const unknown: string[] = [];
  let anyGiven = false;
  for (const v of vs) {
    const { texts, display } = valueTexts(record, v);
    const matches = texts.map(lookup);
    const known = matches.find((m) => m.status === 'known');
    if (known?.code) {
      anyGiven = true;
      if (!codes.includes(known.code)) codes.push(known.code);
    } else if (matches.some((m) => m.status === 'unknown')) {
      anyGiven = true;
      unknown.push(display);
    }
  }
  return { codes, given: anyGiven, unknown };
}

/** URL strings of a property: IRIs (not blank nodes) and literals. */
function urls(node: GraphNode, prop: string): string[] {
  const out: string[] = [];
  for (const v of values(node, prop)) {
    const u = isRef(v) ? (v.id.startsWith('_:') ? '' : v.id) : v.v.trim();
    if (u && !out.includes(u)) out.push(u);
  }
  return out;
}

/** A run note, bounded and on one line (notes become jsonb keys in etl_runs.notes). */
export function note(kind: string, value: string): string {
  return `${kind}:${value.replace(/\s+/g, ' ').trim().slice(0, 200)}`;
}

/** Reads every distribution the record holds, with the notes of the values the vocabularies miss. */
export function readDistributions(record: DatasetRecord): {
  distributions: DistributionFacts[];
  notes: string[];
} {
  const notes = new Set<string>();
  const distributions = refNodes(record, rootNode(record), 'dcat:distribution').map(
    (d): DistributionFacts => {
      const formats = mapValues(record, values(d, 'dcterms:format'), formatCode);
      for (const u of formats.unknown) notes.add(note('unknown_format', u));

      const mediaTypeCodes: string[] = [];
      let ianaMediaType = false;
      const mediaTypeValues = values(d, 'dcat:mediaType').filter(given);
      for (const v of mediaTypeValues) {
        const { texts, display } = valueTexts(record, v);
        const parsed = texts.map(mediaType).find((m) => m !== undefined);
        if (parsed?.iana) ianaMediaType = true;
        // not a media type ("CSV", an EU file-type IRI): it still tells the format for the list checks
        const code = parsed?.code ?? texts.map((t) => formatCode(t).code).find((c) => c !== null);
        if (code && !mediaTypeCodes.includes(code)) mediaTypeCodes.push(code);
        if (!parsed?.iana && !code) notes.add(note('unknown_media_type', display));
      }

      const licences = mapValues(record, values(d, 'dcterms:license'), licenceCode);
      for (const u of licences.unknown) notes.add(note('unknown_licence', u));

      return {
        id: d.id,
        accessUrls: urls(d, 'dcat:accessURL'),
        downloadUrls: urls(d, 'dcat:downloadURL'),
        formatCodes: formats.codes,
        hasFormat: formats.given,
        formatPresent: values(d, 'dcterms:format').some(given),
        hasMediaType: mediaTypeValues.length > 0,
        ianaMediaType,
        mediaTypeCodes,
        hasLicence: licences.given,
        knownLicence: licences.codes.length > 0,
        hasRights: hasAny(d, 'dcterms:rights'),
        hasByteSize: hasAny(d, 'dcat:byteSize'),
        hasDescription: literals(d, 'dcterms:description').length > 0,
        issued: literals(d, 'dcterms:issued'),
        modified: literals(d, 'dcterms:modified'),
      };
    },
  );
  return { distributions, notes: [...notes] };
}

export type MqaRating = 'excellent' | 'good' | 'sufficient' | 'bad';

/**
 * The MQA rating of `total` points, scaled to 405 when only `assessable` points could be checked
 * (compared exactly: total x 405 against band x assessable, no rounding).
 */
export function mqaRating(total: number, assessable: number = MQA_MAX_POINTS): MqaRating {
  if (assessable <= 0) return 'bad';
  const scaled = total * MQA_MAX_POINTS;
  if (scaled >= 351 * assessable) return 'excellent';
  if (scaled >= 221 * assessable) return 'good';
  if (scaled >= 121 * assessable) return 'sufficient';
  return 'bad';
}

type Verdicts = Record<string, boolean | null>;

/** Dataset-level verdicts (the `either` indicators: the dataset part only). */
function datasetVerdicts(record: DatasetRecord, dcatApCompliant: boolean | null): Verdicts {
  const root = rootNode(record);
  const rights = values(root, 'dcterms:accessRights').filter(given);
  return {
    keyword_availability: literals(root, 'dcat:keyword').length > 0,
    category_availability: hasAny(root, 'dcat:theme'),
    spatial_availability: hasAny(root, 'dcterms:spatial'),
    temporal_availability: hasAny(root, 'dcterms:temporal'),
    // from the SHACL validation of the page (dcat-ap.ts); NULL (not assessed) when it is off
    dcat_ap_compliance: dcatApCompliant,
    access_rights_availability: rights.length > 0,
    // the Ecosphères RightsStatement blank nodes are not EU access-right IRIs
    access_rights_vocabulary: rights.some((v) => accessRightCode(isRef(v) ? v.id : v.v) !== undefined),
    contact_point_availability: hasAny(root, 'dcat:contactPoint'),
    publisher_availability: hasAny(root, 'dcterms:publisher'),
    date_issued_availability: literals(root, 'dcterms:issued').length > 0,
    date_modified_availability: literals(root, 'dcterms:modified').length > 0,
  };
}

/** Distribution-level verdicts of one distribution (`undefined`: the dataset has none). */
function distributionVerdicts(d: DistributionFacts | undefined, urlStatus: UrlStatus | undefined): Verdicts {
  const ok = (list: string[] | undefined) =>
    urlStatus ? (list ?? []).some((u) => urlStatus.get(u) === true) : null;
  const codes = [...(d?.formatCodes ?? []), ...(d?.mediaTypeCodes ?? [])];
  return {
    access_url_status: ok(d?.accessUrls),
    download_url_availability: (d?.downloadUrls.length ?? 0) > 0,
    download_url_status: ok(d?.downloadUrls),
    format_availability: d?.formatPresent ?? false,
    media_type_availability: d?.hasMediaType ?? false,
    // indicators.md: format in the EU file-type list AND media type an IANA type
    format_media_type_vocabulary: (d?.formatCodes.some(isEuFileType) ?? false) && (d?.ianaMediaType ?? false),
    non_proprietary: codes.some(isNonProprietary),
    machine_readable: codes.some(isMachineReadable),
    licence_availability: d?.hasLicence ?? false,
    known_licence: d?.knownLicence ?? false,
    rights_availability: d?.hasRights ?? false,
    byte_size_availability: d?.hasByteSize ?? false,
    date_issued_availability: (d?.issued.length ?? 0) > 0,
    date_modified_availability: (d?.modified.length ?? 0) > 0,
  };
}

function verdictOf(i: MqaIndicator, dataset: Verdicts, dist: Verdicts): boolean | null {
  if (i.on === 'dataset') return dataset[i.id] ?? null;
  if (i.on === 'distribution') return dist[i.id] ?? null;
  return (dataset[i.id] ?? false) || (dist[i.id] ?? false);
}

const DISTRIBUTION_SIDE = MQA_INDICATORS.filter((i) => i.on !== 'dataset');
const INDICATOR_COLUMNS = MQA_INDICATORS.map((i) => `mqa_${i.id}`);
const DIMENSION_COLUMNS = MQA_DIMENSIONS.map((d) => `mqa_${d}`);
const DIMENSION_INDEX = new Map<MqaDimension, number>(MQA_DIMENSIONS.map((d, k) => [d, k]));

/** Points of the distribution-side indicators for one candidate distribution. */
function distributionPoints(dataset: Verdicts, dist: Verdicts): number {
  let sum = 0;
  for (const i of DISTRIBUTION_SIDE) if (verdictOf(i, dataset, dist) === true) sum += i.points;
  return sum;
}

export interface MqaOptions {
  /** Pre-read distributions (computeFair reads them once for MQA and udata). */
  distributions?: DistributionFacts[];
  urlStatus?: UrlStatus;
  /** No DCAT-AP violation (true), some (false), not validated (undefined: NULL, not assessable). */
  dcatApCompliant?: boolean;
}

/** The rating bands on the unscaled total (data.europa.eu): > 350, > 220, > 120. */
export function mqaRatingRaw(total: number): MqaRating {
  if (total > 350) return 'excellent';
  if (total > 220) return 'good';
  if (total > 120) return 'sufficient';
  return 'bad';
}

/**
 * The MQA columns of one dataset (keys `mqa_*` of FAIR_COLUMNS).
 *
 * Best-distribution rule: the dataset scores its dataset-level indicators plus the
 * distribution-level indicators of ONE distribution, the one scoring the most points (the first
 * such in document order on a tie); the date indicators count when the dataset or that
 * distribution has the date. A dataset without distributions scores every distribution-level
 * indicator false (NULL for the URL statuses when URL checks are off).
 */
export function computeMqa(record: DatasetRecord, opts: MqaOptions = {}): QualityRow {
  const distributions = opts.distributions ?? readDistributions(record).distributions;
  const dataset = datasetVerdicts(record, opts.dcatApCompliant ?? null);

  let best = distributionVerdicts(undefined, opts.urlStatus);
  let bestPoints = -1;
  for (const d of distributions) {
    const v = distributionVerdicts(d, opts.urlStatus);
    const p = distributionPoints(dataset, v);
    if (p > bestPoints) {
      best = v;
      bestPoints = p;
    }
  }

  const row: QualityRow = {};
  const byDimension = DIMENSION_COLUMNS.map(() => 0);
  let total = 0;
  let assessable = 0;
  for (let k = 0; k < MQA_INDICATORS.length; k++) {
    const i = MQA_INDICATORS[k]!;
    const v = verdictOf(i, dataset, best);
    row[INDICATOR_COLUMNS[k]!] = v;
    if (v === null) continue;
    assessable += i.points;
    if (v) {
      total += i.points;
      byDimension[DIMENSION_INDEX.get(i.dimension)!]! += i.points;
    }
  }
  for (let k = 0; k < DIMENSION_COLUMNS.length; k++) row[DIMENSION_COLUMNS[k]!] = byDimension[k]!;
  row.mqa_total = total;
  row.mqa_assessable = assessable;
  row.mqa_rating = mqaRating(total, assessable);
  row.mqa_rating_raw = mqaRatingRaw(total);
  row.mqa_estimated = assessable < MQA_MAX_POINTS;
  return row;
}
