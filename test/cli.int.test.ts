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
    expect(r.stderr).toMatch(/Redis is unreachable at redis:\/\/127\.0\.0\.1:1/);
  });

  it('etl run --wait fails within seconds when no worker serves extract', { timeout: 40_000 }, async () => {
    const started = Date.now();
    const r = await cli(['etl', 'run', '--wait'], { QUEUE_PREFIX: `${ctx.config.QUEUE_PREFIX}-lonely` }).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no worker serves the extract queue: start one with `dcat-quality workers`/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

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
