/**
 * Server-rendered HTML for the board's own pages: escaping, the page frame (inline CSS, no script,
 * no third-party asset, so the board's CSP holds) and SVG charts drawn from the project's data.
 */

/** Escapes text for HTML content and attribute values. */
export function esc(value: string | number | boolean | null | undefined): string {
  return String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** Marks a string as already-safe HTML. */
export class Html {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

/** Tagged template: interpolations are escaped unless they are Html (or arrays of Html). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => {
    const part = (x: unknown): string =>
      x instanceof Html
        ? x.html
        : Array.isArray(x)
          ? x.map(part).join('')
          : x === null || x === undefined || x === false
            ? ''
            : typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean'
              ? esc(x)
              : esc(JSON.stringify(x));
    out += part(v) + strings[i + 1]!;
  });
  return new Html(out);
}

const CSS = `
:root { --ink:#1d2733; --muted:#5b6b7b; --line:#d8dee6; --bg:#f6f8fa; --ok:#1f883d; --bad:#cf222e; --run:#bf8700; --accent:#0969da; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--ink); background:var(--bg); }
header { display:flex; gap:1.5rem; align-items:center; padding:.7rem 1.5rem; background:#fff; border-bottom:1px solid var(--line); }
header strong { font-size:1.05rem; }
header a { color:var(--muted); text-decoration:none; } header a.on, header a:hover { color:var(--accent); }
main { padding:1.2rem 1.5rem; max-width:1200px; }
h1 { font-size:1.3rem; margin:.2rem 0 1rem; } h2 { font-size:1.05rem; margin:1.6rem 0 .6rem; }
table { border-collapse:collapse; width:100%; background:#fff; border:1px solid var(--line); }
th, td { padding:.4rem .6rem; border-bottom:1px solid var(--line); text-align:left; vertical-align:top; }
th { background:#eef2f6; font-weight:600; white-space:nowrap; } th a { color:inherit; }
td.n, th.n { text-align:right; font-variant-numeric: tabular-nums; }
.status { font-weight:600; } .published { color:var(--ok); } .failed { color:var(--bad); } .running, .queued { color:var(--run); }
.error { color:var(--bad); max-width:36rem; word-break:break-word; }
.muted { color:var(--muted); }
.cards { display:flex; flex-wrap:wrap; gap:1rem; }
.card { background:#fff; border:1px solid var(--line); padding:.8rem 1rem; min-width:14rem; flex:1; }
.bar { height:.8rem; background:#e6ebf0; border-radius:.4rem; overflow:hidden; margin:.3rem 0; }
.bar > span { display:block; height:100%; background:var(--accent); }
svg text { font: 12px system-ui, sans-serif; fill: var(--ink); }
.button { display:inline-block; padding:.3rem .7rem; border:1px solid var(--accent); border-radius:.3rem; color:var(--accent); text-decoration:none; }
nav.pages a { margin-right:.8rem; }
`;

export type Tab = 'runs' | 'quality' | 'board';

/** The page frame; `refreshSeconds` reloads the page while something is going on. */
export function page(title: string, tab: Tab, body: Html, refreshSeconds?: number): string {
  const link = (href: string, label: string, name: Tab) =>
    html`<a href="${href}" class="${name === tab ? 'on' : ''}">${label}</a>`;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        ${refreshSeconds ? new Html(`<meta http-equiv="refresh" content="${refreshSeconds}">`) : ''}
        <title>${title} · dcat-quality</title>
        <style>
          ${new Html(CSS)}
        </style>
      </head>
      <body>
        <header>
          <strong>dcat-quality</strong
          >${link('/runs', 'Runs', 'runs')}${link('/quality', 'Quality', 'quality')}${link('/board/', 'Queues (Bull Board)', 'board')}
        </header>
        <main>${body}</main>
      </body>
    </html>`.html;
}

/** A progress bar with its `done / total` label. */
export function progress(done: number, total: number | null): Html {
  const pct = total && total > 0 ? Math.min(100, (100 * done) / total) : 0;
  return html`<div
      class="bar"
      role="progressbar"
      aria-valuenow="${Math.round(pct)}"
      aria-valuemin="0"
      aria-valuemax="100"
    >
      <span style="width:${pct.toFixed(1)}%"></span>
    </div>
    <span class="muted">${done} / ${total ?? '?'}</span>`;
}

const PALETTE = { excellent: '#1f883d', good: '#4ac26b', sufficient: '#d4a72c', bad: '#cf222e' };

/** Horizontal bars, one per item, scaled to `max`. */
export function barChart(items: { label: string; value: number }[], max: number, unit = ''): Html {
  const row = 22;
  const width = 720;
  const labelW = 260;
  const h = items.length * row + 10;
  const bars = items.map((it, k) => {
    const w = max > 0 ? ((width - labelW - 70) * Math.max(0, it.value)) / max : 0;
    const y = k * row + 5;
    return html`<text x="${labelW - 8}" y="${y + 14}" text-anchor="end"
        >${it.label.length > 38 ? `${it.label.slice(0, 37)}…` : it.label}</text
      ><rect x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="14" fill="#0969da"></rect
      ><text x="${(labelW + w + 6).toFixed(1)}" y="${y + 14}">${it.value.toFixed(1)}${unit}</text>`;
  });
  return html`<svg viewBox="0 0 ${width} ${h}" width="100%" role="img" aria-label="bar chart">${bars}</svg>`;
}

/** Stacked horizontal bars of the MQA rating distribution, as shares of each item's datasets. */
export function ratingChart(
  items: { label: string; excellent: number; good: number; sufficient: number; bad: number }[],
): Html {
  const row = 22;
  const width = 720;
  const labelW = 260;
  const barW = width - labelW - 20;
  const h = items.length * row + 34;
  const rows = items.map((it, k) => {
    const total = it.excellent + it.good + it.sufficient + it.bad || 1;
    let x = labelW;
    const y = k * row + 5;
    const parts = (['excellent', 'good', 'sufficient', 'bad'] as const).map((band) => {
      const w = (barW * it[band]) / total;
      const rect = html`<rect
        x="${x.toFixed(1)}"
        y="${y + 3}"
        width="${w.toFixed(1)}"
        height="14"
        fill="${PALETTE[band]}"
        ><title>${band}: ${it[band]}</title></rect
      >`;
      x += w;
      return rect;
    });
    return html`<text x="${labelW - 8}" y="${y + 14}" text-anchor="end"
        >${it.label.length > 38 ? `${it.label.slice(0, 37)}…` : it.label}</text
      >${parts}`;
  });
  const legend = (['excellent', 'good', 'sufficient', 'bad'] as const).map(
    (band, k) =>
      html`<rect
          x="${labelW + k * 110}"
          y="${items.length * row + 14}"
          width="12"
          height="12"
          fill="${PALETTE[band]}"
        ></rect
        ><text x="${labelW + k * 110 + 16}" y="${items.length * row + 24}">${band}</text>`,
  );
  return html`<svg viewBox="0 0 ${width} ${h}" width="100%" role="img" aria-label="MQA ratings">
    ${rows}${legend}
  </svg>`;
}

/** A line chart over dates: one or more series on the same 0..`max` axis. */
export function lineChart(
  dates: string[],
  series: { name: string; color: string; values: (number | null)[] }[],
  max: number,
): Html {
  const width = 720;
  const height = 220;
  const left = 40;
  const bottom = 28;
  const plotW = width - left - 200;
  const plotH = height - bottom - 10;
  const x = (k: number) => left + (dates.length > 1 ? (plotW * k) / (dates.length - 1) : plotW / 2);
  const y = (v: number) => 10 + plotH - (max > 0 ? (plotH * v) / max : 0);
  const grid = [0, 0.25, 0.5, 0.75, 1].map(
    (f) =>
      html`<line
          x1="${left}"
          x2="${left + plotW}"
          y1="${y(max * f).toFixed(1)}"
          y2="${y(max * f).toFixed(1)}"
          stroke="#d8dee6"
        ></line
        ><text x="${left - 6}" y="${(y(max * f) + 4).toFixed(1)}" text-anchor="end"
          >${Math.round(max * f)}</text
        >`,
  );
  const labels = dates
    .map((d, k) => ({ d, k }))
    .filter(({ k }) => dates.length <= 8 || k % Math.ceil(dates.length / 8) === 0 || k === dates.length - 1)
    .map(
      ({ d, k }) =>
        html`<text x="${x(k).toFixed(1)}" y="${height - 8}" text-anchor="middle">${d.slice(5)}</text>`,
    );
  const lines = series.map((s, n) => {
    const pts = s.values
      .map((v, k) => (v === null ? null : `${x(k).toFixed(1)},${y(v).toFixed(1)}`))
      .filter((p): p is string => p !== null);
    const dots = s.values.map((v, k) =>
      v === null
        ? ''
        : html`<circle cx="${x(k).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${s.color}"
            ><title>${dates[k]}: ${v.toFixed(1)}</title></circle
          >`,
    );
    return html`<polyline
        fill="none"
        stroke="${s.color}"
        stroke-width="2"
        points="${pts.join(' ')}"
      ></polyline
      >${dots}<rect x="${left + plotW + 14}" y="${14 + n * 18}" width="12" height="3" fill="${s.color}"></rect
      ><text x="${left + plotW + 30}" y="${19 + n * 18}">${s.name}</text>`;
  });
  return html`<svg viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="trend">
    ${grid}${labels}${lines}
  </svg>`;
}
