// Aggregating Binance's 5m candles must reproduce its own 15m and 1h files where they overlap
// (../shared/data/README.md), for all four markets. The 5m files (~120k rows) are streamed line by
// line through the same CandleAggregator the TimeframeBook uses.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Candle } from '../types.ts';
import { aggregateSeries, CandleAggregator } from './aggregate.ts';
import { parseCandleFile } from './candle-formats.ts';
import { type CandleFields, seriesFromCandles } from './series.ts';
import { TIMEFRAME_MS } from './timeframes.ts';
import { validateCandles } from './validate.ts';

const DATA = fileURLToPath(new URL('../../../../shared/data/binance/', import.meta.url));

async function* streamCcxtCsv(path: string): AsyncGenerator<CandleFields> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  let header = true;
  for await (const line of lines) {
    if (header) {
      header = false;
      continue;
    }
    const [t, o, h, l, c, v] = line.split(',').map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    yield { openTime: t, open: o, high: h, low: l, close: c, volume: v, quoteVolume: c * v };
  }
}

async function byOpenTime(file: string, intervalMs: number): Promise<Map<number, CandleFields>> {
  const parsed = parseCandleFile(await readFile(`${DATA}${file}`, 'utf8'), file);
  const series = validateCandles([parsed.candles], intervalMs).columns;
  const byTime = new Map<number, CandleFields>();
  for (let i = 0; i < series.length; i++) {
    byTime.set(series.openTime[i]!, {
      openTime: series.openTime[i]!,
      open: series.open[i]!,
      high: series.high[i]!,
      low: series.low[i]!,
      close: series.close[i]!,
      volume: series.volume[i]!,
      quoteVolume: series.quoteVolume[i]!,
    });
  }
  return byTime;
}

/** Volumes are sums of 8-decimal numbers: equal after rounding away the float noise of the sum. */
function sameVolume(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
}

describe.each(['BTC', 'ETH', 'XRP', 'SOL'])('aggregating %s_USDT 5m candles', (base) => {
  it('reproduces the 15m and 1h files exactly where they overlap', async () => {
    const expected15m = await byOpenTime(`${base}_USDT-15m.csv`, TIMEFRAME_MS['15m']);
    const expected1h = await byOpenTime(`${base}_USDT-1h.csv`, TIMEFRAME_MS['1h']);
    const aggregators = [
      { agg: new CandleAggregator(`USDT-${base}`, '15m'), expected: expected15m, compared: 0 },
      { agg: new CandleAggregator(`USDT-${base}`, '1h'), expected: expected1h, compared: 0 },
    ];
    const mismatches: string[] = [];
    const check = (c: Candle, expected: Map<number, CandleFields>): boolean => {
      const e = expected.get(c.openTime);
      if (!e) return false;
      const same =
        c.open === e.open &&
        c.high === e.high &&
        c.low === e.low &&
        c.close === e.close &&
        sameVolume(c.volume, e.volume);
      if (!same && mismatches.length < 5)
        mismatches.push(`${c.timeframe} ${new Date(c.openTime).toISOString()}`);
      return true;
    };
    for await (const candle of streamCcxtCsv(`${DATA}${base}_USDT-5m.csv`)) {
      for (const a of aggregators)
        for (const closed of a.agg.push(candle)) if (check(closed, a.expected)) a.compared++;
    }
    expect(mismatches).toEqual([]);
    // The 15m file (2025-01-01 .. 2026-02-11) lies inside the 5m range: every one of its candles is compared.
    expect(aggregators[0]!.compared).toBe(expected15m.size);
    // The 1h file starts months earlier; the overlap is the 5m file's span (~119.8k / 12 hours).
    expect(aggregators[1]!.compared).toBeGreaterThan(9_900);
  });
});

describe('aggregateSeries (batch) and CandleAggregator (streaming)', () => {
  const fiveMinutes = seriesFromCandles(
    'KRW-BTC',
    '5m',
    [0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13].map((k) => ({
      openTime: Date.UTC(2025, 0, 1, 0, 0) + k * TIMEFRAME_MS['5m'],
      open: 100 + k,
      high: 110 + k,
      low: 90 + k,
      close: 101 + k,
      volume: 1 + k,
      quoteVolume: 100 * (1 + k),
    })),
  );

  it('builds a bucket from the candles that exist when one is missing, and drops an unfinished tail', () => {
    const quarter = aggregateSeries(fiveMinutes, '15m');
    // Buckets: [0,1,2] [3,(4 missing),5] [6,7,8] [9,10,11] [12,13 -> unfinished, dropped]
    expect(Array.from(quarter.open)).toEqual([100, 103, 106, 109]);
    expect(Array.from(quarter.close)).toEqual([103, 106, 109, 112]);
    expect(Array.from(quarter.volume)).toEqual([1 + 2 + 3, 4 + 6, 7 + 8 + 9, 10 + 11 + 12]);
    expect(quarter.high[1]).toBe(115);
    expect(quarter.low[1]).toBe(93);
  });

  it('gives the same candles streaming as in batch', () => {
    const agg = new CandleAggregator('KRW-BTC', '15m');
    const streamed: Candle[] = [];
    for (let i = 0; i < fiveMinutes.length; i++) {
      streamed.push(
        ...agg.push({
          openTime: fiveMinutes.openTime[i]!,
          open: fiveMinutes.open[i]!,
          high: fiveMinutes.high[i]!,
          low: fiveMinutes.low[i]!,
          close: fiveMinutes.close[i]!,
          volume: fiveMinutes.volume[i]!,
          quoteVolume: fiveMinutes.quoteVolume[i]!,
        }),
      );
    }
    const batch = aggregateSeries(fiveMinutes, '15m');
    expect(streamed.map((c) => c.openTime)).toEqual(Array.from(batch.openTime));
    expect(streamed.map((c) => c.volume)).toEqual(Array.from(batch.volume));
    expect(agg.pending?.openTime).toBe(Date.UTC(2025, 0, 1, 1, 0));
  });

  it('starts day candles at 00:00 UTC (09:00 KST, as Upbit does)', () => {
    const agg = new CandleAggregator('KRW-BTC', '1d');
    const lateUtc = Date.UTC(2025, 0, 1, 23, 55);
    const closed = agg.push({
      openTime: lateUtc,
      open: 1,
      high: 1,
      low: 1,
      close: 1,
      volume: 1,
      quoteVolume: 1,
    });
    expect(closed).toHaveLength(1);
    expect(closed[0]!.openTime).toBe(Date.UTC(2025, 0, 1));
    expect(closed[0]!.timeframe).toBe('1d');
    expect(closed[0]!.market).toBe('KRW-BTC');
  });
});
