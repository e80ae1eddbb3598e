// `--html FILE`: a self-contained report (inline SVG + CSS, no CDN, no network) with equity curves
// per arm, drawdown, trade markers, the success criteria and the A/B comparison. A small inline
// script checks that the charts rendered and writes the result into #render-check (the headless
// Chromium test reads it with --dump-dom).
import type { BacktestResult } from '../loop/backtest.ts';
import { criterionDigits, evaluateCriteria, formatValue } from './criteria.ts';
import { type ChartMarker, type ChartSeries, escapeXml, lineChart } from './svg-chart.ts';
import { abComparison } from './text-report.ts';

const COLORS = ['#2563eb', '#d97706', '#059669', '#db2777', '#7c3aed', '#0891b2'];
/** Markers drawn per arm; more would hide the curve (the JSON keeps every trade). */
const MAX_MARKERS = 2_000;

function pctCurve(equity: Float64Array, initial: number): Float64Array {
  const out = new Float64Array(equity.length);
  for (let i = 0; i < equity.length; i++) out[i] = (equity[i]! / initial - 1) * 100;
  return out;
}

function drawdownCurve(equity: Float64Array): Float64Array {
  const out = new Float64Array(equity.length);
  let peak = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < equity.length; i++) {
    if (equity[i]! > peak) peak = equity[i]!;
    out[i] = (equity[i]! / peak - 1) * 100;
  }
  return out;
}

function indexAtOrBefore(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (times[mid]! <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function htmlReport(result: BacktestResult): string {
  const times = result.times;
  const equitySeries: ChartSeries[] = [];
  const ddSeries: ChartSeries[] = [];
  const markers: ChartMarker[] = [];
  let markersDropped = 0;
  result.arms.forEach((arm, i) => {
    const color = COLORS[i % COLORS.length]!;
    const pct = pctCurve(arm.equity, arm.metrics.initialEquity);
    equitySeries.push({ name: arm.name, color, times, values: pct });
    ddSeries.push({ name: arm.name, color, times, values: drawdownCurve(arm.equity) });
    const stride = Math.max(1, Math.ceil(arm.marks.length / MAX_MARKERS));
    markersDropped += arm.marks.length - Math.ceil(arm.marks.length / stride);
    for (let k = 0; k < arm.marks.length && times.length > 0; k += stride) {
      const m = arm.marks[k]!;
      const at = indexAtOrBefore(times, m.time);
      markers.push({
        time: m.time,
        value: pct[at]!,
        color: m.side === 'buy' ? '#16a34a' : '#dc2626',
        stroke: color,
        kind: m.side,
        title: `${arm.name} ${m.side.toUpperCase()} ${m.market} @ ${m.price} (confidence ${m.confidence.toFixed(2)}) ${new Date(m.time).toISOString()}`,
      });
    }
  });
  const criteriaRows = result.arms
    .map((a) => {
      const cells = evaluateCriteria(a.metrics)
        .map(
          (c) =>
            `<td class="${c.pass ? 'pass' : 'fail'}">${escapeXml(formatValue(c.value, c.unit, c.id.endsWith('Return'), criterionDigits(c.id, c.unit)))} ${c.pass ? '✓' : '✗'}</td>`,
        )
        .join('');
      return `<tr><th>${escapeXml(a.name)}</th>${cells}</tr>`;
    })
    .join('\n');
  const criteriaHead = result.arms[0]
    ? evaluateCriteria(result.arms[0].metrics)
        .map(
          (c) =>
            `<th>${escapeXml(`${c.label} ${c.op === '==' ? '=' : c.op} ${formatValue(c.threshold, c.unit)}`)}</th>`,
        )
        .join('')
    : '';
  const iso = (t: number): string => new Date(t).toISOString().slice(0, 16).replace('T', ' ');
  const title = `kubetrade backtest — ${result.bot}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #111827; background: #fff; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 24px 0 8px; }
.meta { color: #4b5563; }
table { border-collapse: collapse; margin: 8px 0; } th, td { padding: 4px 10px; border-bottom: 1px solid #e5e7eb; text-align: right; }
th:first-child { text-align: left; } td.pass { color: #15803d; } td.fail { color: #b91c1c; }
svg.chart { display: block; max-width: 100%; height: auto; border: 1px solid #e5e7eb; margin: 8px 0; }
svg .title { font-weight: 600; font-size: 13px; } svg .tick, svg .legend { font-size: 11px; fill: #374151; }
svg .grid { stroke: #f3f4f6; } svg .zero { stroke: #9ca3af; stroke-dasharray: 4 3; }
pre { background: #f9fafb; padding: 8px; overflow-x: auto; }
#render-check { color: #6b7280; font-size: 12px; }
</style>
</head>
<body>
<h1>${escapeXml(title)}</h1>
<p class="meta">revision ${escapeXml(result.revision)} · ${escapeXml(result.markets.join(', '))} (${escapeXml(result.quoteCurrency)}) · ${iso(result.from)} → ${iso(result.to)} UTC · ${result.steps} decisions</p>
<h2>Equity per arm</h2>
${lineChart(equitySeries, { id: 'equity', title: 'Return since start (%), ▲ buy ▼ sell', unit: '%', markers })}
${markersDropped > 0 ? `<p class="meta">${markersDropped} trade markers thinned out for readability; the JSON report lists every trade.</p>` : ''}
<h2>Drawdown</h2>
${lineChart(ddSeries, { id: 'drawdown', title: 'Drawdown from running peak (%)', unit: '%', fillToZero: true })}
<h2>SPEC success criteria (reported, never promised)</h2>
<table><thead><tr><th>arm</th>${criteriaHead}</tr></thead><tbody>
${criteriaRows}
</tbody></table>
<h2>A/B comparison</h2>
<pre>${escapeXml(abComparison(result))}</pre>
<p id="render-check" data-ok="pending">render check pending</p>
<script>
(() => {
  const errors = [];
  window.addEventListener('error', (e) => errors.push(String(e.message)));
  const consoleError = console.error.bind(console);
  console.error = (...args) => {
    errors.push(args.map(String).join(' '));
    consoleError(...args);
  };
  const check = () => {
    const charts = Array.from(document.querySelectorAll('svg.chart'));
    const drawn = charts.filter((svg) => {
      const paths = Array.from(svg.querySelectorAll('path.series'));
      const box = svg.getBoundingClientRect();
      return box.width > 0 && box.height > 0 && paths.length > 0 && paths.every((p) => p.getTotalLength() > 0);
    });
    const el = document.getElementById('render-check');
    const ok = charts.length === 2 && drawn.length === charts.length && errors.length === 0;
    el.dataset.ok = String(ok);
    el.dataset.charts = String(drawn.length);
    el.dataset.markers = String(document.querySelectorAll('svg.chart .marker').length);
    el.dataset.errors = errors.join(' | ');
    el.textContent = ok ? 'charts rendered: ' + drawn.length : 'render check failed: ' + errors.join(' | ');
  };
  if (document.readyState === 'complete') check();
  else window.addEventListener('load', check);
})();
</script>
</body>
</html>
`;
}
