import { describe, expect, it } from 'vitest';
import { TIMEFRAME_MS } from '../market/timeframes.ts';
import type { Candle } from '../types.ts';
import { ExchangeCandles } from './exchange-candles.ts';

const STEP = TIMEFRAME_MS['5m'];
const T0 = Date.parse('2026-11-24T00:00:00Z');

function candle(market: string, openTime: number): Candle {
  return { market, timeframe: '5m', openTime, open: 1, high: 1, low: 1, close: 1, volume: 1, quoteVolume: 1 };
}

/** An exchange holding 5m candles up to `last` (inclusive) that, like Upbit, also sends the forming one. */
function exchange(last: () => number, failFor = new Set<string>()) {
  const calls: { market: string; to?: number; from?: number }[] = [];
  return {
    calls,
    async *candlePages(market: string, _tf: string, opts: { to?: number; from?: number } = {}) {
      calls.push({ market, ...opts });
      if (failFor.has(market)) throw new Error(`exchange down for ${market}`);
      const out: Candle[] = [];
      for (let t = last(); t >= (opts.from ?? T0); t -= STEP) out.push(candle(market, t));
      yield out;
    },
  };
}

describe('ExchangeCandles', () => {
  it('hands out closed candles only, oldest first, each once', async () => {
    let last = T0 + 10 * STEP; // the exchange already shows the candle forming at now
    const ex = exchange(() => last);
    const feed = new ExchangeCandles(ex as never);
    const now = T0 + 10 * STEP + 60_000;
    const [btc] = await feed.closed(['KRW-BTC'], T0, now);
    expect(btc!.map((c) => (c.openTime - T0) / STEP)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(ex.calls[0]!.to).toBe(T0 + 10 * STEP);
    // Nothing new closed yet: nothing handed out again.
    expect((await feed.closed(['KRW-BTC'], T0, now + 60_000))[0]).toEqual([]);
    last += STEP;
    const [next] = await feed.closed(['KRW-BTC'], T0, T0 + 11 * STEP + 1);
    expect(next!.map((c) => (c.openTime - T0) / STEP)).toEqual([10]);
  });

  it('is all or nothing: a failure for one market hands out nothing, the next call gets everything', async () => {
    const down = new Set(['KRW-ETH']);
    const ex = exchange(() => T0 + 5 * STEP, down);
    const feed = new ExchangeCandles(ex as never);
    const now = T0 + 6 * STEP;
    await expect(feed.closed(['KRW-BTC', 'KRW-ETH'], T0, now)).rejects.toThrow(/KRW-ETH/);
    down.clear();
    const [btc, eth] = await feed.closed(['KRW-BTC', 'KRW-ETH'], T0, now);
    expect(btc).toHaveLength(6);
    expect(eth).toHaveLength(6);
  });
});
