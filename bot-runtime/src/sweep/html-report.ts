// The sweep's self-contained HTML report (inline SVG, no network): a heat map of the
// out-of-sample score per pair of parameters, the equity curves of the top candidates with the
// in-sample days (dashed) apart from the out-of-sample days (solid), and the text report.
// Line charts reuse the backtest report's SVG code (report/svg-chart.ts).
import { type ChartSeries, escapeXml, lineChart } from '../report/svg-chart.ts';
import type { SweepAnalysis } from './analysis.ts';
import type { GridSpec } from './grid.ts';
import { shortName, sweepTextReport } from './text-report.ts';

const COLORS = ['#2563eb', '#d97706', '#059669', '#db2777', '#7c3aed'];
/** Equity curves drawn: more would hide each other. */
export const TOP_CURVES = 3;
const DAY_MS = 86_400_000;
const KST_OFFSET_MS = 9 * 3_600_000;
const CELL = { w: 90, h: 36 };

/** Green for a positive Sharpe, red for a negative one, white at 0; saturates at |max|. */
function cellColor(v: number, max: number): string {
  if (!Number.isFinite(v)) return '#e5e7eb';
  const t = Math.min(1, Math.abs(v) / (max || 1));
  const fade = (c: number): number => Math.round(255 - (255 - c) * t);
  return v >= 0 ? `rgb(${fade(22)},${fade(163)},${fade(74)})` : `rgb(${fade(220)},${fade(38)},${fade(38)})`;
}

/** Cell value: the best mean out-of-sample Sharpe over the candidates with that pair of values. */
export function heatMap(a: SweepAnalysis, px: string, py: string, xs: number[], ys: number[]): string {
  const best = (x: number, y: number): number => {
    let v = Number.NaN;
    for (const c of a.candidates) {
      if (c.record.params[px] !== x || c.record.params[py] !== y) continue;
      if (Number.isNaN(v) || c.meanOosSharpe > v) v = c.meanOosSharpe;
    }
    return v;
  };
  const values = ys.map((y) => xs.map((x) => best(x, y)));
  const max = Math.max(...values.flat().filter(Number.isFinite).map(Math.abs), 0);
  const left = 60;
  const top = 56;
  const width = Math.max(left + xs.length * CELL.w + 20, 300);
  const height = top + ys.length * CELL.h + 40;
  const parts = [
    `<svg class="heatmap" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(`${px} x ${py}`)}">`,
    `<text class="title" x="4" y="16">${escapeXml(`x: ${shortName(px)}`)}</text>`,
    `<text class="title" x="4" y="34">${escapeXml(`y: ${shortName(py)}`)}</text>`,
  ];
  ys.forEach((y, j) => {
    parts.push(
      `<text class="tick" x="${left - 8}" y="${top + j * CELL.h + CELL.h / 2}" text-anchor="end" dominant-baseline="middle">${y}</text>`,
    );
    xs.forEach((x, i) => {
      const v = values[j]![i]!;
      const cx = left + i * CELL.w;
      const cy = top + j * CELL.h;
      parts.push(
        `<rect class="cell" x="${cx}" y="${cy}" width="${CELL.w - 2}" height="${CELL.h - 2}" fill="${cellColor(v, max)}"><title>${escapeXml(`${px}=${x}, ${py}=${y}: ${Number.isFinite(v) ? v.toFixed(2) : 'n/a'}`)}</title></rect>`,
        `<text class="tick" x="${cx + CELL.w / 2}" y="${cy + CELL.h / 2}" text-anchor="middle" dominant-baseline="middle">${Number.isFinite(v) ? v.toFixed(2) : 'n/a'}</text>`,
      );
    });
  });
  for (const [i, x] of xs.entries())
    parts.push(
      `<text class="tick" x="${left + i * CELL.w + CELL.w / 2}" y="${top + ys.length * CELL.h + 16}" text-anchor="middle">${x}</text>`,
    );
  parts.push('</svg>');
  return parts.join('\n');
}

function equityChart(a: SweepAnalysis): string {
  const firstTest = a.windows[0]!.testStart;
  const times = a.days.map((d) => (d + 1) * DAY_MS - KST_OFFSET_MS);
  const series: ChartSeries[] = [];
  a.ranking.slice(0, TOP_CURVES).forEach((index, k) => {
    const r = a.candidates.find((c) => c.record.index === index)!.record;
    const pct = r.equity.map((e) => (e / r.initialEquity - 1) * 100);
    const color = COLORS[k % COLORS.length]!;
    // The out-of-sample part starts at the last in-sample point so the curve stays connected.
    const cut = Math.max(0, firstTest - 1);
    series.push(
      {
        name: `#${index} IS`,
        color,
        times: times.slice(0, firstTest),
        values: pct.slice(0, firstTest),
      },
      { name: `#${index} OOS`, color, times: times.slice(cut), values: pct.slice(cut) },
    );
  });
  const svg = lineChart(series, {
    id: 'equity',
    title: 'Return since start (%)',
    unit: '%',
  });
  return svg.replace(/(data-series="[^"]*IS"[^>]*?stroke-width="1.5")/g, '$1 stroke-dasharray="6 4"');
}

export function sweepHtmlReport(a: SweepAnalysis, grid: GridSpec, header: string): string {
  const varied = grid.parameters.filter((p) => p.values.length > 1);
  const maps: string[] = [];
  for (let i = 0; i < varied.length; i++)
    for (let j = i + 1; j < varied.length; j++) {
      const px = varied[i]!;
      const py = varied[j]!;
      maps.push(
        heatMap(
          a,
          px.path,
          py.path,
          [...px.values].sort((x, y) => x - y),
          [...py.values].sort((x, y) => x - y),
        ),
      );
    }
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(header)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #111827; background: #fff; }
h1 { font-size: 18px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 24px 0 8px; }
svg { display: block; max-width: 100%; height: auto; margin: 8px 0; }
svg.chart { border: 1px solid #e5e7eb; }
svg .title { font-weight: 600; font-size: 13px; } svg .tick, svg .legend { font-size: 11px; fill: #374151; }
svg .grid { stroke: #f3f4f6; } svg .zero { stroke: #9ca3af; stroke-dasharray: 4 3; }
.maps { display: flex; flex-wrap: wrap; gap: 16px; }
pre { background: #f9fafb; padding: 8px; overflow-x: auto; font-size: 12px; }
</style>
</head>
<body>
<h1>${escapeXml(header)}</h1>
<h2>Out-of-sample score per pair of parameters</h2>
<p>Each cell: the best mean out-of-sample Sharpe over the candidates with that pair of values (green above 0, red below).</p>
<div class="maps">
${maps.join('\n') || '<p>one parameter varies: see the table below</p>'}
</div>
<h2>Top ${Math.min(TOP_CURVES, a.ranking.length)} candidates: equity, in-sample vs out-of-sample</h2>
<p>Dashed: in-sample only (the first train window); solid: days that are out of sample in a walk-forward window.</p>
${equityChart(a)}
<h2>Report</h2>
<pre>${escapeXml(sweepTextReport(a, grid, header))}</pre>
</body>
</html>
`;
}
