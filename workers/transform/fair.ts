/**
 * The FAIR scores of one dataset: MQA points (indicators.md section 2) and the udata score
 * (section 3), as the FAIR_COLUMNS of its quality row.
 */
import type { QualityRow } from '../../shared/columns.js';
import type { DatasetRecord } from '../../shared/record.js';
import { computeMqa, readDistributions } from './mqa.js';
import { computeUdata } from './udata.js';
import type { DcatApVerdict } from './dcat-ap.js';
import type { UrlChecker } from './url-check.js';

export interface FairContext {
  /** The run's scheduled date (`YYYY-MM-DD`): "updated in time" uses it, not the clock. */
  runDate: string;
  /** Only when URL_CHECKS=on: the run's checker (network indicators stay NULL without it). */
  urls?: UrlChecker;
  /** The dataset's DCAT-AP SHACL verdict (DCAT_AP_SHACL=on); absent: not assessed. */
  dcatAp?: DcatApVerdict;
}

export interface FairResult {
  /** Exactly the keys of FAIR_COLUMNS. */
  row: QualityRow;
  /**
   * Per-run counters, one per distinct value and dataset: `unknown_format:<label>`,
   * `unknown_media_type:<value>`, `unknown_licence:<iri or label>`, `unknown_frequency:<iri or label>`.
   */
  notes: string[];
}

/** Computes the MQA and udata columns of one dataset; awaits only when URL checks are on. */
export async function computeFair(record: DatasetRecord, ctx: FairContext): Promise<FairResult> {
  const { distributions, notes } = readDistributions(record);

  let urlStatus: Map<string, boolean> | undefined;
  if (ctx.urls) {
    const checker = ctx.urls;
    const urls = [...new Set(distributions.flatMap((d) => [...d.accessUrls, ...d.downloadUrls]))];
    const results = await Promise.all(urls.map((u) => checker.check(u)));
    urlStatus = new Map(urls.map((u, i) => [u, results[i]?.ok === true]));
  }

  const mqa = computeMqa(record, {
    distributions,
    urlStatus,
    ...(ctx.dcatAp ? { dcatApCompliant: ctx.dcatAp.compliant } : {}),
  });
  mqa.dcat_ap_violations = ctx.dcatAp ? JSON.stringify(ctx.dcatAp.violations) : null;
  const udata = computeUdata(record, { runDate: ctx.runDate, distributions, urlStatus });
  const all = udata.notes.length === 0 ? notes : [...new Set([...notes, ...udata.notes])];
  return { row: Object.assign(mqa, udata.row), notes: all };
}
