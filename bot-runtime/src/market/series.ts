// Columnar candle series: one Float64Array per field, so indicators and backtests walk plain typed
// arrays (the "single typed-array pass" baseline of DESIGN.md's backtest target).
import type { Candle, Timeframe } from '../types.ts';
import { TIMEFRAME_MS } from './timeframes.ts';

/** The candle fields as parallel typed arrays (a series without its market and timeframe). */
export interface CandleColumns {
  readonly length: number;
  /** Open time, epoch ms UTC, strictly increasing. */
  readonly openTime: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  /** Quote-currency value traded (KRW on Upbit); close x volume when the source lacks it. */
  readonly quoteVolume: Float64Array;
}

export interface CandleSeries extends CandleColumns {
  readonly market: string;
  readonly timeframe: Timeframe;
}

export type CandleFields = Omit<Candle, 'market' | 'timeframe'>;

const FIELDS = ['openTime', 'open', 'high', 'low', 'close', 'volume', 'quoteVolume'] as const;

/** Appends candles into growable columns; `build()` returns trimmed views. */
export class CandleSeriesBuilder {
  readonly market: string;
  readonly timeframe: Timeframe;
  #length = 0;
  #columns: Record<(typeof FIELDS)[number], Float64Array>;

  constructor(market: string, timeframe: Timeframe, capacity = 1024) {
    this.market = market;
    this.timeframe = timeframe;
    const size = Math.max(16, capacity);
    this.#columns = {
      openTime: new Float64Array(size),
      open: new Float64Array(size),
      high: new Float64Array(size),
      low: new Float64Array(size),
      close: new Float64Array(size),
      volume: new Float64Array(size),
      quoteVolume: new Float64Array(size),
    };
  }

  get length(): number {
    return this.#length;
  }

  push(c: CandleFields): void {
    if (this.#length === this.#columns.openTime.length) this.#grow();
    const i = this.#length++;
    const col = this.#columns;
    col.openTime[i] = c.openTime;
    col.open[i] = c.open;
    col.high[i] = c.high;
    col.low[i] = c.low;
    col.close[i] = c.close;
    col.volume[i] = c.volume;
    col.quoteVolume[i] = c.quoteVolume;
  }

  build(): CandleSeries {
    const n = this.#length;
    const col = this.#columns;
    return {
      market: this.market,
      timeframe: this.timeframe,
      length: n,
      openTime: col.openTime.slice(0, n),
      open: col.open.slice(0, n),
      high: col.high.slice(0, n),
      low: col.low.slice(0, n),
      close: col.close.slice(0, n),
      volume: col.volume.slice(0, n),
      quoteVolume: col.quoteVolume.slice(0, n),
    };
  }

  #grow(): void {
    for (const field of FIELDS) {
      const next = new Float64Array(this.#columns[field].length * 2);
      next.set(this.#columns[field]);
      this.#columns[field] = next;
    }
  }
}

export function candleAt(series: CandleSeries, i: number): Candle {
  return {
    market: series.market,
    timeframe: series.timeframe,
    openTime: series.openTime[i]!,
    open: series.open[i]!,
    high: series.high[i]!,
    low: series.low[i]!,
    close: series.close[i]!,
    volume: series.volume[i]!,
    quoteVolume: series.quoteVolume[i]!,
  };
}

export function seriesFromCandles(
  market: string,
  timeframe: Timeframe,
  candles: readonly CandleFields[],
): CandleSeries {
  const builder = new CandleSeriesBuilder(market, timeframe, candles.length);
  for (const c of candles) builder.push(c);
  return builder.build();
}

export function* candlesOf(series: CandleSeries): Generator<Candle> {
  for (let i = 0; i < series.length; i++) yield candleAt(series, i);
}

/** Close time (exclusive end) of candle i: the first moment its values are known. */
export function closeTimeAt(series: CandleSeries, i: number): number {
  return series.openTime[i]! + TIMEFRAME_MS[series.timeframe];
}

/** Index of the first candle with openTime >= time (binary search; length when none). */
export function lowerBound(openTime: Float64Array, length: number, time: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (openTime[mid]! < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Candles whose open time is in [from, to); shares memory with `series` (subarray views). */
export function sliceSeries(series: CandleSeries, range: { from?: number; to?: number } = {}): CandleSeries {
  const start = range.from === undefined ? 0 : lowerBound(series.openTime, series.length, range.from);
  const end = range.to === undefined ? series.length : lowerBound(series.openTime, series.length, range.to);
  const a = start;
  const b = Math.max(start, end);
  return {
    market: series.market,
    timeframe: series.timeframe,
    length: b - a,
    openTime: series.openTime.subarray(a, b),
    open: series.open.subarray(a, b),
    high: series.high.subarray(a, b),
    low: series.low.subarray(a, b),
    close: series.close.subarray(a, b),
    volume: series.volume.subarray(a, b),
    quoteVolume: series.quoteVolume.subarray(a, b),
  };
}

/** Share of the candles expected between the first and last open time that are present (1 = no gaps). */
export function completeness(series: CandleSeries): number {
  if (series.length < 2) return series.length;
  const span = series.openTime[series.length - 1]! - series.openTime[0]!;
  return series.length / (span / TIMEFRAME_MS[series.timeframe] + 1);
}
