import { hashUnit } from './random.js';

/** Options of the synthetic dump (see generate.ts for the documented public form). */
export interface GenOptions {
  /** Distinct datasets in the catalogue (>= 1). */
  datasets: number;
  /** Number of page files (1 <= pages <= datasets); ignored when `single`. */
  pages: number;
  /** Default 1. Same seed and options: same bytes. */
  seed?: number;
  /** Write `.json.gz` files. */
  gzip?: boolean;
  /** One big `catalog.json` holding every dataset instead of pages (no duplicates then). */
  single?: boolean;
  /**
   * Dataset nodes repeated on the next page (the same IRI on two pages), as a paginated export
   * does when the catalogue changes while it is read. Default: 3 per 1,000 datasets, at least 1
   * when there are 2 pages or more; always 0 with one page or `single`.
   */
  duplicates?: number;
  /** Catalogue host used in IRIs and in the wrongly resolved e-mails. */
  host?: string;
}

/** GenOptions with every default applied. */
export interface ResolvedOptions {
  datasets: number;
  pages: number;
  seed: number;
  gzip: boolean;
  single: boolean;
  duplicates: number;
  host: string;
}

/** Datasets per chunk of the single file (the file is generated chunk by chunk). */
export const SINGLE_CHUNK = 100;

/** Hash streams: every independent random decision has its own stream id. */
export const STREAM = {
  dataset: 1,
  series: 2,
  inSeries: 3,
  inSeriesOffset: 4,
  layout: 5,
  blank: 6,
  org: 7,
  iri: 8,
  orgPick: 9,
  sharedCatalog: 10,
} as const;

/**
 * The structure of a dump, computed without any body: which datasets go in which file, which
 * ones are series, series membership (often across pages) and the duplicated datasets.
 */
export interface DumpPlan {
  opts: ResolvedOptions;
  /** Chunks: the page files, or the pieces the single file is generated in. */
  chunks: number;
  chunkStart: Int32Array;
  chunkSize: Int32Array;
  /** Datasets repeated at the start of a chunk (the last ones of the chunk before). */
  duplicatesBefore: number[][];
  /** hydra:itemsPerPage. */
  itemsPerPage: number;
  isSeries: Uint8Array;
  /** Series index of a plain dataset, or -1. */
  inSeries: Int32Array;
  /** CSR lists of series members: members of s are memberList[memberStart[s] .. memberStart[s+1]). */
  memberStart: Int32Array;
  memberList: Int32Array;
  seriesCount: number;
  duplicateCount: number;
}

function checkInt(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min)
    throw new RangeError(`${name} must be an integer >= ${min}`);
}

/** Applies the defaults; throws a RangeError on impossible options. */
export function resolveOptions(opts: GenOptions): ResolvedOptions {
  const single = opts.single ?? false;
  checkInt('datasets', opts.datasets, 1);
  const pages = single ? 1 : opts.pages;
  checkInt('pages', pages, 1);
  if (pages > opts.datasets) throw new RangeError('pages must not exceed datasets');
  const seed = opts.seed ?? 1;
  if (!Number.isSafeInteger(seed)) throw new RangeError('seed must be an integer');
  let duplicates = opts.duplicates ?? Math.max(1, Math.round((opts.datasets * 3) / 1000));
  checkInt('duplicates', duplicates, 0);
  if (single || pages < 2) duplicates = 0;
  const host = opts.host ?? 'catalogue.ecospheres.example';
  if (!/^[A-Za-z0-9.-]+(:\d+)?$/.test(host)) throw new RangeError('host must be a host name');
  return { datasets: opts.datasets, pages, seed, gzip: opts.gzip ?? false, single, duplicates, host };
}

/** Fraction of datasets that are series, and of plain datasets that belong to one. */
const SERIES_SHARE = 0.4;
const IN_SERIES_SHARE = 0.5;
/** A member's series is looked for within this many dataset positions: often on another page. */
const SERIES_WINDOW = 300;

/** The plan of a dump: cheap (a few typed arrays), even for millions of datasets. */
export function makePlan(input: GenOptions): DumpPlan {
  const opts = resolveOptions(input);
  const n = opts.datasets;
  const chunks = opts.single ? Math.ceil(n / SINGLE_CHUNK) : opts.pages;
  const chunkStart = new Int32Array(chunks);
  const chunkSize = new Int32Array(chunks);
  const base = Math.floor(n / chunks);
  const extra = n % chunks;
  let start = 0;
  for (let k = 0; k < chunks; k++) {
    const size = opts.single ? Math.min(SINGLE_CHUNK, n - start) : base + (k < extra ? 1 : 0);
    chunkStart[k] = start;
    chunkSize[k] = size;
    start += size;
  }

  // duplicates: spread over the page boundaries, the last datasets of page b repeated on b+1
  const duplicatesBefore: number[][] = Array.from({ length: chunks }, () => []);
  let duplicateCount = 0;
  for (let j = 0; j < opts.duplicates; j++) {
    const b = Math.floor(((j + 0.5) * (chunks - 1)) / opts.duplicates);
    const list = duplicatesBefore[b + 1];
    const size = chunkSize[b] ?? 0;
    if (!list || list.length >= size) continue;
    list.unshift((chunkStart[b] ?? 0) + size - 1 - list.length);
    duplicateCount++;
  }

  const isSeries = new Uint8Array(n);
  const seriesIdx: number[] = [];
  for (let i = 0; i < n; i++) {
    if (hashUnit(opts.seed, STREAM.series, i) < SERIES_SHARE) {
      isSeries[i] = 1;
      seriesIdx.push(i);
    }
  }
  const inSeries = new Int32Array(n).fill(-1);
  const counts = new Int32Array(n + 1);
  if (seriesIdx.length > 0) {
    for (let i = 0; i < n; i++) {
      if (isSeries[i] || hashUnit(opts.seed, STREAM.inSeries, i) >= IN_SERIES_SHARE) continue;
      const target =
        i + Math.round((hashUnit(opts.seed, STREAM.inSeriesOffset, i) - 0.5) * 2 * SERIES_WINDOW);
      const s = nearest(seriesIdx, target);
      inSeries[i] = s;
      counts[s] = (counts[s] ?? 0) + 1;
    }
  }
  const memberStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) memberStart[i + 1] = (memberStart[i] ?? 0) + (counts[i] ?? 0);
  const memberList = new Int32Array(memberStart[n] ?? 0);
  const fill = memberStart.slice(0, n);
  for (let i = 0; i < n; i++) {
    const s = inSeries[i] ?? -1;
    if (s < 0) continue;
    memberList[fill[s] ?? 0] = i;
    fill[s] = (fill[s] ?? 0) + 1;
  }

  return {
    opts,
    chunks,
    chunkStart,
    chunkSize,
    duplicatesBefore,
    itemsPerPage: opts.single ? n : Math.ceil(n / chunks),
    isSeries,
    inSeries,
    memberStart,
    memberList,
    seriesCount: seriesIdx.length,
    duplicateCount,
  };
}

/** The dataset indexes written in chunk k, in file order (duplicates first). */
export function chunkDatasets(plan: DumpPlan, k: number): number[] {
  const out = [...(plan.duplicatesBefore[k] ?? [])];
  const start = plan.chunkStart[k] ?? 0;
  const size = plan.chunkSize[k] ?? 0;
  for (let i = start; i < start + size; i++) out.push(i);
  return out;
}

/** The members of series s (dataset indexes), in index order. */
export function seriesMembers(plan: DumpPlan, s: number): number[] {
  return Array.from(plan.memberList.subarray(plan.memberStart[s] ?? 0, plan.memberStart[s + 1] ?? 0));
}

/** The sorted value closest to target (ties: the lower). */
function nearest(sorted: number[], target: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] ?? 0) < target) lo = mid + 1;
    else hi = mid;
  }
  const a = sorted[lo] ?? 0;
  const b = sorted[lo - 1];
  return b !== undefined && target - b <= a - target ? b : a;
}
