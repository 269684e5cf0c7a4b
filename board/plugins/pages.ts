import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Queues } from '../../shared/bull.js';
import type { Pool } from '../../shared/db.js';
import { jobQueue } from '../../shared/queues.js';
import { RUN_SELECT, type RunRow } from '../../shared/runs.js';
import { barChart, html, lineChart, page, progress, ratingChart, type Html } from '../pages/html.js';

export interface PagesPluginOptions {
  pool: Pool;
  queues: Queues;
}

const PAGE_SIZE = 50;
const missing = (err: unknown) => (err as { code?: string }).code === '42P01';

const day = (d: Date) => d.toISOString().slice(0, 10);
const when = (d: Date | null) => (d ? d.toISOString().slice(0, 19).replace('T', ' ') : '-');
function duration(run: RunRow): string {
  const end = run.published_at ?? run.finished_at ?? (run.status === 'running' ? new Date() : null);
  if (!run.started_at || !end) return '-';
  const s = Math.max(0, (end.getTime() - run.started_at.getTime()) / 1000);
  return s < 90 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** The Bull Board page of a run's failing job (job ids say their queue: `run<id>-<token>-<queue>...`). */
export function failedJobLink(jobId: string | null): string | null {
  if (!jobId) return null;
  const queue = jobQueue(jobId);
  return queue ? `/board/queue/${queue}/${encodeURIComponent(jobId)}` : null;
}

const statusCell = (s: string) => html`<span class="status ${s}">${s}</span>`;

async function runsPage(pool: Pool, pageNo: number): Promise<string> {
  let rows: RunRow[] = [];
  let total = 0;
  try {
    const [list, count] = await Promise.all([
      pool.query<RunRow>(`${RUN_SELECT} ORDER BY r.id DESC LIMIT $1 OFFSET $2`, [
        PAGE_SIZE,
        (pageNo - 1) * PAGE_SIZE,
      ]),
      pool.query<{ n: number }>('SELECT count(*)::int AS n FROM etl_runs'),
    ]);
    rows = list.rows;
    total = count.rows[0]?.n ?? 0;
  } catch (err) {
    if (!missing(err)) throw err;
  }
  const going = rows.some((r) => r.status === 'running' || r.status === 'queued');
  const body = rows.length
    ? html`<table>
          <thead>
            <tr>
              <th class="n">Run</th>
              <th>Status</th>
              <th>Trigger</th>
              <th>Run date</th>
              <th>Started (UTC)</th>
              <th class="n">Duration</th>
              <th class="n">Datasets</th>
              <th class="n">Duplicates</th>
              <th>Error</th>
            </tr>
          </thead>
          <tbody>
            ${rows.map((r) => {
              const link = failedJobLink(r.failed_job);
              return html`<tr>
                <td class="n"><a href="/runs/${r.id}">${r.id}</a></td>
                <td>${statusCell(r.status)}</td>
                <td>${r.trigger}</td>
                <td>${day(r.scheduled_for)}</td>
                <td>${when(r.started_at)}</td>
                <td class="n">${duration(r)}</td>
                <td class="n">${r.datasets}</td>
                <td class="n">${r.duplicates}</td>
                <td class="error">
                  ${r.error ? r.error.split('\n')[0]!.slice(0, 300) : ''}${link ? html` <a class="button" href="${link}">failing job</a>` : ''}
                </td>
              </tr>`;
            })}
          </tbody>
        </table>
        <nav class="pages">
          ${pageNo > 1 ? html`<a href="/runs?page=${pageNo - 1}">newer</a>` : ''}${pageNo * PAGE_SIZE < total ? html`<a href="/runs?page=${pageNo + 1}">older</a>` : ''}<span
            class="muted"
            >${total} runs</span
          >
        </nav>`
    : html`<p class="muted">
        No run yet: start one with <code>dcat-quality etl run</code>, or wait for the nightly schedule.
      </p>`;
  return page(
    'Runs',
    'runs',
    html`<h1>Runs</h1>
      ${body}`,
    going ? 5 : undefined,
  );
}

/** Load jobs of the run still in Redis (transformed, not loaded yet). */
async function pendingLoads(queues: Queues, runId: number): Promise<number> {
  const jobs = await queues.load.getJobs(['waiting', 'active', 'delayed', 'failed', 'prioritized'], 0, 999);
  return jobs.filter((j) => (j?.data as { runId?: number } | undefined)?.runId === runId).length;
}

async function runPage(pool: Pool, queues: Queues, id: number): Promise<string | null> {
  let run: RunRow | undefined;
  try {
    run = (await pool.query<RunRow>(`${RUN_SELECT} WHERE r.id = $1`, [id])).rows[0];
  } catch (err) {
    if (!missing(err)) throw err;
  }
  if (!run) return null;
  const going = run.status === 'running' || run.status === 'queued';
  const loaded = run.loaded_batches;
  const transformed =
    run.status === 'published' ? loaded : loaded + (await pendingLoads(queues, id).catch(() => 0));
  const batches = run.batches ?? (run.extract_finished_at ? loaded : null);
  const link = failedJobLink(run.failed_job);
  const notes = Object.entries(run.notes).sort((a, b) => b[1] - a[1]);
  const body = html`<h1>Run ${run.id} ${statusCell(run.status)}</h1>
    <div class="cards">
      <div class="card">
        <strong>Extract</strong>
        <span class="muted"
          >${run.extract_finished_at ? 'done' : going ? 'listing and cutting the dump' : ''}</span
        ><br />objects read ${progress(run.objects_read, run.objects || null)}
      </div>
      <div class="card">
        <strong>Transform</strong><br />batches transformed ${progress(transformed, batches)}
      </div>
      <div class="card"><strong>Load</strong><br />batches loaded ${progress(loaded, batches)}</div>
    </div>
    ${
      run.error
        ? html`<h2>Error</h2>
            <p class="error">${run.error}</p>
            ${link ? html`<p><a class="button" href="${link}">Open the failing job in Bull Board</a> and retry it there: the run goes on from that step.</p>` : ''}`
        : ''
    }
    <h2>Details</h2>
    <table>
      <tbody>
        <tr>
          <th>Trigger</th>
          <td>${run.trigger}</td>
        </tr>
        <tr>
          <th>Run date</th>
          <td>${day(run.scheduled_for)}</td>
        </tr>
        <tr>
          <th>Dump prefix</th>
          <td>${run.prefix}</td>
        </tr>
        <tr>
          <th>Started (UTC)</th>
          <td>${when(run.started_at)}</td>
        </tr>
        <tr>
          <th>Extract finished</th>
          <td>${when(run.extract_finished_at)}</td>
        </tr>
        <tr>
          <th>Published</th>
          <td>${when(run.published_at)}</td>
        </tr>
        <tr>
          <th>Duration</th>
          <td>${duration(run)}</td>
        </tr>
        <tr>
          <th>Datasets</th>
          <td>${run.datasets}</td>
        </tr>
        <tr>
          <th>Duplicates dropped</th>
          <td>${run.duplicates}</td>
        </tr>
        <tr>
          <th>Bytes read</th>
          <td>${run.bytes}</td>
        </tr>
      </tbody>
    </table>
    <h2>Counters (etl_runs.notes)</h2>
    ${
      notes.length
        ? html`<table>
            <thead>
              <tr>
                <th>Counter</th>
                <th class="n">Count</th>
              </tr>
            </thead>
            <tbody>
              ${notes.map(
                ([k, n]) =>
                  html`<tr>
                    <td>${k}</td>
                    <td class="n">${n}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : html`<p class="muted">none</p>`
    }
    <p><a href="/runs">All runs</a> · <a href="/api/runs/${run.id}">as JSON</a></p>`;
  return page(`Run ${run.id}`, 'runs', body, going ? 3 : undefined);
}

interface CatalogRow {
  run_id: number;
  run_date: string;
  source_catalog: string | null;
  datasets: number;
  mean_filling_rate: number;
  mean_mqa_total: number | null;
  mean_udata_score: number | null;
  rating_excellent: number;
  rating_good: number;
  rating_sufficient: number;
  rating_bad: number;
  pct_open_access: number;
  pct_with_licence: number;
}

const SORTS = {
  catalog: (r: CatalogRow) => r.source_catalog ?? '',
  datasets: (r: CatalogRow) => r.datasets,
  filling: (r: CatalogRow) => r.mean_filling_rate,
  mqa: (r: CatalogRow) => r.mean_mqa_total ?? -1,
  udata: (r: CatalogRow) => r.mean_udata_score ?? -1,
  open: (r: CatalogRow) => r.pct_open_access,
  licence: (r: CatalogRow) => r.pct_with_licence,
  trend: (r: CatalogRow & { delta?: number | null }) => r.delta ?? -1e9,
} as const;
type SortKey = keyof typeof SORTS;

async function qualityPage(pool: Pool, sort: SortKey, dir: 'asc' | 'desc'): Promise<string> {
  let trend: CatalogRow[] = [];
  try {
    trend = (
      await pool.query<CatalogRow>(
        `SELECT run_id, run_date::text AS run_date, source_catalog, datasets, mean_filling_rate::float AS mean_filling_rate,
                mean_mqa_total::float AS mean_mqa_total, mean_udata_score::float AS mean_udata_score,
                rating_excellent, rating_good, rating_sufficient, rating_bad,
                pct_open_access::float AS pct_open_access, pct_with_licence::float AS pct_with_licence
         FROM quality_trend ORDER BY run_date, run_id`,
      )
    ).rows;
  } catch (err) {
    if (!missing(err)) throw err;
  }
  const runs = [...new Map(trend.map((r) => [r.run_id, r.run_date])).entries()];
  if (runs.length === 0) {
    return page(
      'Quality',
      'quality',
      html`<h1>Quality</h1>
        <p class="muted">No published run yet.</p>`,
    );
  }
  // quality_trend is read by run date, then id: the last run is the latest, the one before it the previous
  const [latestId, latestDate] = runs.at(-1)!;
  const previous = runs.at(-2);
  const latest = trend.filter((r) => r.run_id === latestId);
  const before = new Map(trend.filter((r) => r.run_id === previous?.[0]).map((r) => [r.source_catalog, r]));
  const rows = latest.map((r) => {
    const p = before.get(r.source_catalog);
    return {
      ...r,
      delta:
        p && r.mean_mqa_total !== null && p.mean_mqa_total !== null
          ? r.mean_mqa_total - p.mean_mqa_total
          : null,
    };
  });
  const key = SORTS[sort];
  rows.sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    const c = typeof x === 'string' ? x.localeCompare(y as string) : x - (y as number);
    return dir === 'asc' ? c : -c;
  });
  const all = latest.reduce((n, r) => n + r.datasets, 0);
  const weighted = (rs: CatalogRow[], f: (r: CatalogRow) => number | null) => {
    const n = rs.reduce((s, r) => s + (f(r) === null ? 0 : r.datasets), 0);
    return n ? rs.reduce((s, r) => s + (f(r) ?? 0) * r.datasets, 0) / n : null;
  };
  const byRun = runs.map(([id, d]) => ({ d, rs: trend.filter((r) => r.run_id === id) }));
  const top = [...latest].sort((a, b) => b.datasets - a.datasets).slice(0, 15);
  const label = (r: CatalogRow) => r.source_catalog ?? '(no catalogue)';
  const th = (k: SortKey, text: string, numeric = true): Html => {
    const next = sort === k && dir === 'desc' ? 'asc' : 'desc';
    const arrow = sort === k ? (dir === 'desc' ? ' ▼' : ' ▲') : '';
    return html`<th class="${numeric ? 'n' : ''}">
      <a href="/quality?sort=${k}&amp;dir=${next}">${text}${arrow}</a>
    </th>`;
  };
  const f1 = (v: number | null) => (v === null ? '-' : v.toFixed(1));
  const body = html`<h1>Quality of the catalogue</h1>
    <p class="muted">
      Latest published run ${latestId} (${latestDate}): ${all} datasets in ${latest.length} source
      catalogues${previous ? `, compared with run ${previous[0]} (${previous[1]})` : ''}.
    </p>
    <div class="cards">
      <div class="card">
        <strong>Mean filling rate</strong><br /><span style="font-size:1.6rem"
          >${f1(weighted(latest, (r) => r.mean_filling_rate))} %</span
        >
      </div>
      <div class="card">
        <strong>Mean MQA points</strong> <span class="muted">of 405</span><br /><span style="font-size:1.6rem"
          >${f1(weighted(latest, (r) => r.mean_mqa_total))}</span
        >
      </div>
      <div class="card">
        <strong>Mean udata score</strong><br /><span style="font-size:1.6rem"
          >${f1((weighted(latest, (r) => r.mean_udata_score) ?? 0) * 100)} %</span
        >
      </div>
      <div class="card">
        <strong>Open access / with licence</strong><br /><span style="font-size:1.6rem"
          >${f1(weighted(latest, (r) => r.pct_open_access))} % /
          ${f1(weighted(latest, (r) => r.pct_with_licence))} %</span
        >
      </div>
    </div>
    <h2>Over time (every published run)</h2>
    ${lineChart(
      byRun.map((r) => r.d),
      [
        {
          name: 'mean MQA points / 4.05',
          color: '#0969da',
          values: byRun.map((r) => {
            const v = weighted(r.rs, (x) => x.mean_mqa_total);
            return v === null ? null : v / 4.05;
          }),
        },
        {
          name: 'mean filling rate %',
          color: '#1f883d',
          values: byRun.map((r) => weighted(r.rs, (x) => x.mean_filling_rate)),
        },
        {
          name: 'mean udata score %',
          color: '#bf8700',
          values: byRun.map((r) => {
            const v = weighted(r.rs, (x) => x.mean_udata_score);
            return v === null ? null : v * 100;
          }),
        },
      ],
      100,
    )}
    <h2>Mean MQA points per catalogue (the 15 largest)</h2>
    ${barChart(
      top.map((r) => ({ label: label(r), value: r.mean_mqa_total ?? 0 })),
      405,
    )}
    <h2>MQA rating distribution per catalogue</h2>
    ${ratingChart(top.map((r) => ({ label: label(r), excellent: r.rating_excellent, good: r.rating_good, sufficient: r.rating_sufficient, bad: r.rating_bad })))}
    <h2>Every catalogue</h2>
    <table id="catalogues">
      <thead>
        <tr>
          ${th('catalog', 'Source catalogue', false)}${th('datasets', 'Datasets')}${th('filling', 'Filling %')}${th('mqa', 'MQA points')}${th('trend', 'MQA since previous run')}${th('udata', 'udata %')}${th('open', 'Open access %')}${th('licence', 'With licence %')}
          <th class="n">Excellent / good / sufficient / bad</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (r) =>
            html`<tr>
              <td>${label(r)}</td>
              <td class="n">${r.datasets}</td>
              <td class="n">${f1(r.mean_filling_rate)}</td>
              <td class="n">${f1(r.mean_mqa_total)}</td>
              <td class="n">${r.delta === null ? '-' : `${r.delta >= 0 ? '+' : ''}${r.delta.toFixed(1)}`}</td>
              <td class="n">${r.mean_udata_score === null ? '-' : (r.mean_udata_score * 100).toFixed(1)}</td>
              <td class="n">${f1(r.pct_open_access)}</td>
              <td class="n">${f1(r.pct_with_licence)}</td>
              <td class="n">
                ${r.rating_excellent} / ${r.rating_good} / ${r.rating_sufficient} / ${r.rating_bad}
              </td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  return page('Quality', 'quality', body);
}

const sendHtml = (reply: FastifyReply, text: string, code = 200) =>
  reply.code(code).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(text);

/** `/runs`, `/runs/<id>` and `/quality`: the board's own pages, server-rendered, behind the same authentication. */
export default function pages(app: FastifyInstance, { pool, queues }: PagesPluginOptions): Promise<void> {
  app.get<{ Querystring: { page?: string } }>('/runs', async (req, reply) => {
    const n = Number(req.query.page ?? 1);
    return sendHtml(reply, await runsPage(pool, Number.isSafeInteger(n) && n >= 1 ? n : 1));
  });
  app.get<{ Params: { id: string } }>('/runs/:id', async (req, reply) => {
    const id = /^\d{1,15}$/.test(req.params.id) ? Number(req.params.id) : NaN;
    const text = Number.isSafeInteger(id) ? await runPage(pool, queues, id) : null;
    if (text === null) {
      return sendHtml(
        reply,
        page(
          'No such run',
          'runs',
          html`<h1>No run ${req.params.id}</h1>
            <p><a href="/runs">All runs</a></p>`,
        ),
        404,
      );
    }
    return sendHtml(reply, text);
  });
  app.get<{ Querystring: { sort?: string; dir?: string } }>('/quality', async (req, reply) => {
    // own keys only: `?sort=toString` must not reach Object.prototype
    const sort =
      req.query.sort && Object.hasOwn(SORTS, req.query.sort) ? (req.query.sort as SortKey) : 'datasets';
    const dir = req.query.dir === 'asc' ? 'asc' : 'desc';
    return sendHtml(reply, await qualityPage(pool, sort, dir));
  });
  return Promise.resolve();
}
