// What the engine layers read: the latest indicator values of one market, produced by MarketState.
// NaN means "not warm yet" (the streaming indicators return NaN during warm-up); the layers treat a
// NaN reading as "no opinion" rather than as a number, so a half-collected history never trades.
import type { Timeframe } from '../types.ts';

/** Layer 1 inputs, all on the entry (5m) series. */
export interface TechnicalReadings {
  rsi: number;
  /** MACD line minus its signal line (the histogram). */
  macdHist: number;
  /** Bollinger %B: 0 at the lower band, 1 at the upper band. */
  percentB: number;
  /** volume / SMA(volume, volumePeriod). */
  volumeRatio: number;
  /** close - open of the newest candle: the direction a volume surge votes for. */
  candleBody: number;
}

/** Layer 2 inputs, one per configured timeframe. */
export interface MultiTimeframeReadings {
  /** (EMA fast - EMA slow) / EMA slow x 100 on the trend timeframe. */
  trendPct: number;
  /** Rate of change in percent over momentumPeriod candles of the momentum timeframe. */
  momentumPct: number;
  /** RSI(entryRsiPeriod) on the entry timeframe. */
  entryRsi: number;
}

/** A read-only view of one market at one decision time. */
export interface MarketSnapshot {
  market: string;
  /** Decision time: close time (epoch ms) of the newest 5m candle seen. */
  time: number;
  /** Close of the newest entry candle (for sizing only; features never use raw prices). */
  close: number;
  technical: TechnicalReadings;
  multiTimeframe: MultiTimeframeReadings;
  /** 0..1 per timeframe: candles present / SPEC history window. */
  completeness: Record<Timeframe, number>;
}
