import { describe, expect, it } from 'vitest';
import { TimeframeBook } from '../market/timeframe-book.ts';
import { TIMEFRAME_MS } from '../market/timeframes.ts';
import type { Candle } from '../types.ts';
import { MarketState } from './market-state.ts';
import { seedConfig } from './seed-config.fixture.ts';

function candle(i: number): Candle {
  const close = 100 + 10 * Math.sin(i / 17) + (i % 7);
  return {
    market: 'KRW-BTC',
    timeframe: '5m',
    openTime: Date.UTC(2026, 0, 1) + i * TIMEFRAME_MS['5m'],
    open: close - 1 + (i % 3),
    high: close + 2,
    low: close - 2,
    close,
    volume: 10 + (i % 11),
    quoteVolume: close * (10 + (i % 11)),
  };
}

describe('MarketState.snapshot(into)', () => {
  it('overwrites a reused snapshot with exactly what a fresh snapshot holds, at every step', () => {
    const book = new TimeframeBook('KRW-BTC');
    const state = new MarketState('KRW-BTC', seedConfig().engine);
    const reused = state.snapshot();
    let checked = 0;
    for (let i = 0; i < 2_000; i++) {
      const c = candle(i);
      state.advance(c, book.push(c));
      const into = state.snapshot(reused);
      expect(into).toBe(reused);
      // JSON keeps NaN vs number apart (as null) and the key order.
      if (i % 97 === 0 || i === 1_999) {
        expect(JSON.stringify(into)).toBe(JSON.stringify(state.snapshot()));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
    expect(reused.completeness['1h']).toBeGreaterThan(0);
    expect(Number.isFinite(reused.technical.rsi)).toBe(true);
  });
});
