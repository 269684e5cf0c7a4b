import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { configEnv as configEnvOf, createTestContext, type TestContext } from './helpers/context.js';
import { buildWorkerDeps, startWorkers } from '../workers/main.js';
import { writeDumpToS3 } from '../tools/synthetic/generate.js';

/** The `dcat-quality` CLI as an operator runs it: a real process, real services, exit codes. */
let ctx: TestContext;
let deps: Awaited<ReturnType<typeof buildWorkerDeps>>;
let workers: Awaited<ReturnType<typeof startWorkers>>;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}, onStderr?: (text: string) => void) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'producer/cli.ts', ...args], {
    env: { ...process.env, ...configEnv(), NODE_NO_WARNINGS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    onStderr?.(stderr);
  });
  const done = new Promise<Result>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}

function configEnv(): Record<string, string> {
  return configEnvOf(ctx.config, { LOG_LEVEL: 'info' });
}

beforeAll(async () => {
  ctx = await createTestContext();
  deps = await buildWorkerDeps(ctx.config);
  workers = await startWorkers(deps, ['extract', 'transform', 'load']);
  await writeDumpToS3(ctx.s3, ctx.config.S3_BUCKET, ctx.config.DUMP_PREFIX, {
    datasets: 150,
    pages: 3,
    seed: 21,
  });
});

afterAll(async () => {
  await workers?.close();
  await deps?.close();
  await ctx?.cleanup();
});

describe('dcat-quality CLI', () => {
  let runId: number;

  it('etl run --wait exits 0 once the run is published', async () => {
    const r = await cli(['etl', 'run', '--wait']).done;
    expect(r.stderr).not.toMatch(/failed/);
    expect(r.code).toBe(0);
    const m = /run (\d+) published: 150 datasets from 3 objects/.exec(r.stdout);
    expect(m).not.toBeNull();
    runId = Number(m![1]);
  });

  it('etl status shows the run', async () => {
    const r = await cli(['etl', 'status', String(runId)]).done;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/status\s+published/);
    expect(r.stdout).toMatch(/datasets\s+150/);
    const list = await cli(['etl', 'status', '--json']).done;
    expect(JSON.parse(list.stdout.split('\n')[0]!)).toMatchObject({ id: runId, status: 'published' });
    const unknown = await cli(['etl', 'status', '999999']).done;
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no run 999999');
  });

  it('etl run --wait exits 1 with the error when the run fails', async () => {
    const r = await cli(['etl', 'run', '--prefix', 'nothing/', '--wait']).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /failed: extract: empty dump: no \.json, \.jsonld or \.json\.gz object under s3:\/\/.*\/nothing\//,
    );
  });

  it('schedule upserts the nightly run and says when it comes next', async () => {
    const r = await cli(['schedule', '--cron', '0 0 * * *', '--tz', 'Europe/Paris']).done;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ETL run scheduled: "0 0 \* \* \*" \(Europe\/Paris\), next at \d{4}-/);
    expect(await deps.queues.extract.getJobSchedulers()).toHaveLength(1);
  });

  it('lists every bad setting at once', async () => {
    const r = await cli(['etl', 'status'], {
      CHUNK_SIZE: 'lots',
      REDIS_URL: 'nope',
      S3_FORCE_PATH_STYLE: 'maybe',
    }).done;
    expect(r.code).toBe(1);
    for (const key of ['CHUNK_SIZE', 'REDIS_URL', 'S3_FORCE_PATH_STYLE']) expect(r.stderr).toContain(key);
  });

  it('fails fast with a clear message when Redis is unreachable', async () => {
    const r = await cli(['etl', 'run'], { REDIS_URL: 'redis://127.0.0.1:1' }).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Redis is unreachable at REDIS_URL=redis:\/\/127\.0\.0\.1:1/);
  });

  it('etl run --wait fails within seconds when no worker serves extract', { timeout: 40_000 }, async () => {
    const started = Date.now();
    const r = await cli(['etl', 'run', '--wait'], { QUEUE_PREFIX: `${ctx.config.QUEUE_PREFIX}-lonely` }).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no worker serves the extract queue: start one with `dcat-quality workers`/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('etl run --date runs the pipeline for that date, and etl status lists runs as a table', async () => {
    const r = await cli(['etl', 'run', '--date', '2026-03-15', '--wait']).done;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/run date 2026-03-15/);
    const id = Number(/run (\d+) published/.exec(r.stdout)![1]);
    const date = await ctx.pool.query<{ d: string }>(
      `SELECT (scheduled_for AT TIME ZONE 'Europe/Paris')::date::text AS d FROM etl_runs WHERE id = $1`,
      [id],
    );
    expect(date.rows[0]!.d).toBe('2026-03-15');
    // the time-dependent scores were judged against that date (udata's updated in time)
    const transform = await ctx.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM dataset_quality WHERE run_id = $1`,
      [id],
    );
    expect(transform.rows[0]!.n).toBe(150);
    const list = await cli(['etl', 'status', '--limit', '3']).done;
    expect(list.code).toBe(0);
    const [header, ...lines] = list.stdout.trim().split('\n');
    expect(header).toMatch(
      /^RUN\s+STATUS\s+TRIGGER\s+RUN DATE\s+STARTED \(UTC\)\s+DURATION\s+DATASETS\s+DUPLICATES\s+ERROR$/,
    );
    expect(lines.length).toBeLessThanOrEqual(3);
    expect(lines.some((l) => l.includes('2026-03-15') && l.includes('published'))).toBe(true);
    for (const bad of [
      ['--date', '2026-02-30'],
      ['--date', 'tomorrow'],
    ]) {
      const refused = await cli(['etl', 'run', ...bad]).done;
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/expected a date as YYYY-MM-DD/);
    }
  });

  it('validates every numeric option, cron and time zone in plain words; --version', async () => {
    const limit = await cli(['etl', 'status', '--limit', 'abc']).done;
    expect(limit.code).not.toBe(0);
    expect(limit.stderr).toMatch(/expected a whole number from 1 to 1000, got "abc"/);
    const cron = await cli(['schedule', '--cron', 'bogus']).done;
    expect(cron.code).not.toBe(0);
    expect(cron.stderr).toMatch(/"bogus" is not a cron pattern: a cron pattern has 5 fields/);
    expect(cron.stderr).not.toMatch(/alias/);
    const tz = await cli(['schedule', '--tz', 'Mars/Olympus']).done;
    expect(tz.stderr).toMatch(/"Mars\/Olympus" is not a time zone/);
    const password = await cli(['etl', 'status'], { BOARD_USER: 'op', BOARD_PASSWORD: 'a' }).done;
    expect(password.code).toBe(1);
    expect(password.stderr).toMatch(/BOARD_PASSWORD: must be at least 16 characters/);
    expect(password.stderr).not.toMatch(/got "a"/);
    const version = await cli(['--version']).done;
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^dcat-quality \d+\.\d+\.\d+/);
  });

  it('names S3 and S3_ENDPOINT when S3 is down', async () => {
    const r = await cli(['backup', 'list'], { S3_ENDPOINT: 'http://127.0.0.1:1', S3_MAX_ATTEMPTS: '1' }).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/S3 is unreachable at S3_ENDPOINT=http:\/\/127\.0\.0\.1:1/);
  });

  it('the workers log one line per run started and published, with counts and duration', async () => {
    const lines: string[] = [];
    const w = cli(
      ['workers', '--queues', 'extract,transform,load'],
      { QUEUE_PREFIX: `${ctx.config.QUEUE_PREFIX}-logs` },
      (t) => lines.splice(0, lines.length, ...t.split('\n')),
    );
    await new Promise((r) => setTimeout(r, 1500));
    const r = await cli(['etl', 'run', '--wait'], { QUEUE_PREFIX: `${ctx.config.QUEUE_PREFIX}-logs` }).done;
    expect(r.code).toBe(0);
    const id = Number(/run (\d+) published/.exec(r.stdout)![1]);
    await expect
      .poll(() => lines.some((l) => l.includes('"msg":"run published"')), { timeout: 10_000 })
      .toBe(true);
    const started = lines.map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        return {};
      }
    });
    expect(started.filter((l) => l.msg === 'run started' && l.runId === id)).toHaveLength(1);
    const published = started.filter((l) => l.msg === 'run published' && l.runId === id);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ datasets: 150, objects: 3, status: 'published' });
    expect(typeof published[0]!.durationS).toBe('number');
    w.child.kill('SIGTERM');
    await w.done;
  }, 60_000);

  it('refuses a --timeout that is not a positive number of seconds', async () => {
    const r = await cli(['etl', 'run', '--wait', '--timeout', 'abc']).done;
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/expected a positive number of seconds, got "abc"/);
  });

  it('workers stop gracefully on SIGTERM', async () => {
    let started!: () => void;
    const ready = new Promise<void>((r) => (started = r));
    const w = cli(['workers', '--queues', 'load'], {}, (text) => {
      if (text.includes('workers started')) started();
    });
    await ready;
    w.child.kill('SIGTERM');
    const r = await w.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('workers stopped');
  });

  it('refuses an unknown queue name', async () => {
    const r = await cli(['workers', '--queues', 'extract,nope']).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown queue(s) nope');
  });
});
