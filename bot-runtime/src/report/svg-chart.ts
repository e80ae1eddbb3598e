// Inline SVG line charts for the self-contained HTML report (no CDN, no network, no script needed
// to draw): time on x, a value on y, several series, optional point markers.

export interface ChartSeries {
  name: string;
  color: string;
  times: ArrayLike<number>;
  values: ArrayLike<number>;
}

export interface ChartMarker {
  time: number;
  value: number;
  color: string;
  /** Outline: the arm's color, so markers of overlaid arms stay apart. */
  stroke: string;
  kind: 'buy' | 'sell';
  title: string;
}

export interface ChartOptions {
  id: string;
  title: string;
  unit: string;
  width?: number;
  height?: number;
  /** Most points drawn per series; longer series keep each bucket's min and max. */
  maxPoints?: number;
  markers?: readonly ChartMarker[];
  /** Draws the area between the series and zero (drawdown). */
  fillToZero?: boolean;
}

const PAD = { left: 64, right: 16, top: 28, bottom: 36 };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Indices to draw: all of them when short, else the min and max of each of maxPoints/2 buckets. */
export function downsample(values: ArrayLike<number>, maxPoints: number): number[] {
  const n = values.length;
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  const out: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor((b * n) / buckets);
    const end = Math.floor(((b + 1) * n) / buckets);
    let lo = start;
    let hi = start;
    for (let i = start; i < end; i++) {
      if (values[i]! < values[lo]!) lo = i;
      if (values[i]! > values[hi]!) hi = i;
    }
    if (lo === hi) out.push(lo);
    else out.push(Math.min(lo, hi), Math.max(lo, hi));
  }
  if (out[out.length - 1] !== n - 1) out.push(n - 1);
  return out;
}

function niceTicks(min: number, max: number, count: number): number[] {
  const span = max - min || Math.abs(max) || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((k) => k * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step)
    ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

export function lineChart(series: readonly ChartSeries[], o: ChartOptions): string {
  const width = o.width ?? 960;
  const height = o.height ?? 320;
  const maxPoints = o.maxPoints ?? 1600;
  let tMin = Number.POSITIVE_INFINITY;
  let tMax = Number.NEGATIVE_INFINITY;
  let vMin = o.fillToZero ? 0 : Number.POSITIVE_INFINITY;
  let vMax = o.fillToZero ? 0 : Number.NEGATIVE_INFINITY;
  for (const s of series) {
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i]!;
      if (!Number.isFinite(v)) continue;
      if (v < vMin) vMin = v;
      if (v > vMax) vMax = v;
    }
    if (s.times.length > 0) {
      tMin = Math.min(tMin, s.times[0]!);
      tMax = Math.max(tMax, s.times[s.times.length - 1]!);
    }
  }
  if (!Number.isFinite(tMin)) return `<p class="empty">${escapeXml(o.title)}: no data</p>`;
  if (vMin === vMax) {
    vMin -= 1;
    vMax += 1;
  }
  const yTicks = niceTicks(vMin, vMax, 5);
  vMin = Math.min(vMin, yTicks[0]!);
  vMax = Math.max(vMax, yTicks[yTicks.length - 1]!);
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const x = (t: number): number => PAD.left + ((t - tMin) / (tMax - tMin || 1)) * plotW;
  const y = (v: number): number => PAD.top + (1 - (v - vMin) / (vMax - vMin)) * plotH;
  const parts: string[] = [];
  parts.push(
    `<svg class="chart" id="${escapeXml(o.id)}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(o.title)}">`,
    `<text x="${PAD.left}" y="18" class="title">${escapeXml(o.title)}</text>`,
  );
  for (const v of yTicks) {
    const yy = y(v).toFixed(1);
    parts.push(
      `<line class="grid" x1="${PAD.left}" x2="${width - PAD.right}" y1="${yy}" y2="${yy}"/>`,
      `<text class="tick" x="${PAD.left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle">${escapeXml(`${v}${o.unit}`)}</text>`,
    );
  }
  const days = (tMax - tMin) / 86_400_000;
  for (let k = 0; k <= 6; k++) {
    const t = tMin + ((tMax - tMin) * k) / 6;
    const label = new Date(t)
      .toISOString()
      .slice(0, days > 3 ? 10 : 16)
      .replace('T', ' ');
    const anchor = k === 0 ? 'start' : k === 6 ? 'end' : 'middle';
    parts.push(
      `<text class="tick" x="${x(t).toFixed(1)}" y="${height - 12}" text-anchor="${anchor}">${label}</text>`,
    );
  }
  if (vMin < 0 && vMax > 0) {
    const y0 = y(0).toFixed(1);
    parts.push(`<line class="zero" x1="${PAD.left}" x2="${width - PAD.right}" y1="${y0}" y2="${y0}"/>`);
  }
  for (const s of series) {
    const idx = downsample(s.values, maxPoints);
    let d = '';
    for (const i of idx)
      d += `${d === '' ? 'M' : 'L'}${x(s.times[i]!).toFixed(1)},${y(s.values[i]!).toFixed(1)}`;
    if (o.fillToZero && idx.length > 0) {
      const area = `${d}L${x(s.times[idx[idx.length - 1]!]!).toFixed(1)},${y(0).toFixed(1)}L${x(s.times[idx[0]!]!).toFixed(1)},${y(0).toFixed(1)}Z`;
      parts.push(`<path class="area" d="${area}" fill="${s.color}" fill-opacity="0.15" stroke="none"/>`);
    }
    parts.push(
      `<path class="series" data-series="${escapeXml(s.name)}" d="${d}" fill="none" stroke="${s.color}" stroke-width="1.5"/>`,
    );
  }
  for (const m of o.markers ?? []) {
    const cx = x(m.time);
    const cy = y(m.value);
    const pts =
      m.kind === 'buy'
        ? `${cx.toFixed(1)},${(cy - 5).toFixed(1)} ${(cx - 4).toFixed(1)},${(cy + 3).toFixed(1)} ${(cx + 4).toFixed(1)},${(cy + 3).toFixed(1)}`
        : `${cx.toFixed(1)},${(cy + 5).toFixed(1)} ${(cx - 4).toFixed(1)},${(cy - 3).toFixed(1)} ${(cx + 4).toFixed(1)},${(cy - 3).toFixed(1)}`;
    parts.push(
      `<polygon class="marker ${m.kind}" points="${pts}" fill="${m.color}" stroke="${m.stroke}" stroke-width="1"><title>${escapeXml(m.title)}</title></polygon>`,
    );
  }
  // Legend in the title row, right-aligned, so it never covers the curves.
  series.forEach((s, i) => {
    const lx = width - PAD.right - (series.length - i) * 110;
    const ly = 9;
    parts.push(
      `<rect x="${lx}" y="${ly}" width="10" height="10" fill="${s.color}"/>`,
      `<text class="legend" x="${lx + 14}" y="${ly + 9}">${escapeXml(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}
