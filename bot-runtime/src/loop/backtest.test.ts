import { applyDefaults, type ResolvedSpec } from '@kubetrade/crds';
import { describe, expect, it } from 'vitest';
import { type CandleSeries, CandleSeriesBuilder } from '../market/series.ts';
import type { MarketData } from '../market/source.ts';
import { runBacktest } from './backtest.ts';
import { fakeMl, randomMarketData } from './random-walk.fixture.ts';
import type { LoopEvent } from './trading-core.ts';

const START = Date.parse('2026-01-01T00:00:00Z');
const MARKETS = ['KRW-BTC', 'KRW-ETH'];

function seedSpec(): ResolvedSpec {
  // The SPEC's default A/B split (enhanced with ML validation vs plain ML) on the seed thresholds,
  // with the technical votes made easier so a short random walk trades enough to compare.
  return applyDefaults({
    markets: MARKETS,
    engine: { technical: { rsi: { period: 14, oversold: 40, overbought: 60 }, volumeSurge: 1.5 } },
  } as never);
}

function decisionsUpTo(events: LoopEvent[], t: number): string[] {
  return events.filter((e) => e.kind === 'decision' && e.time <= t).map((e) => JSON.stringify(e));
}

describe('backtest loop', () => {
  it('trades both arms and the same seed gives the same result to the last digit', async () => {
    const run = () =>
      runBacktest({
        spec: seedSpec(),
        data: randomMarketData(MARKETS, START, 20, 7),
        models: { ml: fakeMl },
      });
    const a = await run();
    const b = await run();
    expect(a.arms.map((x) => x.name)).toEqual(['enhanced', 'ml']);
    for (const arm of a.arms) expect(arm.metrics.orders).toBeGreaterThan(0);
    // Everything but the wall-clock timing is identical.
    expect(JSON.stringify({ ...a, timing: 0 })).toBe(JSON.stringify({ ...b, timing: 0 }));
    expect([...a.arms[0]!.equity]).toEqual([...b.arms[0]!.equity]);
    // Cash stays exact: whole won on KRW markets.
    for (const arm of a.arms) for (const t of arm.roundTrips) expect(Number.isInteger(t.cost)).toBe(true);
  });

  it('changing candles after t never changes decisions at or before t (no look-ahead)', async () => {
    const data = randomMarketData(MARKETS, START, 12, 3);
    const cut = START + 9 * 86_400_000 + 37 * 300_000; // mid-day, not on an hour boundary
    const altered: MarketData = new Map();
    for (const [m, tfs] of data) {
      const out: Partial<Record<'5m' | '1h', CandleSeries>> = {};
      for (const tf of ['5m', '1h'] as const) out[tf] = distortAfter(tfs[tf]!, cut);
      altered.set(m, out);
    }
    const eventsA: LoopEvent[] = [];
    const eventsB: LoopEvent[] = [];
    const spec = seedSpec();
    await runBacktest({ spec, data, models: { ml: fakeMl }, onEvent: (e) => eventsA.push(e) });
    await runBacktest({ spec, data: altered, models: { ml: fakeMl }, onEvent: (e) => eventsB.push(e) });
    const before = decisionsUpTo(eventsA, cut);
    expect(before.length).toBeGreaterThan(10);
    expect(decisionsUpTo(eventsB, cut)).toEqual(before);
    // ...and the distortion does change later decisions (the test can fail).
    expect(JSON.stringify(eventsB.filter((e) => e.time > cut))).not.toBe(
      JSON.stringify(eventsA.filter((e) => e.time > cut)),
    );
  });

  it('refuses mixed quote currencies and names the markets', async () => {
    const data = randomMarketData(['KRW-BTC', 'USDT-BTC'], START, 6, 1);
    await expect(runBacktest({ spec: seedSpec(), data })).rejects.toThrow(
      /KRW-BTC, USDT-BTC are quoted in KRW and USDT/,
    );
  });

  it('names the market when its 5m candles are missing', async () => {
    const data = randomMarketData(['KRW-BTC'], START, 6, 1);
    await expect(runBacktest({ spec: seedSpec(), data, markets: ['KRW-BTC', 'KRW-SOL'] })).rejects.toThrow(
      /no 5m candles for KRW-SOL/,
    );
  });
});

/** Candles closing after `cut` get prices x1.5 and double volume (only those). */
function distortAfter(s: CandleSeries, cut: number): CandleSeries {
  const span = s.timeframe === '5m' ? 300_000 : 3_600_000;
  const b = new CandleSeriesBuilder(s.market, s.timeframe, s.length);
  for (let i = 0; i < s.length; i++) {
    const k = s.openTime[i]! + span > cut ? 1.5 : 1;
    b.push({
      openTime: s.openTime[i]!,
      open: s.open[i]! * k,
      high: s.high[i]! * k,
      low: s.low[i]! * k,
      close: s.close[i]! * k * (k > 1 ? 1 + (i % 7) / 100 : 1),
      volume: s.volume[i]! * k * k,
      quoteVolume: s.quoteVolume[i]! * k,
    });
  }
  return b.build();
}
