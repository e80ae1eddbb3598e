import { describe, expect, it } from 'vitest';
import type { Candle, Timeframe } from '../types.ts';
import { aggregateSeries } from './aggregate.ts';
import { MarketDataError } from './data-issue.ts';
import { Prng } from './prng.ts';
import { type CandleSeries, candleAt, sliceSeries } from './series.ts';
import { SyntheticMarket } from './synthetic-market.ts';
import { type HigherTimeframe, TimeframeBook } from './timeframe-book.ts';
import { TIMEFRAME_MS, TIMEFRAMES } from './timeframes.ts';

const MARKET = 'KRW-ETH';
const DAY = TIMEFRAME_MS['1d'];

async function fiveMinuteSeries(days: number): Promise<CandleSeries> {
  const market = new SyntheticMarket({ seed: 7, markets: [MARKET], defaultDays: days });
  return (await market.load()).get(MARKET)!['5m']!;
}

/** Copies `series`, scrambling every candle for which `touched(openTime)` holds. */
function perturbed(
  series: CandleSeries,
  touched: (openTime: number, timeframe: Timeframe) => boolean,
): CandleSeries {
  const rng = new Prng(99, 'perturb');
  const copy = (a: Float64Array) => Float64Array.from(a);
  const out = {
    ...series,
    open: copy(series.open),
    high: copy(series.high),
    low: copy(series.low),
    close: copy(series.close),
    volume: copy(series.volume),
  };
  for (let i = 0; i < series.length; i++) {
    if (!touched(series.openTime[i]!, series.timeframe)) continue;
    const f = 0.5 + rng.next();
    out.open[i]! *= f;
    out.close[i]! *= 2 - f;
    out.high[i] = Math.max(out.open[i]!, out.close[i]!) * 1.01;
    out.low[i] = Math.min(out.open[i]!, out.close[i]!) * 0.99;
    out.volume[i]! *= 3;
  }
  return out;
}

/** Everything the strategy can see after each push: the closed candles and each window's newest. */
function replay(book: TimeframeBook, fiveMinutes: CandleSeries): { time: number; seen: string }[] {
  const views: { time: number; seen: string }[] = [];
  for (let i = 0; i < fiveMinutes.length; i++) {
    const closed = book.push(candleAt(fiveMinutes, i));
    for (const c of closed) expect(c.openTime + TIMEFRAME_MS[c.timeframe]).toBeLessThanOrEqual(book.time);
    const latest = TIMEFRAMES.map((tf) => book.latest(tf));
    views.push({ time: book.time, seen: JSON.stringify({ closed, latest }) });
  }
  return views;
}

function higherFrom(fiveMinutes: CandleSeries): Record<HigherTimeframe, CandleSeries> {
  return {
    '15m': aggregateSeries(fiveMinutes, '15m'),
    '1h': aggregateSeries(fiveMinutes, '1h'),
    '1d': aggregateSeries(fiveMinutes, '1d'),
  };
}

describe('TimeframeBook: no look-ahead', () => {
  it('changing candles after t never changes what is visible at or before t (aggregated from 5m)', async () => {
    const original = await fiveMinuteSeries(4);
    // t is mid-hour and mid-day, so the 1h and 1d candles around it are still open at t.
    const t = original.openTime[0]! + 2 * DAY + 7 * TIMEFRAME_MS['1h'] + 35 * 60_000;
    const changed = perturbed(original, (openTime) => openTime >= t);
    const a = replay(new TimeframeBook(MARKET), original);
    const b = replay(new TimeframeBook(MARKET), changed);
    const before = a.filter((v) => v.time <= t).length;
    expect(before).toBeGreaterThan(500);
    expect(b.slice(0, before)).toEqual(a.slice(0, before));
    // The perturbation is real: the first view after t differs.
    expect(b[before]).not.toEqual(a[before]);
  });

  it('holds back the source own higher-timeframe candles until they close', async () => {
    const original = await fiveMinuteSeries(4);
    const t = original.openTime[0]! + 2 * DAY + 7 * TIMEFRAME_MS['1h'] + 35 * 60_000;
    // A higher candle that closes after t carries information from after t: scramble those too.
    const after = (openTime: number, tf: Timeframe) => openTime + TIMEFRAME_MS[tf] > t;
    const sourceA = higherFrom(original);
    const sourceB = {
      '15m': perturbed(sourceA['15m'], after),
      '1h': perturbed(sourceA['1h'], after),
      '1d': perturbed(sourceA['1d'], after),
    };
    const a = replay(new TimeframeBook(MARKET, { sourceSeries: sourceA }), original);
    const b = replay(
      new TimeframeBook(MARKET, { sourceSeries: sourceB }),
      perturbed(original, (o) => o >= t),
    );
    const before = a.filter((v) => v.time <= t).length;
    expect(b.slice(0, before)).toEqual(a.slice(0, before));
    expect(b[before]).not.toEqual(a[before]);
  });
});

describe('TimeframeBook: what it exposes', () => {
  it('returns each higher candle exactly once, when its last 5m candle closes', async () => {
    const fiveMinutes = await fiveMinuteSeries(3);
    const book = new TimeframeBook(MARKET);
    const counts: Record<string, number> = { '15m': 0, '1h': 0, '1d': 0 };
    for (let i = 0; i < fiveMinutes.length; i++) {
      for (const c of book.push(candleAt(fiveMinutes, i))) {
        counts[c.timeframe]!++;
        expect(c.openTime + TIMEFRAME_MS[c.timeframe]).toBe(book.time);
      }
    }
    expect(counts).toEqual({ '15m': 3 * 96, '1h': 3 * 24, '1d': 3 });
    expect(book.window('1h').length).toBe(72);
    expect(book.window('5m').length).toBe(3 * 288);
  });

  it('keeps the SPEC history windows (5m: 2,016 candles) and reports completeness', async () => {
    const fiveMinutes = await fiveMinuteSeries(8);
    const book = new TimeframeBook(MARKET);
    for (let i = 0; i < fiveMinutes.length; i++) book.push(candleAt(fiveMinutes, i));
    const window = book.window('5m');
    expect(window.capacity).toBe(2_016);
    expect(window.length).toBe(2_016);
    expect(window.complete).toBe(true);
    expect(window.latest()?.openTime).toBe(fiveMinutes.openTime[fiveMinutes.length - 1]);
    expect(window.at(0)?.openTime).toBe(fiveMinutes.openTime[fiveMinutes.length - 2_016]);
    expect(book.window('1h').complete).toBe(false); // 192 of 2,160 hours: still collecting
  });

  it('releases a longer source history at once (warm-up) and aggregates after the source ends', async () => {
    const fiveMinutes = await fiveMinuteSeries(3);
    const hours = aggregateSeries(fiveMinutes, '1h');
    const start = fiveMinutes.openTime[0]! + DAY;
    const book = new TimeframeBook(MARKET, {
      sourceSeries: { '1h': sliceSeries(hours, { to: start + DAY }) },
    });
    const tail = sliceSeries(fiveMinutes, { from: start });
    const first = book.push(candleAt(tail, 0)).filter((c) => c.timeframe === '1h');
    expect(first).toHaveLength(24); // the whole first day of source hours, all closed before the first 5m candle
    const emitted: Candle[] = [...first];
    for (let i = 1; i < tail.length; i++)
      emitted.push(...book.push(candleAt(tail, i)).filter((c) => c.timeframe === '1h'));
    expect(emitted.map((c) => c.openTime)).toEqual(Array.from(hours.openTime));
    expect(emitted.map((c) => c.close)).toEqual(Array.from(hours.close));
  });

  it('closes an hour whose last quarter is missing with the first 5m candle after it', async () => {
    const fiveMinutes = await fiveMinuteSeries(1);
    const book = new TimeframeBook(MARKET);
    const hourMs = TIMEFRAME_MS['1h'];
    const start = fiveMinutes.openTime[0]!;
    const hours: { openTime: number; at: number }[] = [];
    for (let i = 0; i < fiveMinutes.length; i++) {
      const c = candleAt(fiveMinutes, i);
      const minute = (c.openTime - start) % hourMs;
      if (c.openTime < start + hourMs && minute >= 45 * 60_000) continue; // 00:45-00:59 missing
      for (const h of book.push(c))
        if (h.timeframe === '1h') hours.push({ openTime: h.openTime, at: book.time });
    }
    expect(hours[0]).toEqual({ openTime: start, at: start + hourMs + TIMEFRAME_MS['5m'] });
    expect(hours[1]).toEqual({ openTime: start + hourMs, at: start + 2 * hourMs });
    expect(hours).toHaveLength(24);
  });

  it('never shows a higher candle whose bucket began before the first 5m candle', async () => {
    const fiveMinutes = await fiveMinuteSeries(2);
    const start = fiveMinutes.openTime[0]!;
    const midDay = sliceSeries(fiveMinutes, { from: start + 10 * TIMEFRAME_MS['1h'] + 20 * 60_000 });
    const book = new TimeframeBook(MARKET);
    const firstOf: Record<string, number> = {};
    for (let i = 0; i < midDay.length; i++) {
      for (const c of book.push(candleAt(midDay, i))) firstOf[c.timeframe] ??= c.openTime;
    }
    expect(firstOf).toEqual({
      '15m': start + 10 * TIMEFRAME_MS['1h'] + 30 * 60_000,
      '1h': start + 11 * TIMEFRAME_MS['1h'],
      '1d': start + DAY,
    });
    const batch = aggregateSeries(midDay, '1h');
    expect(batch.openTime[0]).toBe(start + 11 * TIMEFRAME_MS['1h']);
  });

  it('refuses a 5m candle that is not newer than the last one', async () => {
    const fiveMinutes = await fiveMinuteSeries(1);
    const book = new TimeframeBook(MARKET);
    book.push(candleAt(fiveMinutes, 1));
    expect(() => book.push(candleAt(fiveMinutes, 0))).toThrow(MarketDataError);
    expect(() => book.push({ ...candleAt(fiveMinutes, 2), timeframe: '1h' })).toThrow(/takes 5m candles/);
  });
});
