import { InvalidArgumentError, type Command } from 'commander';
import { listRuns, getRun, type RunRow } from '../../shared/runs.js';
import { connectProducer } from '../connect.js';
import { enqueueRun, waitForRun } from '../etl.js';
import { createProgress } from '../progress.js';

function describe(run: RunRow): string {
  const parts = [`${run.objects_read}/${run.objects} objects read`, `${run.datasets} datasets`];
  if (run.batches !== null) parts.push(`${run.loaded_batches}/${run.batches} batches loaded`);
  else parts.push(`${run.loaded_batches} batches loaded, extract running`);
  return `${run.status} | ${parts.join(' | ')}`;
}

/** A positive number of seconds, or a clear refusal. */
function seconds(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !(n > 0))
    throw new InvalidArgumentError(`expected a positive number of seconds, got "${value}"`);
  return n;
}

function duration(from: Date | null, to: Date | null): string {
  return from && to ? `${((to.getTime() - from.getTime()) / 1000).toFixed(1)} s` : '-';
}

export function printRun(run: RunRow): void {
  const lines: [string, string][] = [
    ['run', String(run.id)],
    ['status', run.status],
    ['trigger', run.trigger],
    ['prefix', run.prefix],
    ['scheduled for', run.scheduled_for.toISOString()],
    ['started', run.started_at?.toISOString() ?? '-'],
    ['extract', duration(run.started_at, run.extract_finished_at)],
    ['total', duration(run.started_at, run.finished_at)],
    ['published', run.published_at?.toISOString() ?? '-'],
    ['objects', `${run.objects_read}/${run.objects} read`],
    ['bytes', String(run.bytes)],
    ['datasets', String(run.datasets)],
    ['duplicates dropped', String(run.duplicates)],
    ['batches', `${run.loaded_batches}/${run.batches ?? '?'}`],
    ['notes', Object.keys(run.notes).length ? JSON.stringify(run.notes) : '-'],
    ['error', run.error ?? '-'],
  ];
  for (const [k, v] of lines) console.log(`${k.padEnd(20)}${v}`);
}

export function register(program: Command): void {
  const etl = program.command('etl').description('ETL runs: enqueue one, follow it, list them');

  etl
    .command('run')
    .description('enqueue an ETL run now (workers must be running, see `dcat-quality workers`)')
    .option('--prefix <prefix>', 'S3 prefix of the dump (default: DUMP_PREFIX)')
    .option('--wait', 'show progress and exit 0 when published, 1 when failed')
    .option(
      '--timeout <seconds>',
      'with --wait: give up after this many seconds (default 7200)',
      seconds,
      7200,
    )
    .action(async (opts: { prefix?: string; wait?: boolean; timeout?: number }) => {
      const ctx = await connectProducer();
      try {
        const { runId } = await enqueueRun(ctx, { prefix: opts.prefix, trigger: 'cli' });
        console.log(`run ${runId} enqueued (prefix ${opts.prefix ?? ctx.config.DUMP_PREFIX})`);
        if (!opts.wait) return;
        const progress = createProgress(`run ${runId}`);
        let run;
        try {
          run = await waitForRun(ctx.pool, runId, {
            timeoutMs: (opts.timeout ?? 7200) * 1000,
            onProgress: (r) =>
              progress.update(r.loaded_batches, r.batches ?? r.loaded_batches + 1, describe(r)),
            onProblem: (message) => progress.note(message),
            workers: (stage) => ctx.queues[stage].getWorkersCount(),
          });
        } finally {
          progress.stop();
        }
        if (run.status === 'published') {
          console.log(`run ${runId} published: ${run.datasets} datasets from ${run.objects} objects`);
        } else {
          console.error(`run ${runId} failed: ${run.error ?? 'unknown error'}`);
          process.exitCode = 1;
        }
      } finally {
        await ctx.close();
      }
    });

  etl
    .command('status')
    .argument('[runId]', 'a run id (default: the latest runs)')
    .option('--json', 'JSON output')
    .option('--limit <n>', 'how many runs to list', Number, 10)
    .description('show one run, or the latest runs')
    .action(async (runId: string | undefined, opts: { json?: boolean; limit: number }) => {
      const ctx = await connectProducer();
      try {
        if (runId !== undefined) {
          const id = Number(runId);
          const run = Number.isInteger(id) && id > 0 ? await getRun(ctx.pool, id) : undefined;
          if (!run) {
            console.error(`no run ${runId} in etl_runs`);
            process.exitCode = 1;
            return;
          }
          if (opts.json) console.log(JSON.stringify(run));
          else printRun(run);
          return;
        }
        const runs = await listRuns(ctx.pool, { limit: opts.limit, offset: 0 });
        if (opts.json) {
          for (const r of runs) console.log(JSON.stringify(r));
          return;
        }
        if (runs.length === 0) console.log('no runs yet: `dcat-quality etl run`');
        for (const r of runs) {
          console.log(
            `${String(r.id).padStart(6)}  ${r.status.padEnd(9)}  ${r.created_at.toISOString()}  ${String(r.datasets).padStart(7)} datasets  ${duration(r.started_at, r.finished_at).padStart(9)}  ${r.error ?? ''}`,
          );
        }
      } finally {
        await ctx.close();
      }
    });
}
