import { InvalidArgumentError, type Command } from 'commander';
import { getConfig } from '../shared/config.js';
import { createS3, ensureBucket } from '../shared/s3.js';
import { writeDumpToDir, writeDumpToS3, type GenOptions, type GenSummary } from './synthetic/generate.js';

interface GenFlags {
  datasets: number;
  pages: number;
  seed: number;
  duplicates?: number;
  host?: string;
  gzip?: boolean;
  single?: boolean;
  out: string;
  s3?: boolean;
  prefix?: string;
  clean?: boolean;
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number >= 0');
  return n;
}

function print(summary: GenSummary, where: string, ms: number): void {
  const mb = summary.bytes / 1e6;
  console.log(`wrote ${summary.files} file(s) to ${where}`);
  console.log(
    `  datasets      ${summary.datasets} distinct, ${summary.datasetNodes} nodes (duplicates included)`,
  );
  console.log(`  series        ${summary.series}`);
  console.log(
    `  bytes         ${summary.bytes} (${mb.toFixed(1)} MB, ${Math.round(summary.bytes / summary.datasetNodes)} per dataset)`,
  );
  console.log(`  time          ${(ms / 1000).toFixed(1)} s (${(mb / (ms / 1000)).toFixed(1)} MB/s)`);
}

/** `npm run gen`: writes a synthetic, seed-deterministic DCAT JSON-LD dump to a folder or to S3. */
export function register(program: Command): void {
  program
    .command('gen')
    .description('Write a synthetic DCAT JSON-LD dump (the same seed gives the same bytes)')
    .option('--datasets <n>', 'distinct datasets', integer, 24_375)
    .option('--pages <n>', 'page files (ignored with --single)', integer, 244)
    .option('--seed <n>', 'random seed', integer, 1)
    .option('--duplicates <n>', 'datasets repeated on the next page (default: 3 per 1,000)', integer)
    .option('--host <host>', 'catalogue host used in IRIs')
    .option('--gzip', 'write .json.gz files')
    .option('--single', 'one big catalog.json instead of pages')
    .option('--out <dir>', 'output folder', './dump')
    .option('--s3', 'upload to S3_BUCKET/DUMP_PREFIX instead of writing a folder')
    .option('--prefix <prefix>', 'with --s3: the S3 prefix (default DUMP_PREFIX)')
    .option('--clean', 'first delete the dump files already in the folder or under the prefix')
    .action(async (flags: GenFlags) => {
      const opts: GenOptions = {
        datasets: flags.datasets,
        pages: flags.pages,
        seed: flags.seed,
        gzip: flags.gzip ?? false,
        single: flags.single ?? false,
        ...(flags.duplicates !== undefined ? { duplicates: flags.duplicates } : {}),
        ...(flags.host ? { host: flags.host } : {}),
      };
      const started = performance.now();
      if (flags.s3) {
        const config = getConfig();
        const s3 = createS3(config);
        try {
          await ensureBucket(s3, config.S3_BUCKET);
          const prefix = flags.prefix ?? config.DUMP_PREFIX;
          const summary = await writeDumpToS3(s3, config.S3_BUCKET, prefix, opts, {
            clean: flags.clean ?? false,
          });
          print(summary, `s3://${config.S3_BUCKET}/${prefix}`, performance.now() - started);
        } finally {
          s3.destroy();
        }
      } else {
        const summary = await writeDumpToDir(flags.out, opts, { clean: flags.clean ?? false });
        print(summary, flags.out, performance.now() - started);
      }
    });
}
