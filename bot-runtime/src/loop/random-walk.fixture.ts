// Test candles: a seeded random walk with trending and ranging regimes (mulberry32), so loop and
// report tests run without files and without waiting for the synthetic market of market/.
import { FEATURE_NAMES } from '../engines/features.ts';
import { aggregateSeries } from '../market/aggregate.ts';
import { type CandleSeries, CandleSeriesBuilder } from '../market/series.ts';
import type { MarketData } from '../market/source.ts';

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomWalk5m(
  market: string,
  start: number,
  count: number,
  price: number,
  seed: number,
): CandleSeries {
  const rnd = mulberry32(seed);
  const b = new CandleSeriesBuilder(market, '5m', count);
  let p = price;
  let drift = 0;
  for (let i = 0; i < count; i++) {
    if (i % 288 === 0) drift = (rnd() - 0.5) * 0.0008; // a new regime each day
    const open = p;
    const close = open * (1 + drift + (rnd() - 0.5) * 0.006);
    const high = Math.max(open, close) * (1 + rnd() * 0.003);
    const low = Math.min(open, close) * (1 - rnd() * 0.003);
    const volume = 10 + rnd() * 10 * (rnd() < 0.05 ? 5 : 1);
    b.push({ openTime: start + i * 300_000, open, high, low, close, volume, quoteVolume: volume * close });
    p = close;
  }
  return b.build();
}

/** 5m series per market plus the 1h series the way a replay folder has them. */
export function randomMarketData(
  markets: readonly string[],
  start: number,
  days: number,
  seed: number,
): MarketData {
  const data: MarketData = new Map();
  markets.forEach((m, k) => {
    const s5 = randomWalk5m(m, start, days * 288, 1_000 * 10 ** k + 1_234.5, seed * 31 + k);
    data.set(m, { '5m': s5, '1h': aggregateSeries(s5, '1h') });
  });
  return data;
}

/** A stand-in for the ML model: a fixed logistic function of two features (deterministic, causal). */
export const fakeMl = {
  async predictBatch(rows: Float32Array): Promise<Float32Array> {
    const F = FEATURE_NAMES.length;
    const out = new Float32Array(rows.length / F);
    for (let r = 0; r < out.length; r++) {
      const rsi = rows[r * F]!;
      const ret = rows[r * F + FEATURE_NAMES.indexOf('ret_1_pct')]!;
      out[r] = 1 / (1 + Math.exp(-(12 * (0.5 - rsi) + 6 * ret)));
    }
    return out;
  },
};
