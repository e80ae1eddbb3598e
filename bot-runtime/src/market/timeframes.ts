// Timeframes the runtime keeps and their history windows (SPEC.md "Data collection").
import type { Timeframe } from '../types.ts';

export const TIMEFRAMES: readonly Timeframe[] = ['5m', '15m', '1h', '1d'];

const MINUTE_MS = 60_000;

export const TIMEFRAME_MS: Readonly<Record<Timeframe, number>> = {
  '5m': 5 * MINUTE_MS,
  '15m': 15 * MINUTE_MS,
  '1h': 60 * MINUTE_MS,
  '1d': 24 * 60 * MINUTE_MS,
};

/** SPEC.md "Data collection": 5m 7 days, 15m 14 days, 1h 90 days, 1d 1 year — in candles per market. */
export const HISTORY_WINDOW: Readonly<Record<Timeframe, number>> = {
  '5m': 2_016,
  '15m': 1_344,
  '1h': 2_160,
  '1d': 365,
};

export function isTimeframe(value: string): value is Timeframe {
  return value === '5m' || value === '15m' || value === '1h' || value === '1d';
}

const INTERVAL_UNIT_MS: Readonly<Record<string, number>> = {
  m: MINUTE_MS,
  h: 60 * MINUTE_MS,
  d: 24 * 60 * MINUTE_MS,
  w: 7 * 24 * 60 * MINUTE_MS,
};

/** `'5m'`, `'3m'`, `'4h'`, `'1d'` -> milliseconds; undefined when the text is not an interval. */
export function intervalMs(text: string): number | undefined {
  const match = /^(\d+)([mhdw])$/.exec(text);
  if (!match) return undefined;
  const count = Number(match[1]);
  const unit = INTERVAL_UNIT_MS[match[2] ?? ''];
  return count > 0 && unit !== undefined ? count * unit : undefined;
}

/** The Timeframe whose length is exactly `ms`, if any. */
export function timeframeOfMs(ms: number): Timeframe | undefined {
  return TIMEFRAMES.find((tf) => TIMEFRAME_MS[tf] === ms);
}

/**
 * Open time of the bucket of length `ms` holding `time`. Buckets are aligned to the Unix epoch, so
 * day candles open at 00:00 UTC = 09:00 KST — the same boundary Upbit uses for its day candles
 * (`candle_date_time_kst` 09:00), and Binance's.
 */
export function bucketStart(time: number, ms: number): number {
  const rest = time % ms;
  return rest < 0 ? time - rest - ms : time - rest;
}
