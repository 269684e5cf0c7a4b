import type { Command } from 'commander';
import { getConfig, parseConfig } from '../shared/config.js';
import { assertDatabaseReachable } from '../shared/db.js';
import { startEmbeddedS3 } from './embedded-s3.js';
import { assertRedisReachable } from '../shared/redis.js';
import { createS3, ensureBucket } from '../shared/s3.js';
import { writeDumpToS3 } from './synthetic/generate.js';
import { buildWorkerDeps, startWorkers } from '../workers/main.js';
import { enqueueRun, waitForRun } from '../producer/etl.js';
import { createProgress } from '../producer/progress.js';
import type { Pool } from '../shared/db.js';

async function printSummary(pool: Pool, runId: number): Promise<void> {
  const totals = (
    await pool.query<{
      datasets: number;
      filling: number | null;
      open: number | null;
      mqa: number | null;
      compliant: number | null;
    }>(
      `SELECT count(*)::int AS datasets, round(avg(filling_rate)::numeric, 1)::float AS filling,
              round(100.0 * avg(open_access::int), 1)::float AS open,
              round(avg(mqa_total)::numeric, 0)::float AS mqa,
              round(100.0 * avg(mqa_dcat_ap_compliance::int), 1)::float AS compliant
       FROM dataset_quality_latest`,
    )
  ).rows[0]!;
  console.log(`\nrun ${runId} published`);
  console.log(`  datasets            ${totals.datasets}`);
  console.log(`  mean filling rate   ${totals.filling ?? '-'} %`);
  console.log(`  open access         ${totals.open ?? '-'} %`);
  console.log(`  mean MQA points     ${totals.mqa ?? '-'} (estimate: URL checks off)`);
  console.log(
    `  DCAT-AP compliant   ${totals.compliant ?? '-'} %${totals.compliant === null ? ' (DCAT_AP_SHACL=off)' : ' (see dataset_violations_latest)'}`,
  );
  const top = await pool.query<{ source_catalog: string | null; n: number; filling: number }>(
    `SELECT source_catalog, count(*)::int AS n, round(avg(filling_rate)::numeric, 1)::float AS filling
     FROM dataset_quality_latest GROUP BY source_catalog ORDER BY n DESC, source_catalog LIMIT 5`,
  );
  console.log('  top catalogues (datasets, mean filling rate):');
  for (const r of top.rows) {
    console.log(
      `    ${String(r.n).padStart(6)}  ${String(r.filling).padStart(5)} %  ${r.source_catalog ?? '(none)'}`,
    );
  }
}

export function register(program: Command): void {
  program
    .command('demo')
    .description(
      'run the whole ETL once on an embedded S3 seeded with a generated dump, workers in-process, and print a summary',
    )
    .option('--datasets <n>', 'datasets in the generated dump', Number, 2_000)
    .option('--pages <n>', 'pages (objects) in the generated dump', Number, 20)
    .action(async (opts: { datasets: number; pages: number }) => {
      const base = getConfig();
      await Promise.all([assertRedisReachable(base.REDIS_URL), assertDatabaseReachable(base.DATABASE_URL)]);
      const s3server = await startEmbeddedS3();
      const config = parseConfig({
        ...process.env,
        S3_ENDPOINT: s3server.endpoint,
        S3_ACCESS_KEY_ID: s3server.accessKeyId,
        S3_SECRET_ACCESS_KEY: s3server.secretAccessKey,
        S3_FORCE_PATH_STYLE: 'true',
        S3_BUCKET: 'dcat-quality-demo',
        DUMP_PREFIX: 'dcat/',
        QUEUE_PREFIX: `${base.QUEUE_PREFIX}-demo`,
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      });
      const s3 = createS3(config);
      let deps: Awaited<ReturnType<typeof buildWorkerDeps>> | undefined;
      let workers: Awaited<ReturnType<typeof startWorkers>> | undefined;
      try {
        await ensureBucket(s3, config.S3_BUCKET);
        const dump = await writeDumpToS3(s3, config.S3_BUCKET, config.DUMP_PREFIX, {
          datasets: opts.datasets,
          pages: opts.pages,
          seed: 1,
        });
        console.log(
          `embedded S3 at ${s3server.endpoint}: ${dump.files} pages, ${(dump.bytes / 1e6).toFixed(1)} MB, ${dump.datasets} datasets`,
        );
        deps = await buildWorkerDeps(config);
        workers = await startWorkers(deps, ['extract', 'transform', 'load']);
        const { runId } = await enqueueRun(deps, { trigger: 'demo' });
        const progress = createProgress(`run ${runId}`);
        const run = await waitForRun(deps.pool, runId, {
          timeoutMs: 30 * 60_000,
          onProgress: (r) =>
            progress.update(
              r.loaded_batches,
              r.batches ?? r.loaded_batches + 1,
              `${r.status} | ${r.loaded_batches}/${r.batches ?? '?'} batches`,
            ),
        });
        progress.stop();
        if (run.status !== 'published') {
          console.error(`run ${runId} failed: ${run.error}`);
          process.exitCode = 1;
          return;
        }
        await printSummary(deps.pool, runId);
      } finally {
        await workers?.close();
        await deps?.close();
        s3.destroy();
        await s3server.close();
      }
    });
}
