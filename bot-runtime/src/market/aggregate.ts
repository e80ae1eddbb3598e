// Higher timeframes from lower ones. Buckets are aligned to the Unix epoch (UTC): 15m/1h on the
// clock, 1d at 00:00 UTC = 09:00 KST, which is where Upbit's and Binance's day candles start.
import type { Candle, Timeframe } from '../types.ts';
import { type CandleColumns, type CandleFields, type CandleSeries, CandleSeriesBuilder } from './series.ts';
import { bucketStart, TIMEFRAME_MS } from './timeframes.ts';

/** Shared, frozen "nothing closed" answer (mutating it throws rather than corrupting later calls). */
export const NOTHING_CLOSED: Candle[] = Object.freeze([]) as unknown as Candle[];

/**
 * Streams base candles (any interval dividing the target) into target-timeframe candles. A target
 * candle is emitted only once it has CLOSED: when its last base candle arrives, or — when that one is
 * missing (Upbit creates no candle for a minute without trades) — when the first base candle of a
 * later bucket arrives. A missing base candle never blocks or fakes a higher candle: the bucket is
 * built from the base candles that exist, as the exchange itself does.
 */
export class CandleAggregator {
  readonly market: string;
  readonly timeframe: Timeframe;
  readonly #bucketMs: number;
  readonly #baseMs: number;
  #current: CandleFields | undefined;

  constructor(market: string, timeframe: Timeframe, baseMs: number = TIMEFRAME_MS['5m']) {
    const bucketMs = TIMEFRAME_MS[timeframe];
    if (bucketMs % baseMs !== 0) {
      throw new RangeError(`cannot aggregate ${baseMs} ms candles into ${timeframe}: it is not a multiple`);
    }
    this.market = market;
    this.timeframe = timeframe;
    this.#bucketMs = bucketMs;
    this.#baseMs = baseMs;
  }

  /**
   * Feeds one base candle (in time order); returns the closed target candles (none, one, or two
   * when the bucket before had no last candle). The empty answer is one shared frozen array: most
   * pushes close nothing, and the backtest pushes ~100k candles per market-year.
   */
  push(c: CandleFields): Candle[] {
    let closed = NOTHING_CLOSED;
    const cur = this.#current;
    // Inside the pending bucket no division is needed (a float modulo per candle showed in profiles).
    const start =
      cur !== undefined && c.openTime >= cur.openTime && c.openTime < cur.openTime + this.#bucketMs
        ? cur.openTime
        : bucketStart(c.openTime, this.#bucketMs);
    if (cur !== undefined && cur.openTime !== start) {
      closed = [this.#emit(cur)];
      this.#current = undefined;
    }
    const open = this.#current;
    if (open === undefined) {
      this.#current = {
        openTime: start,
        open: c.open,
        high: c.high,
        low: c.low,
        close: c.close,
        volume: c.volume,
        quoteVolume: c.quoteVolume,
      };
    } else {
      if (c.high > open.high) open.high = c.high;
      if (c.low < open.low) open.low = c.low;
      open.close = c.close;
      open.volume += c.volume;
      open.quoteVolume += c.quoteVolume;
    }
    if (c.openTime + this.#baseMs === start + this.#bucketMs) {
      const last = this.#emit(this.#current!);
      closed = closed.length === 0 ? [last] : [...closed, last];
      this.#current = undefined;
    }
    return closed;
  }

  /** The bucket that has not closed yet (never shown to a strategy; for inspection and tests). */
  get pending(): Readonly<CandleFields> | undefined {
    return this.#current;
  }

  /**
   * Emits the pending bucket when `time` (a clock reading, epoch ms) is at or after its close —
   * for a source whose last base candle of the bucket never came.
   */
  closeUntil(time: number): Candle | undefined {
    const cur = this.#current;
    if (cur === undefined || time < cur.openTime + this.#bucketMs) return undefined;
    this.#current = undefined;
    return this.#emit(cur);
  }

  #emit(c: CandleFields): Candle {
    return { ...c, market: this.market, timeframe: this.timeframe };
  }
}

/**
 * Batch form: every closed target candle of `series`. The trailing bucket is kept only when its
 * last base candle is present (otherwise it may still be forming), the leading one only when its
 * first base candle is.
 */
export function aggregateSeries(series: CandleSeries, timeframe: Timeframe): CandleSeries {
  return aggregateColumns(series, TIMEFRAME_MS[series.timeframe], series.market, timeframe);
}

/** aggregateSeries for candles of any interval `baseMs` dividing the target (e.g. Upbit 1m/3m pages). */
export function aggregateColumns(
  columns: CandleColumns,
  baseMs: number,
  market: string,
  timeframe: Timeframe,
): CandleSeries {
  const bucketMs = TIMEFRAME_MS[timeframe];
  if (bucketMs % baseMs !== 0) {
    throw new RangeError(`cannot aggregate ${baseMs} ms candles into ${timeframe}: it is not a multiple`);
  }
  const out = new CandleSeriesBuilder(market, timeframe, Math.ceil((columns.length * baseMs) / bucketMs) + 1);
  const { openTime, open, high, low, close, volume, quoteVolume } = columns;
  const n = columns.length;
  let i = 0;
  while (i < n) {
    const start = bucketStart(openTime[i]!, bucketMs);
    const end = start + bucketMs;
    let h = high[i]!;
    let l = low[i]!;
    let v = volume[i]!;
    let q = quoteVolume[i]!;
    const o = open[i]!;
    let j = i + 1;
    while (j < n && openTime[j]! < end) {
      if (high[j]! > h) h = high[j]!;
      if (low[j]! < l) l = low[j]!;
      v += volume[j]!;
      q += quoteVolume[j]!;
      j++;
    }
    const lastClosesBucket = openTime[j - 1]! + baseMs === end;
    // The first bucket is kept only if the data starts at its beginning: a bucket cut off by the
    // start of the data would carry a wrong open, high, low and volume.
    const cutOffAtStart = i === 0 && start < openTime[0]!;
    if ((j < n || lastClosesBucket) && !cutOffAtStart) {
      out.push({
        openTime: start,
        open: o,
        high: h,
        low: l,
        close: close[j - 1]!,
        volume: v,
        quoteVolume: q,
      });
    }
    i = j;
  }
  return out.build();
}
