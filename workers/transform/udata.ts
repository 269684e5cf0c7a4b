/**
 * data.gouv.fr (udata) quality score (indicators.md section 3), as udata computes it
 * (opendatateam/udata: `Dataset.compute_quality` and `compute_quality_score` in
 * udata/core/dataset/models.py, the DCAT mapping in udata/core/dataset/rdf.py): nine criteria,
 * each a column `udata_<criterion>`, and `udata_score` = criteria met / 9, always.
 *
 * - licence: a licence given on the dataset (dct:license, dct:rights) or a distribution;
 * - temporal coverage: the first dct:temporal parses as a period (start/end dates, a `a/b` range,
 *   a year or a month); spatial coverage: a dct:spatial carries a GeoJSON or WKT geometry, or is a
 *   `w,s,e,n` bounding box;
 * - update frequency: the first dct:accrualPeriodicity is a Dublin Core or EU frequency (IRI or
 *   udata id), not EU UNKNOWN; INSPIRE MaintenanceFrequency IRIs are not recognised, as in udata;
 * - updated in time: last update (the dataset's dct:modified, else its distributions' newest)
 *   plus the frequency's delta is at most one day before the run's scheduled date; frequencies
 *   without a delta (irregular, as needed...) are in time; with no date at all udata falls back on
 *   its own harvest time, that is the run's date;
 * - open format: some distribution's format (dct:format, its label; EU file-type and IANA IRIs
 *   reduced to their code) is given and not in udata's closed list;
 * - resources available: every checked URL answers (URL_CHECKS=on); not checked is udata's
 *   "unknown", which counts as met;
 * - resources documented: some distribution has a description or is documentation;
 * - the three resource criteria need at least one distribution.
 */
import { UDATA_CRITERIA } from '../../shared/columns.js';
import type { QualityRow } from '../../shared/columns.js';
import {
  isLiteral,
  isRef,
  literal,
  literals,
  rootNode,
  values,
  type DatasetRecord,
  type GraphNode,
  type Value,
} from '../../shared/record.js';
import { frequency } from './vocab/lookup.js';
import { note, readDistributions, valueTexts, type DistributionFacts, type UrlStatus } from './mqa.js';

export interface UdataOptions {
  /** The run's scheduled date, `YYYY-MM-DD`: "updated in time" is judged against it, never the clock. */
  runDate: string;
  distributions?: DistributionFacts[];
  urlStatus?: UrlStatus;
}

/** More than `n` code points (udata counts characters, not UTF-16 units), without copying the text. */
function codePointsOver(s: string, n: number): boolean {
  if (s.length <= n) return false;
  if (s.length > 2 * n) return true;
  let count = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) count++; // a low surrogate ends a pair already counted
  }
  return count > n;
}

/** `YYYY-MM-DD...` -> days since the epoch (UTC), or undefined. */
function dayNumber(value: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  // reject 2024-02-31 and the like rather than roll them over
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return t / 86_400_000;
}

/** udata's UpdateFrequency: the delta in days (months are 31 days, years 365), null for none. */
export interface UdataFrequency {
  id: string;
  /** Days; null: no regular update expected (always in time). */
  delta: number | null;
}

const MIN = 1 / 1440;
const DC_FREQ = 'http://purl.org/cld/freq/';
const EU_FREQ = 'http://publications.europa.eu/resource/authority/frequency/';
/** rdf.py FREQ_TERM_TO_UDATA (Dublin Core) and EUFREQ_TERM_TO_UDATA, with constants.py's deltas. */
const DC_FREQUENCIES: Record<string, UdataFrequency> = {};
const EU_FREQUENCIES: Record<string, UdataFrequency> = {};
for (const [dc, eu, id, delta] of [
  ['continuous', 'UPDATE_CONT', 'continuous', null],
  [null, '1MIN', 'oneMinute', MIN],
  [null, '5MIN', 'fiveMinutes', 5 * MIN],
  [null, '10MIN', 'tenMinutes', 10 * MIN],
  [null, '15MIN', 'fifteenMinutes', 15 * MIN],
  [null, '30MIN', 'thirtyMinutes', 30 * MIN],
  [null, 'HOURLY', 'hourly', 60 * MIN],
  [null, 'BIHOURLY', 'bihourly', 120 * MIN],
  [null, 'TRIHOURLY', 'trihourly', 180 * MIN],
  [null, '12HRS', 'twelveHours', 0.5],
  [null, 'CONT', 'severalTimesADay', 1],
  [null, 'DAILY_3', 'threeTimesADay', 1],
  [null, 'DAILY_2', 'semidaily', 1],
  ['daily', 'DAILY', 'daily', 1],
  [null, 'WEEKLY_5', 'fiveTimesAWeek', 7],
  ['threeTimesAWeek', 'WEEKLY_3', 'threeTimesAWeek', 7],
  ['semiweekly', 'WEEKLY_2', 'semiweekly', 7],
  ['weekly', 'WEEKLY', 'weekly', 7],
  ['biweekly', 'BIWEEKLY', 'biweekly', 14],
  ['threeTimesAMonth', 'MONTHLY_3', 'threeTimesAMonth', 31],
  ['semimonthly', 'MONTHLY_2', 'semimonthly', 31],
  ['monthly', 'MONTHLY', 'monthly', 31],
  ['bimonthly', 'BIMONTHLY', 'bimonthly', 62],
  ['quarterly', 'QUARTERLY', 'quarterly', 93],
  ['threeTimesAYear', 'ANNUAL_3', 'threeTimesAYear', 365],
  ['semiannual', 'ANNUAL_2', 'semiannual', 365],
  ['annual', 'ANNUAL', 'annual', 365],
  ['biennial', 'BIENNIAL', 'biennial', 730],
  ['triennial', 'TRIENNIAL', 'triennial', 1095],
  [null, 'QUADRENNIAL', 'quadrennial', 1460],
  [null, 'QUINQUENNIAL', 'quinquennial', 1825],
  [null, 'DECENNIAL', 'decennial', 3650],
  [null, 'BIDECENNIAL', 'bidecennial', 7300],
  [null, 'TRIDECENNIAL', 'tridecennial', 10950],
  [null, 'AS_NEEDED', 'punctual', null],
  ['irregular', 'IRREG', 'irregular', null],
  [null, 'NEVER', 'never', null],
  [null, 'NOT_PLANNED', 'notPlanned', null],
  [null, 'OTHER', 'other', null],
  [null, 'UNKNOWN', 'unknown', null],
] as const) {
  const f = { id, delta };
  if (dc) DC_FREQUENCIES[dc] = f;
  EU_FREQUENCIES[eu] = f;
}
/** rdf.py FREQ_ID_TO_UDATA / EUFREQ_ID_TO_UDATA: literals as lower-cased local names, Dublin Core first. */
const FREQUENCY_IDS = new Map<string, UdataFrequency>([
  ...Object.entries(EU_FREQUENCIES).map(([k, f]) => [k.toLowerCase(), f] as const),
  ...Object.entries(DC_FREQUENCIES).map(([k, f]) => [k.toLowerCase(), f] as const),
]);

/** rdf.py `frequency_from_rdf`: a Dublin Core or EU frequency IRI, or a literal id; else undefined. */
export function udataFrequency(v: Value): UdataFrequency | undefined {
  const text = (isRef(v) ? v.id : v.v).trim();
  if (/^https?:\/\//.test(text)) {
    if (text.startsWith(DC_FREQ)) return DC_FREQUENCIES[text.slice(DC_FREQ.length)];
    if (text.startsWith(EU_FREQ)) return EU_FREQUENCIES[text.slice(EU_FREQ.length)];
    return undefined;
  }
  return isLiteral(v) ? FREQUENCY_IDS.get(text.toLowerCase()) : undefined;
}

/**
 * udata's "update fulfilled in time": `(next_update - now).days >= -1` with next_update = last
 * update + the frequency's delta, judged at the run's scheduled date; no delta: in time.
 */
export function updatedInTime(
  freq: UdataFrequency | undefined,
  lastUpdate: string | undefined,
  runDate: string,
): boolean {
  if (!freq || freq.id === 'unknown') return false;
  if (freq.delta === null) return true;
  const run = dayNumber(runDate);
  if (run === undefined) throw new Error(`runDate must be YYYY-MM-DD, got ${JSON.stringify(runDate)}`);
  const last = lastUpdate === undefined ? run : dayNumber(lastUpdate);
  if (last === undefined) return false;
  return last + freq.delta - run >= -1;
}

/** The newest `YYYY-MM-DD` of a list, as it was written. */
function newest(dates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDay = -Infinity;
  for (const d of dates) {
    const n = dayNumber(d);
    if (n !== undefined && n > bestDay) [best, bestDay] = [d, n];
  }
  return best;
}

const DATE = /^\d{4}-\d{2}-\d{2}/;

/** rdf.py `temporal_from_rdf` on the first dct:temporal value (remote IRIs are not fetched). */
function temporalCoverage(record: DatasetRecord, root: GraphNode): boolean {
  const v = values(root, 'dcterms:temporal')[0];
  if (!v) return false;
  if (isLiteral(v)) {
    const text = v.v.trim();
    const parts = text.split('/');
    if (parts.length === 2)
      return parts.every((p) => DATE.test(p.trim()) || /^\d{4}(-\d{2})?$/.test(p.trim()));
    const dashes = text.split('-').length - 1;
    if (dashes === 0) return /^\d+$/.test(text);
    if (dashes === 1) return /^\d{4}-\d{1,2}$/.test(text);
    return false;
  }
  const node = record.nodes.get(v.id);
  return (
    ['schema:startDate', 'schema:endDate', 'dcat:startDate', 'dcat:endDate'].some(
      (p) => literals(node, p).length > 0,
    ) || values(node, 'http://purl.org/NET/scovo#min', 'http://purl.org/NET/scovo#max').length > 0
  );
}

const GEOMETRY_DATATYPES = new Set([
  'geo:geoJSONLiteral',
  'http://www.iana.org/assignments/media-types/application/vnd.geo+json',
  'geo:wktLiteral',
  'http://www.opengis.net/rdf#wktLiteral',
]);

/** rdf.py `spatial_from_rdf`: a geometry (GeoJSON, WKT) on a dct:spatial node, or a bbox literal. */
function spatialCoverage(record: DatasetRecord, root: GraphNode): boolean {
  for (const v of values(root, 'dcterms:spatial')) {
    if (isLiteral(v)) {
      const bbox = v.v.trim().split(',');
      if (bbox.length === 4 && bbox.every((n) => n.trim() !== '' && Number.isFinite(Number(n)))) return true;
      continue;
    }
    const node = record.nodes.get(v.id);
    for (const vs of Object.values(node?.p ?? {})) {
      for (const o of vs) {
        if (!isLiteral(o) || !o.dt || !GEOMETRY_DATATYPES.has(o.dt)) continue;
        if (!o.dt.toLowerCase().includes('json')) return true;
        try {
          JSON.parse(o.v);
          return true;
        } catch {
          /* udata logs the invalid GeoJSON and goes on */
        }
      }
    }
  }
  return false;
}

const CLOSED_FORMATS = new Set(['pdf', 'doc', 'docx', 'word', 'xls', 'excel', 'xlsx']);
const EU_FILE_TYPE = 'http://publications.europa.eu/resource/authority/file-type/';
const IANA_MEDIA_TYPE = 'http://www.iana.org/assignments/media-types/';

/** rdf.py `format_from_rdf`: the first dct:format (its label), EU/IANA IRIs reduced to a code; lower-cased. */
function udataFormat(record: DatasetRecord, d: GraphNode): string | undefined {
  const v = values(d, 'dcterms:format')[0];
  if (!v) return undefined;
  let text: string | undefined;
  if (isLiteral(v)) text = v.v;
  else text = literal(record.nodes.get(v.id), 'rdfs:label') ?? (v.id.startsWith('_:') ? undefined : v.id);
  text = text?.trim();
  if (!text) return undefined;
  if (text.startsWith(EU_FILE_TYPE)) return text.slice(EU_FILE_TYPE.length).toLowerCase();
  if (text.startsWith(IANA_MEDIA_TYPE)) return text.split('/').pop()!.toLowerCase();
  return text.toLowerCase();
}

/** The udata columns of one dataset (keys `udata_*` of FAIR_COLUMNS) and its run notes. */
export function computeUdata(
  record: DatasetRecord,
  opts: UdataOptions,
): { row: QualityRow; notes: string[] } {
  const root = rootNode(record);
  const notes: string[] = [];
  const distributions = opts.distributions ?? readDistributions(record).distributions;
  // the distribution nodes readDistributions found, in the same order
  const nodes = distributions.map((d) => record.nodes.get(d.id)!);

  const first = values(root, 'dcterms:accrualPeriodicity')[0];
  const freq = first ? udataFrequency(first) : undefined;
  if (first && !freq) {
    const { texts, display } = valueTexts(record, first);
    // the project's own table knows it (INSPIRE...), udata does not
    if (!texts.some((t) => frequency(t)?.known)) notes.push(note('unknown_frequency', display));
  }

  const description = literal(root, 'dcterms:description') ?? '';
  const modified = literals(root, 'dcterms:modified');
  const lastUpdate = newest(modified) ?? newest(distributions.flatMap((d) => d.modified));
  const any = distributions.length > 0;
  const verdicts: Record<string, boolean> = {
    description_length: codePointsOver(description, 100),
    license:
      values(root, 'dcterms:license', 'dcterms:rights').length > 0 || distributions.some((d) => d.hasLicence),
    temporal_coverage: temporalCoverage(record, root),
    spatial_coverage: spatialCoverage(record, root),
    update_frequency: freq !== undefined && freq.id !== 'unknown',
    updated_in_time: updatedInTime(freq, lastUpdate, opts.runDate),
    open_format:
      any &&
      nodes.some((d) => {
        const f = udataFormat(record, d);
        return f !== undefined && !CLOSED_FORMATS.has(f);
      }),
    // models.py check_availability: "unknown" (not checked) counts as available
    resources_available:
      any &&
      distributions.every((d) =>
        [...d.accessUrls, ...d.downloadUrls].every((u) => opts.urlStatus?.get(u) !== false),
      ),
    resources_documented:
      any &&
      (distributions.some((d) => d.hasDescription) ||
        nodes.some((d) =>
          values(d, 'dcterms:type').some((t) => /documentation$/i.test((isRef(t) ? t.id : t.v).trim())),
        )),
  };

  const row: QualityRow = {};
  let met = 0;
  for (const c of UDATA_CRITERIA) {
    const v = verdicts[c.id] ?? false;
    row[`udata_${c.id}`] = v;
    if (v) met += 1;
  }
  // models.py normalize_score: QUALITY_MAX_SCORE = 9
  row.udata_score = met / UDATA_CRITERIA.length;
  return { row, notes };
}
