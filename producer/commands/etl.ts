import { InvalidArgumentError, type Command } from 'commander';
import { listRuns, getRun, type RunRow } from '../../shared/runs.js';
import { connectProducer } from '../connect.js';
import { enqueueRun, waitForRun } from '../etl.js';
import { createProgress } from '../progress.js';

/**
 * Where a run stands, as the progress bar shows it: during extract the objects listed and read
 * and the datasets so far, then the batches loaded out of their total; the percentage is over the
 * whole run (batches loaded out of the batches known, or out of the objects listed while extract
 * is still cutting huge objects into chunks).
 */
export function progressOf(run: RunRow): { done: number; total: number; label: string } {
  const total = run.batches ?? Math.max(run.objects, run.loaded_batches + 1);
  const datasets = `${run.datasets} datasets`;
  let label: string;
  if (run.status === 'queued') label = 'queued: waiting for an extract worker';
  else if (run.status === 'published') label = `published | ${run.batches ?? 0} batches | ${datasets}`;
  else if (run.status === 'failed')
    label = `failed | ${run.loaded_batches}/${total} batches loaded | ${datasets}`;
  else if (run.batches === null)
    label = `extract: ${run.objects} objects listed, ${run.objects_read} read | ${datasets} | ${run.loaded_batches} batches loaded`;
  else
    label = `${run.loaded_batches}/${run.batches} batches loaded | ${datasets} | ${run.objects_read}/${run.objects} objects`;
  return { done: run.status === 'published' ? total : run.loaded_batches, total, label };
}

/** A positive whole number, or a clear refusal. */
function count(max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1 || n > max)
      throw new InvalidArgumentError(`expected a whole number from 1 to ${max}, got "${value}"`);
    return n;
  };
}

/** `YYYY-MM-DD`, a real calendar day -> the run's scheduled instant (noon UTC: that day in any European zone). */
function runDate(value: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  const d = m ? new Date(`${value.trim()}T12:00:00Z`) : undefined;
  if (!m || !d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value.trim())
    throw new InvalidArgumentError(`expected a date as YYYY-MM-DD (e.g. 2026-11-30), got "${value}"`);
  return d;
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

/** Columns padded to their widest cell, numbers right-aligned. */
export function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const numeric = headers.map((_, k) => rows.every((r) => /^-?[\d.]+( s)?$|^-$/.test(r[k]!)));
  const line = (cells: string[]) =>
    cells
      .map((c, k) =>
        k === cells.length - 1 ? c : numeric[k] ? c.padStart(widths[k]!) : c.padEnd(widths[k]!),
      )
      .join('  ')
      .trimEnd();
  console.log(line(headers));
  for (const r of rows) console.log(line(r));
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
    .option(
      '--date <YYYY-MM-DD>',
      "the run's date (its scheduled date, which the time-dependent scores use; default: today): re-runs a past night",
      runDate,
    )
    .option('--wait', 'show progress and exit 0 when published, 1 when failed')
    .option(
      '--timeout <seconds>',
      'with --wait: give up after this many seconds (default 7200)',
      seconds,
      7200,
    )
    .action(async (opts: { prefix?: string; date?: Date; wait?: boolean; timeout?: number }) => {
      const ctx = await connectProducer();
      try {
        const { runId } = await enqueueRun(ctx, {
          prefix: opts.prefix,
          trigger: 'cli',
          ...(opts.date ? { scheduledFor: opts.date } : {}),
        });
        console.log(
          `run ${runId} enqueued (prefix ${opts.prefix ?? ctx.config.DUMP_PREFIX}${opts.date ? `, run date ${opts.date.toISOString().slice(0, 10)}` : ''})`,
        );
        if (!opts.wait) return;
        const progress = createProgress(`run ${runId}`);
        let run;
        try {
          run = await waitForRun(ctx.pool, runId, {
            timeoutMs: (opts.timeout ?? 7200) * 1000,
            onProgress: (r) => {
              const p = progressOf(r);
              progress.update(p.done, p.total, p.label);
            },
            onProblem: (message) => progress.note(message),
            workers: (stage) => ctx.queues[stage].getWorkersCount(),
          });
        } finally {
          progress.stop();
        }
        if (run.status === 'published') {
          console.log(`run ${runId} published: ${run.datasets} datasets from ${run.objects} objects`);
        } else {
          console.error(`run ${runId} failed: ${(run.error ?? 'unknown error').split('\n')[0]}`);
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
    .option('--limit <n>', 'how many runs to list (1-1000)', count(1000), 10)
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
        if (runs.length === 0) {
          console.log('no runs yet: `dcat-quality etl run`');
          return;
        }
        printTable(
          [
            'RUN',
            'STATUS',
            'TRIGGER',
            'RUN DATE',
            'STARTED (UTC)',
            'DURATION',
            'DATASETS',
            'DUPLICATES',
            'ERROR',
          ],
          runs.map((r) => [
            String(r.id),
            r.status,
            r.trigger,
            r.scheduled_for.toISOString().slice(0, 10),
            r.started_at ? r.started_at.toISOString().slice(0, 19).replace('T', ' ') : '-',
            duration(r.started_at, r.finished_at),
            String(r.datasets),
            String(r.duplicates),
            (r.error ?? '').split('\n')[0]!.slice(0, 80),
          ]),
        );
      } finally {
        await ctx.close();
      }
    });
}
