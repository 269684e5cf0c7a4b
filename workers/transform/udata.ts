/**
 * data.gouv.fr (udata) quality score (indicators.md section 3): nine criteria, each a column
 * `udata_<criterion>` (see UDATA_CRITERIA in shared/columns.ts for their meaning).
 *
 * `udata_score` = criteria met / criteria assessed, so each criterion weighs 1/9 when all nine
 * ran; with URL checks off, `udata_resources_available` is NULL and the score is over the other
 * eight. That keeps scores comparable whether URL checks run or not (as the MQA estimate does).
 */
import { UDATA_CRITERIA } from '../../shared/columns.js';
import type { QualityRow } from '../../shared/columns.js';
import { literal, literals, rootNode, values, type DatasetRecord } from '../../shared/record.js';
import { frequency, licenceCode, type Frequency } from './vocab/lookup.js';
import { CLOSED_FORMATS } from './vocab/mappings.js';
import {
  hasAny,
  mapValues,
  note,
  readDistributions,
  valueTexts,
  type DistributionFacts,
  type UrlStatus,
} from './mqa.js';

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

/** `day` + a period, months added on the calendar (Jan 31 + 1 month = Feb 28/29). */
function addPeriod(day: number, period: NonNullable<Frequency['period']>): number {
  let result = day + (period.days ?? 0);
  if (period.months) {
    const date = new Date(result * 86_400_000);
    const y = date.getUTCFullYear();
    const m = date.getUTCMonth() + period.months;
    const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
    result = Date.UTC(y, m, Math.min(date.getUTCDate(), lastDay)) / 86_400_000;
  }
  return result;
}

/**
 * udata's "update fulfilled in time": last modified + frequency >= run date - 1 day (one day of
 * grace for harvesting). Frequencies without a cadence (irregular, as needed...) are always in time;
 * no known frequency, or no parseable modification date, is not.
 */
export function updatedInTime(freq: Frequency | undefined, lastModified: string[], runDate: string): boolean {
  if (!freq?.known) return false;
  if (!freq.period) return true;
  const run = dayNumber(runDate);
  if (run === undefined) throw new Error(`runDate must be YYYY-MM-DD, got ${JSON.stringify(runDate)}`);
  const days = lastModified.map(dayNumber).filter((d): d is number => d !== undefined);
  if (days.length === 0) return false;
  return addPeriod(Math.max(...days), freq.period) >= run - 1;
}

/** The udata columns of one dataset (keys `udata_*` of FAIR_COLUMNS) and its run notes. */
export function computeUdata(
  record: DatasetRecord,
  opts: UdataOptions,
): { row: QualityRow; notes: string[] } {
  const root = rootNode(record);
  const notes: string[] = [];
  const distributions = opts.distributions ?? readDistributions(record).distributions;

  let freq: Frequency | undefined;
  for (const v of values(root, 'dcterms:accrualPeriodicity')) {
    const { texts, display } = valueTexts(record, v);
    const found = texts.map(frequency).find((f) => f !== undefined);
    if (found?.known) freq ??= found;
    else if (!found && texts.length > 0) notes.push(note('unknown_frequency', display));
  }

  const datasetLicence = mapValues(record, values(root, 'dcterms:license'), licenceCode);
  for (const u of datasetLicence.unknown) notes.push(note('unknown_licence', u));

  const description = literal(root, 'dcterms:description') ?? '';
  const lastModified = [...literals(root, 'dcterms:modified'), ...distributions.flatMap((d) => d.modified)];
  const any = distributions.length > 0;
  const verdicts: Record<string, boolean | null> = {
    description_length: codePointsOver(description, 100),
    license: datasetLicence.given || distributions.some((d) => d.hasLicence),
    temporal_coverage: hasAny(root, 'dcterms:temporal'),
    spatial_coverage: hasAny(root, 'dcterms:spatial'),
    update_frequency: freq !== undefined,
    updated_in_time: updatedInTime(freq, lastModified, opts.runDate),
    // udata: a format not in its closed list (unmapped labels count as open); media type as fallback
    open_format: distributions.some((d) =>
      d.hasFormat
        ? d.formatCodes.length === 0 || d.formatCodes.some((c) => !CLOSED_FORMATS.has(c))
        : d.mediaTypeCodes.some((c) => !CLOSED_FORMATS.has(c)),
    ),
    resources_available: opts.urlStatus
      ? any &&
        distributions.every((d) => {
          const urls = [...d.accessUrls, ...d.downloadUrls];
          return urls.length > 0 && urls.every((u) => opts.urlStatus?.get(u) === true);
        })
      : null,
    resources_documented: any && distributions.every((d) => d.hasDescription),
  };

  const row: QualityRow = {};
  let met = 0;
  let assessed = 0;
  for (const c of UDATA_CRITERIA) {
    const v = verdicts[c.id] ?? null;
    row[`udata_${c.id}`] = v;
    if (v === null) continue;
    assessed += 1;
    if (v) met += 1;
  }
  row.udata_score = assessed > 0 ? met / assessed : null;
  return { row, notes };
}
