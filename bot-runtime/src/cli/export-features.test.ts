import { PassThrough } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES } from '../engines/features.ts';
import { seedConfig } from '../engines/seed-config.fixture.ts';
import { type CandleFields, seriesFromCandles } from '../market/series.ts';
import type { MarketSource } from '../market/source.ts';
import { TIMEFRAME_MS } from '../market/timeframes.ts';
import { exportFeatures, LABEL_HORIZON, LABEL_NAME, labelOf, parseExportArgs } from './export-features.ts';

const START = Date.UTC(2025, 0, 1);
const FEE = 0.05;

function candles(n: number, skip?: number): CandleFields[] {
  const out: CandleFields[] = [];
  let price = 100;
  for (let i = 0; i < n; i++) {
    if (i === skip) continue;
    const open = price;
    // Deterministic wiggle with drift changes, so both labels occur.
    price *= 1 + 0.004 * Math.sin(i / 7) + 0.002 * Math.cos(i / 3);
    out.push({
      openTime: START + i * TIMEFRAME_MS['5m'],
      open,
      high: Math.max(open, price) * 1.001,
      low: Math.min(open, price) * 0.999,
      close: price,
      volume: 10 + (i % 13),
      quoteVolume: price * (10 + (i % 13)),
    });
  }
  return out;
}

function source(rows: CandleFields[]): MarketSource {
  return {
    markets: ['KRW-BTC'],
    load: async () => new Map([['KRW-BTC', { '5m': seriesFromCandles('KRW-BTC', '5m', rows) }]]),
  };
}

async function run(rows: CandleFields[]) {
  const out = new PassThrough();
  const csv = text(out);
  const summary = await exportFeatures({
    source: source(rows),
    engine: seedConfig().engine,
    feePct: FEE,
    out,
  });
  out.end();
  const lines = (await csv).trim().split('\n');
  return { summary, header: lines[0]!.split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

describe('labelOf (THE label)', () => {
  it.each([
    [100, 100.1, 0], // exactly 2 x 0.05 % up: not above the round-trip fees
    [100, 100.1001, 1],
    [100, 99, 0],
  ])('close %f -> %f is %i', (now, ahead, label) => expect(labelOf(now, ahead, FEE)).toBe(label));
});

describe('exportFeatures', () => {
  it('writes market,openTime,<FEATURE_NAMES>,label rows for every warm, labelled candle', async () => {
    const data = candles(1200);
    const { summary, header, rows } = await run(data);
    expect(header).toEqual(['market', 'openTime', ...FEATURE_NAMES, LABEL_NAME]);
    expect(rows.length).toBe(summary.rows);
    expect(summary.rows + summary.dropped).toBe(data.length);
    expect(rows.length).toBeGreaterThan(100);
    const byTime = new Map(data.map((c, i) => [c.openTime, i]));
    const labels = new Set<string>();
    for (const r of rows) {
      expect(r).toHaveLength(header.length);
      for (const v of r.slice(2, -1)) expect(Number.isFinite(Number(v))).toBe(true);
      const i = byTime.get(Number(r[1]))!;
      expect(Number(r.at(-1))).toBe(labelOf(data[i]!.close, data[i + LABEL_HORIZON]!.close, FEE));
      labels.add(r.at(-1)!);
    }
    expect(labels).toEqual(new Set(['0', '1']));
    // The last LABEL_HORIZON candles have no future close: dropped.
    expect(Number(rows.at(-1)![1])).toBe(data.at(-1 - LABEL_HORIZON)!.openTime);
  });

  it('drops rows whose label horizon crosses a gap in the 5m series', async () => {
    const gap = 1000;
    const { rows } = await run(candles(1200, gap));
    const times = new Set(rows.map((r) => Number(r[1])));
    for (let i = gap - LABEL_HORIZON; i < gap; i++)
      expect(times.has(START + i * TIMEFRAME_MS['5m'])).toBe(false);
    expect(times.has(START + (gap - LABEL_HORIZON - 1) * TIMEFRAME_MS['5m'])).toBe(true);
  });
});

describe('parseExportArgs', () => {
  it('reads --data, --out and a date range', () => {
    expect(parseExportArgs(['--data', 'd', '--out', 'o.csv', '--from', '2025-01-01'])).toEqual({
      data: 'd',
      out: 'o.csv',
      range: { from: Date.UTC(2025, 0, 1) },
    });
  });

  it('names the missing flag and a bad date', () => {
    expect(() => parseExportArgs(['--data', 'd'])).toThrow(/--out/);
    expect(() => parseExportArgs(['--data', 'd', '--out', 'o', '--to', 'soon'])).toThrow(/--to soon/);
  });
});
