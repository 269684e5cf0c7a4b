import type { Command } from 'commander';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Readable, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { QueueEvents } from 'bullmq';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { getConfig, parseConfig, type Config } from '../../shared/config.js';
import { closeQueues, createQueues } from '../../shared/bull.js';
import { createDatabase, createPool, dropDatabase, migrate, type Pool } from '../../shared/db.js';
import { startEmbeddedS3, type EmbeddedS3 } from '../../shared/embedded-s3.js';
import { assertRedisReachable, createRedis } from '../../shared/redis.js';
import { createS3, ensureBucket, getObjectStream, listObjects } from '../../shared/s3.js';
import { getRun } from '../../shared/runs.js';
import { writeDumpToS3 } from '../../shared/synthetic/generate.js';
import { readDatasetRecords } from '../../workers/extract/read-object.js';
import { readDatasetRecordsStreamJson } from '../../workers/extract/stream-json-reader.js';
import { enqueueRun } from '../etl.js';
import type { DatasetRecord } from '../../shared/record.js';
import { computeEcospheres } from '../../workers/transform/ecospheres.js';
import { computeRow } from '../../workers/transform/processor.js';
import type { S3Client } from '@aws-sdk/client-s3';

/**
 * `npm run bench`: the whole pipeline on real Redis, PostgreSQL and S3, against the bare limit on
 * the same data in the same run (one process: JSON.parse of every page + COPY of the final rows,
 * no queues). Figures are printed side by side, never asserted.
 */

interface PipelineFigures {
  wallS: number;
  extractS: number;
  transformS: number;
  loadS: number;
  datasets: number;
  /** Peak RSS of the extract process and of the transform+load process. */
  peakRssMb: number[];
  redisPeakMb: number;
  runId: number;
}

interface BareFigures {
  parseS: number;
  copyS: number;
  nodes: number;
}

const mb = (bytes: number) => bytes / 1024 / 1024;

async function readAll(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await getObjectStream(s3, bucket, key)) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks);
  return body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : body;
}

function rssOf(pid: number): { rss: number; hwm: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

async function redisUsedMemory(redis: ReturnType<typeof createRedis>): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

/**
 * Node flags of the worker processes: the heap cap recommended for production (see README,
 * helm/values.yaml), unless BENCH_NODE_ARGS says otherwise (e.g. `--cpu-prof` to profile).
 */
function workerNodeArgs(): string[] {
  return (process.env.BENCH_NODE_ARGS ?? '--max-old-space-size=224').split(' ').filter(Boolean);
}

function startWorkerProcess(config: Config, env: Record<string, string>, queues: string): ChildProcess {
  const cli = fileURLToPath(new URL('../cli.js', import.meta.url));
  const nodeArgs = workerNodeArgs();
  const child = spawn(process.execPath, [...nodeArgs, cli, 'workers', '--queues', queues], {
    env: { ...process.env, ...env, LOG_LEVEL: 'warn', QUEUE_PREFIX: config.QUEUE_PREFIX },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return child;
}

async function runPipeline(
  config: Config,
  env: Record<string, string>,
  pool: Pool,
): Promise<PipelineFigures> {
  const redis = createRedis(config.REDIS_URL, 'worker');
  const queues = createQueues(config, redis);
  // two worker processes, as deployed: extract in one, transform and load in the other (2 cores)
  const children = [
    startWorkerProcess(config, env, 'extract'),
    startWorkerProcess(config, env, 'transform,load'),
  ];
  const peakRss = () => children.map((c) => rssOf(c.pid!).hwm);
  try {
    for (
      let i = 0;
      (await queues.load.getWorkersCount()) === 0 || (await queues.extract.getWorkersCount()) === 0;
      i++
    ) {
      const dead = children.find((c) => c.exitCode !== null);
      if (dead) throw new Error(`worker process exited with ${dead.exitCode}`);
      if (i > 600) throw new Error('workers did not start within 60 s');
      await sleep(100);
    }
    const stage = { transformFirst: 0, transformLast: 0, loadFirst: 0, loadLast: 0 };
    const events = (['transform', 'load'] as const).map((name) => {
      const qe = new QueueEvents(name, {
        connection: { url: config.REDIS_URL },
        prefix: config.QUEUE_PREFIX,
      });
      qe.on('active', () => {
        if (name === 'transform') stage.transformFirst ||= Date.now();
        else stage.loadFirst ||= Date.now();
      });
      qe.on('completed', () => {
        if (name === 'transform') stage.transformLast = Date.now();
        else stage.loadLast = Date.now();
      });
      return qe;
    });
    await Promise.all(events.map((e) => e.waitUntilReady()));
    const baseline = await redisUsedMemory(redis);
    let redisPeak = 0;
    let rssPeak = [0, 0];
    const started = Date.now();
    const { runId } = await enqueueRun({ config, pool, queues }, { trigger: 'cli' });
    for (;;) {
      const dead = children.find((c) => c.exitCode !== null || c.signalCode !== null);
      if (dead)
        throw new Error(`a worker process died (${dead.exitCode ?? dead.signalCode}): see its output above`);
      redisPeak = Math.max(redisPeak, (await redisUsedMemory(redis)) - baseline);
      rssPeak = peakRss().map((v, i) => Math.max(v, rssPeak[i]!));
      const run = await getRun(pool, runId);
      if (run?.status === 'failed') throw new Error(`run ${runId} failed: ${run.error}`);
      if (run?.status === 'published') {
        const wall = (run.published_at!.getTime() - started) / 1000;
        await Promise.all(events.map((e) => e.close()));
        return {
          runId,
          wallS: wall,
          extractS: (run.extract_finished_at!.getTime() - run.started_at!.getTime()) / 1000,
          transformS: (stage.transformLast - stage.transformFirst) / 1000,
          loadS: (stage.loadLast - stage.loadFirst) / 1000,
          datasets: run.datasets,
          peakRssMb: peakRss().map((v, i) => mb(Math.max(v, rssPeak[i]!))),
          redisPeakMb: mb(redisPeak),
        };
      }
      await sleep(50);
    }
  } finally {
    for (const child of children) {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    }
    // the benchmark's queues go with it
    await Promise.all(Object.values(queues).map((q) => q.obliterate({ force: true })));
    await closeQueues(queues);
    redis.disconnect();
  }
}

/** The bare limit: every page downloaded and JSON.parsed in one process, then one COPY of the final rows. */
async function runBare(
  config: Config,
  s3: S3Client,
  pool: Pool,
  runId: number,
  keys: string[],
): Promise<BareFigures> {
  let nodes = 0;
  const t0 = performance.now();
  for (const key of keys) {
    const doc = JSON.parse((await readAll(s3, config.S3_BUCKET, key)).toString('utf8')) as {
      '@graph'?: unknown[];
    };
    nodes += doc['@graph']?.length ?? 0;
  }
  const parseS = (performance.now() - t0) / 1000;

  // the rows the pipeline produced, as COPY text, then COPYed again into a scratch table
  const client = await pool.connect();
  try {
    const parts: Buffer[] = [];
    await pipeline(
      client.query(copyTo(`COPY (SELECT * FROM dataset_quality WHERE run_id = ${runId}) TO STDOUT`)),
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          parts.push(chunk);
          cb();
        },
      }),
    );
    await client.query('DROP TABLE IF EXISTS bench_bare_copy');
    await client.query('CREATE TABLE bench_bare_copy (LIKE dataset_quality INCLUDING ALL)');
    const t1 = performance.now();
    await client.query('BEGIN');
    await pipeline(Readable.from(parts), client.query(copyFrom('COPY bench_bare_copy FROM STDIN')));
    await client.query('COMMIT');
    const copyS = (performance.now() - t1) / 1000;
    await client.query('DROP TABLE bench_bare_copy');
    return { parseS, copyS, nodes };
  } finally {
    client.release();
  }
}

async function compareReaders(config: Config, s3: S3Client, keys: string[]) {
  const sample = keys.slice(0, 20);
  const bodies = await Promise.all(sample.map((k) => readAll(s3, config.S3_BUCKET, k)));
  const bytes = bodies.reduce((a, b) => a + b.length, 0);
  const time = async (read: typeof readDatasetRecords) => {
    const t0 = performance.now();
    let n = 0;
    for (const [i, body] of bodies.entries()) {
      for await (const _ of read({ key: sample[i]!, open: () => Promise.resolve(Readable.from([body])) }))
        n++;
    }
    return { s: (performance.now() - t0) / 1000, n };
  };
  const fast = await time(readDatasetRecords);
  const sj = await time(readDatasetRecordsStreamJson);

  // transform throughput before (section 1 only) and after the FAIR scores (sections 2 and 3)
  const records: DatasetRecord[] = [];
  for (const [i, body] of bodies.entries()) {
    for await (const r of readDatasetRecords({
      key: sample[i]!,
      open: () => Promise.resolve(Readable.from([body])),
    }))
      records.push(r);
  }
  const t0 = performance.now();
  for (const r of records) computeEcospheres(r);
  const ecoS = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  for (const r of records) await computeRow(r, { runDate: '2026-11-28' });
  const allS = (performance.now() - t1) / 1000;
  return { bytes, fast, streamJson: sj, transform: { datasets: records.length, ecoS, allS } };
}

async function benchOnce(
  base: Config,
  scale: number,
  opts: { pages: number; single?: boolean },
  s3server: EmbeddedS3 | undefined,
) {
  const id = randomBytes(3).toString('hex');
  const dbUrl = new URL(base.DATABASE_URL);
  dbUrl.pathname = `/dq_bench_${id}`;
  const env: Record<string, string> = {
    DATABASE_URL: dbUrl.toString(),
    QUEUE_PREFIX: `dq-bench-${id}`,
    S3_BUCKET: `bench-${id}`,
    DUMP_PREFIX: 'dcat/',
    ...(s3server
      ? {
          S3_ENDPOINT: s3server.endpoint,
          S3_ACCESS_KEY_ID: s3server.accessKeyId,
          S3_SECRET_ACCESS_KEY: s3server.secretAccessKey,
          S3_FORCE_PATH_STYLE: 'true',
        }
      : {}),
  };
  const config = parseConfig({ ...process.env, ...env });
  await createDatabase(config.DATABASE_URL);
  const pool = createPool(config.DATABASE_URL, 4);
  await migrate(pool);
  const s3 = createS3(config);
  await ensureBucket(s3, config.S3_BUCKET);

  const pages = opts.pages * scale;
  const t0 = performance.now();
  const dump = await writeDumpToS3(s3, config.S3_BUCKET, config.DUMP_PREFIX, {
    datasets: pages * 100,
    pages,
    seed: 1,
    single: opts.single,
  });
  const genS = (performance.now() - t0) / 1000;
  const keys: string[] = [];
  let largest = 0;
  for await (const o of listObjects(s3, config.S3_BUCKET, config.DUMP_PREFIX)) {
    keys.push(o.Key!);
    largest = Math.max(largest, o.Size ?? 0);
  }
  keys.sort();

  const pipe = await runPipeline(config, env, pool);
  // JSON.parse of a whole object needs it as one string: beyond ~400 MB there is no bare limit to show
  const bare = largest <= 400e6 ? await runBare(config, s3, pool, pipe.runId, keys) : undefined;
  const readers = await compareReaders(config, s3, keys);

  await pool.end();
  s3.destroy();
  await dropDatabase(config.DATABASE_URL);
  return { scale, dump, genS, pipe, bare, readers };
}

function report(r: Awaited<ReturnType<typeof benchOnce>>): void {
  const { dump, pipe, bare, readers } = r;
  const dumpMb = mb(dump.bytes);
  const bareS = bare ? bare.parseS + bare.copyS : NaN;
  const ratio = pipe.wallS / bareS;
  const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '-');
  const row = (label: string, a: string, b: string, c = '') =>
    console.log(`  ${label.padEnd(30)}${a.padStart(12)}${b.padStart(14)}${c.padStart(10)}`);
  console.log(
    `\n== dump x${r.scale}: ${dump.files} objects, ${f(dumpMb)} MB, ${dump.datasets} datasets (generated and uploaded in ${f(r.genS)} s)`,
  );
  console.log(
    `  worker processes: extract | transform+load, node ${workerNodeArgs().join(' ') || '(no flags)'}`,
  );
  row('', 'pipeline', 'bare limit', 'ratio');
  row('wall time (s)', f(pipe.wallS, 2), f(bareS, 2), f(ratio, 2));
  row('datasets/s', f(pipe.datasets / pipe.wallS, 0), f(dump.datasets / bareS, 0));
  row('MB/s', f(dumpMb / pipe.wallS), f(dumpMb / bareS));
  row('extract / parse stage (s)', f(pipe.extractS, 2), f(bare?.parseS ?? NaN, 2));
  row('transform stage (s)', f(pipe.transformS, 2), '-');
  row('load / COPY stage (s)', f(pipe.loadS, 2), f(bare?.copyS ?? NaN, 2));
  row('peak RSS extract process (MB)', f(pipe.peakRssMb[0]!), '-');
  row('peak RSS transform+load (MB)', f(pipe.peakRssMb[1]!), '-');
  row('Redis peak used_memory (MB)', f(pipe.redisPeakMb), '-');
  console.log(
    `  readers on ${readers.fast.n} datasets / ${f(mb(readers.bytes))} MB: fast splitter ${f(mb(readers.bytes) / readers.fast.s)} MB/s, stream-json ${f(mb(readers.bytes) / readers.streamJson.s)} MB/s`,
  );
  const t = readers.transform;
  console.log(
    `  transform on ${t.datasets} datasets: section 1 only ${f(t.datasets / t.ecoS, 0)} datasets/s, with MQA + udata ${f(t.datasets / t.allS, 0)} datasets/s`,
  );
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  console.log(
    `  targets: end-to-end <= 1.5x bare: ${bare ? `${verdict(ratio <= 1.5)} (${f(ratio, 2)}x)` : 'no bare limit (object too large for one JSON.parse)'}; worker RSS <= 256 MB: ${verdict(Math.max(...pipe.peakRssMb) <= 256)}; Redis <= 64 MB: ${verdict(pipe.redisPeakMb <= 64)}`,
  );
}

export function register(program: Command): void {
  program
    .command('bench')
    .description(
      'benchmark the pipeline against the bare limit on a generated 244 x 100 dump (figures printed)',
    )
    .option('--scale <list>', 'dump sizes as multiples of 244 pages x 100 datasets, e.g. 1,10', '1')
    .option('--pages <n>', 'pages of the x1 dump (default 244; fewer for a quick look)', Number, 244)
    .option('--single', 'the same datasets as one single large file instead of pages')
    .action(async (opts: { scale: string; pages: number; single?: boolean }) => {
      const base = getConfig();
      await assertRedisReachable(base.REDIS_URL);
      const scales = opts.scale.split(',').map((s) => Number(s.trim()));
      if (scales.some((s) => !Number.isInteger(s) || s < 1))
        throw new Error('--scale takes whole numbers >= 1');
      const s3server = base.S3_ENDPOINT ? undefined : await startEmbeddedS3();
      try {
        for (const scale of scales) report(await benchOnce(base, scale, opts, s3server));
      } finally {
        await s3server?.close();
      }
    });
}
