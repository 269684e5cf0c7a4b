// The node flags `dcat-quality workers` starts itself again with (plain JS: the launcher runs
// before anything is compiled). Kept apart from the launcher so that a unit test reads them.

export const HEAP_FLAG = /--max-old-space-size/;

/** The queues given with `--queues x` or `--queues=x`, if any. */
function queuesOf(argv) {
  const at = argv.indexOf('--queues');
  return at > 0 ? argv[at + 1] : argv.find((a) => a.startsWith('--queues='))?.slice(9);
}

/**
 * The flags to start a worker process with, or null when it runs as it is: not `workers`, a heap
 * size already set (node flags or NODE_OPTIONS, e.g. by the Helm chart), or DCAT_QUALITY_HEAP_MB=0.
 * @param {string[]} argv process.argv
 * @param {string[]} execArgv process.execArgv
 * @param {Record<string, string | undefined>} env process.env
 * @returns {string[] | null}
 */
export function workerNodeFlags(argv, execArgv, env) {
  const heapMb = Number(env.DCAT_QUALITY_HEAP_MB ?? 192);
  if (argv[2] !== 'workers' || !(heapMb > 0)) return null;
  if (execArgv.some((a) => HEAP_FLAG.test(a)) || HEAP_FLAG.test(env.NODE_OPTIONS ?? '')) return null;
  const extractOnly = queuesOf(argv)?.trim() === 'extract';
  // the young generation (3 x the semi-space) dominates RSS: 32 MB semi-spaces save the transform
  // workers a fifth of their CPU; an extract-only process, whose live heap is small even when it
  // streams one huge object (about 40 MB), keeps RSS under budget with 16 MB ones
  const flags = [`--max-old-space-size=${heapMb}`, `--max-semi-space-size=${extractOnly ? 16 : 32}`];
  // the old generation starts at 96 MB: below that, V8 counts each S3 response's socket buffers
  // towards its first mark-compact limit and ran one every page or two (40 in a transform process
  // on 122 pages, a sixth of its CPU; 2 with it), or every few chunks streaming one huge object
  flags.push(`--initial-old-space-size=${Math.min(96, heapMb)}`);
  return flags;
}
