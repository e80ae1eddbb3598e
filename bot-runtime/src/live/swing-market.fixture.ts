// An oscillating 5m market for the live tests and the live bench: closes swing like a sine wave
// (+-2 %, one swing every 8 candles), so RSI and %B cross an aggressive spec's thresholds both
// ways every few candles and orders happen within seconds. Deterministic (no randomness), prices
// on Upbit's KRW tick grid. No test-runner imports: the bench runs it under plain Node.
import { TIMEFRAME_MS } from '../market/timeframes.ts';
import { roundPriceToTick } from '../portfolio/market-rules.ts';
import type { Candle } from '../types.ts';

const STEP = TIMEFRAME_MS['5m'];
const SWING_MS = 8 * STEP;
const SWING_AMPLITUDE = 0.02;
export const SWING_BASE_PRICE: Record<string, number> = {
  'KRW-BTC': 140_000_000,
  'KRW-ETH': 5_000_000,
  'KRW-XRP': 3_000,
  'KRW-SOL': 250_000,
};

/** The 5m candles of `markets` with from <= openTime < to (aligned to 5 minutes), oldest first per market. */
export function swingCandles(markets: readonly string[], from: number, to: number): Candle[] {
  const candles: Candle[] = [];
  for (const market of markets) {
    const base = SWING_BASE_PRICE[market] ?? 10_000;
    let prev = base;
    for (let t = Math.floor(from / STEP) * STEP; t < to; t += STEP) {
      const close = roundPriceToTick(
        market,
        base * (1 + SWING_AMPLITUDE * Math.sin((2 * Math.PI * (t + STEP)) / SWING_MS)),
        'buy',
      );
      candles.push({
        market,
        timeframe: '5m',
        openTime: t,
        open: prev,
        high: Math.max(prev, close),
        low: Math.min(prev, close),
        close,
        volume: 1,
        quoteVolume: close,
      });
      prev = close;
    }
  }
  return candles;
}
