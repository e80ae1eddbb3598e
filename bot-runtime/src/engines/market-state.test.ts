import { describe, expect, it } from 'vitest';
import { rsiBatch } from '../indicators/index.ts';
import { TimeframeBook } from '../market/timeframe-book.ts';
import { HISTORY_WINDOW, TIMEFRAME_MS } from '../market/timeframes.ts';
import type { Candle } from '../types.ts';
import type { EngineConfig } from './config.ts';
import { FEATURE_NAMES, isComplete } from './features.ts';
import { MarketState } from './market-state.ts';
import { seedConfig } from './seed-config.fixture.ts';

const engine = seedConfig().engine;
const START = Date.UTC(2025, 0, 1);

/** A seeded random walk of 5m candles (deterministic: same seed, same candles). */
function walk(n: number, seed = 1, priceScale = 1, volumeScale = 1): Candle[] {
  let s = seed;
  const rand = (): number => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
  const out: Candle[] = [];
  let price = 100;
  for (let i = 0; i < n; i++) {
    const open = price;
    price *= 1 + (rand() - 0.5) * 0.01;
    const close = price;
    const high = Math.max(open, close) * (1 + rand() * 0.002);
    const low = Math.min(open, close) * (1 - rand() * 0.002);
    const volume = (10 + rand() * 20) * (i % 97 === 0 ? 5 : 1);
    out.push({
      market: 'KRW-BTC',
      timeframe: '5m',
      openTime: START + i * TIMEFRAME_MS['5m'],
      open: open * priceScale,
      high: high * priceScale,
      low: low * priceScale,
      close: close * priceScale,
      volume: volume * volumeScale,
      quoteVolume: close * volume * priceScale * volumeScale,
    });
  }
  return out;
}

function replay(
  candles: Candle[],
  each?: (state: MarketState, i: number) => void,
  cfg: EngineConfig = engine,
): MarketState {
  const book = new TimeframeBook('KRW-BTC');
  const state = new MarketState('KRW-BTC', cfg);
  candles.forEach((c, i) => {
    state.advance(c, book.push(c));
    each?.(state, i);
  });
  return state;
}

describe('MarketState', () => {
  it('is not warm at first: layer readings and features are NaN', () => {
    const s = replay(walk(10)).snapshot();
    expect(s.technical.rsi).toBeNaN();
    expect(s.multiTimeframe.trendPct).toBeNaN();
    expect(isComplete(replay(walk(10)).features())).toBe(false);
  });

  it('after enough history every reading and feature is finite; the decision time is the 5m close', () => {
    const candles = walk(50 * 12 + 300); // 1h slow EMA needs 50 closed hours
    const state = replay(candles);
    const s = state.snapshot();
    for (const v of [...Object.values(s.technical), ...Object.values(s.multiTimeframe)])
      expect(Number.isFinite(v)).toBe(true);
    expect(isComplete(state.features())).toBe(true);
    expect(state.features()).toHaveLength(FEATURE_NAMES.length);
    expect(s.time).toBe(candles.at(-1)!.openTime + TIMEFRAME_MS['5m']);
  });

  it('feeds the entry series into layer 1 exactly as the batch indicator computes it', () => {
    const candles = walk(400);
    const s = replay(candles).snapshot();
    const batch = rsiBatch(
      Float64Array.from(candles, (c) => c.close),
      engine.technical.rsi.period,
    );
    expect(s.technical.rsi).toBe(batch.at(-1));
    expect(s.multiTimeframe.entryRsi).toBe(batch.at(-1)); // entryRsiPeriod == rsi.period by default
  });

  it('tracks completeness per timeframe against the SPEC history windows', () => {
    const n = 1008; // 3.5 days of 5m candles
    const c = replay(walk(n)).completeness();
    expect(c['5m']).toBeCloseTo(n / HISTORY_WINDOW['5m'], 12);
    expect(c['15m']).toBeCloseTo(Math.floor(n / 3) / HISTORY_WINDOW['15m'], 12);
    expect(c['1h']).toBeCloseTo(Math.floor(n / 12) / HISTORY_WINDOW['1h'], 12);
    expect(c['1d']).toBeCloseTo(3 / HISTORY_WINDOW['1d'], 12);
    expect(replay(walk(2100)).completeness()['5m']).toBe(1);
  });

  it('no look-ahead: changing candles after t never changes the readings at t', () => {
    const a = walk(900, 3);
    const b = [
      ...a.slice(0, 600),
      ...walk(300, 99).map((c, i) => ({ ...c, openTime: a[600 + i]!.openTime })),
    ];
    const at = (candles: Candle[]) => {
      const seen: string[] = [];
      replay(candles, (state, i) => {
        if (i < 600) seen.push(JSON.stringify([state.snapshot(), Array.from(state.features())]));
      });
      return seen;
    };
    expect(at(b)).toEqual(at(a));
  });

  it('features are stationary: the same market in another currency unit gives the same vector', () => {
    const usdt = replay(walk(1000, 5)).features();
    const krw = replay(walk(1000, 5, 1_450, 0.001)).features();
    for (let i = 0; i < usdt.length; i++) expect(krw[i]).toBeCloseTo(usdt[i]!, 4);
  });

  it('refuses a candle of another market', () => {
    const state = new MarketState('KRW-ETH', engine);
    expect(() => state.update(walk(1)[0]!)).toThrow(/KRW-ETH/);
  });

  it('refuses at construction a layer-2 timeframe the runtime does not keep', () => {
    const cfg = { ...engine, multiTimeframe: { ...engine.multiTimeframe, momentum: '30m' } };
    expect(() => new MarketState('KRW-BTC', cfg)).toThrow(/spec\.engine\.multiTimeframe\.momentum = 30m/);
  });

  it("features do not depend on the spec's tunable layer periods or timeframes (the model's contract)", () => {
    const tuned: EngineConfig = {
      ...engine,
      technical: {
        ...engine.technical,
        rsi: { ...engine.technical.rsi, period: 9 },
        macd: { fast: 8, slow: 21, signal: 5 },
        bollinger: { ...engine.technical.bollinger, period: 14, stdDev: 2.5 },
        volumePeriod: 10,
      },
      multiTimeframe: {
        ...engine.multiTimeframe,
        trend: '1d',
        momentum: '1h',
        entry: '15m',
        trendFastPeriod: 5,
        momentumPeriod: 4,
        entryRsiPeriod: 7,
      },
    };
    const candles = walk(1000, 11);
    const a = replay(candles);
    const b = replay(candles, undefined, tuned);
    expect(Array.from(b.features())).toEqual(Array.from(a.features()));
    expect(b.snapshot().technical.rsi).not.toBe(a.snapshot().technical.rsi);
    expect(b.time).toBe(a.time); // the decision time is the 5m close even with a 15m entry series
  });
});
