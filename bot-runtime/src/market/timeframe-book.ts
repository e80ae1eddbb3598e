// Per market: the newest candles of every timeframe, as the strategy may see them at the close of
// the newest 5m candle — never a higher-timeframe candle before it has closed (issue 5, no look-ahead).
import type { Candle, Timeframe } from '../types.ts';
import { CandleAggregator, NOTHING_CLOSED } from './aggregate.ts';
import { CandleWindow } from './candle-window.ts';
import { MarketDataError } from './data-issue.ts';
import { type CandleSeries, candleAt } from './series.ts';
import { HISTORY_WINDOW, TIMEFRAME_MS } from './timeframes.ts';

export type HigherTimeframe = Exclude<Timeframe, '5m'>;

export const HIGHER_TIMEFRAMES: readonly HigherTimeframe[] = ['15m', '1h', '1d'];

export interface TimeframeBookOptions {
  /** Candles kept per timeframe; SPEC.md history windows by default. */
  windows?: Partial<Record<Timeframe, number>>;
  /**
   * Higher-timeframe series the source itself has (exchange or files). Their candles are released
   * only once closed; where they have no candle (before their start, after their end, gaps) the
   * book falls back to aggregating 5m.
   */
  sourceSeries?: Partial<Record<HigherTimeframe, CandleSeries>>;
}

export class TimeframeBook {
  readonly market: string;
  readonly #windows: Record<Timeframe, CandleWindow>;
  readonly #aggregators: Record<HigherTimeframe, CandleAggregator>;
  readonly #source: Partial<Record<HigherTimeframe, CandleSeries>>;
  readonly #cursor: Record<HigherTimeframe, number> = { '15m': 0, '1h': 0, '1d': 0 };
  readonly #lastEmitted: Record<HigherTimeframe, number> = {
    '15m': -Infinity,
    '1h': -Infinity,
    '1d': -Infinity,
  };
  #time = -Infinity;
  #last5m = -Infinity;
  /** Open time of the first 5m candle: aggregated buckets that began before it are incomplete. */
  #firstOpen = -Infinity;

  constructor(market: string, options: TimeframeBookOptions = {}) {
    this.market = market;
    const size = (tf: Timeframe): number => options.windows?.[tf] ?? HISTORY_WINDOW[tf];
    this.#windows = {
      '5m': new CandleWindow(market, '5m', size('5m')),
      '15m': new CandleWindow(market, '15m', size('15m')),
      '1h': new CandleWindow(market, '1h', size('1h')),
      '1d': new CandleWindow(market, '1d', size('1d')),
    };
    // A cascade (5m -> 15m -> 1h -> 1d): the 1h and 1d aggregators only see the candles that closed
    // below them, ~1.4 aggregator steps per 5m candle instead of 3 — the book is on the backtest's
    // per-candle path. Prices are identical to aggregating 5m directly; volumes may differ in the
    // last bit (another summation order).
    this.#aggregators = {
      '15m': new CandleAggregator(market, '15m', TIMEFRAME_MS['5m']),
      '1h': new CandleAggregator(market, '1h', TIMEFRAME_MS['15m']),
      '1d': new CandleAggregator(market, '1d', TIMEFRAME_MS['1h']),
    };
    this.#source = options.sourceSeries ?? {};
  }

  /** Close time of the newest 5m candle: the decision time; nothing newer is visible. */
  get time(): number {
    return this.#time;
  }

  /**
   * Adds the next 5m candle and returns the higher-timeframe candles that closed with it, oldest
   * first, in the order 15m, 1h, 1d within one close time.
   */
  push(candle: Candle): Candle[] {
    if (candle.timeframe !== '5m') {
      throw new MarketDataError(
        'BAD_CANDLES',
        `${this.market}: TimeframeBook.push takes 5m candles, got ${candle.timeframe}`,
      );
    }
    if (candle.openTime <= this.#last5m) {
      throw new MarketDataError(
        'BAD_CANDLES',
        `${this.market}: 5m candle at ${new Date(candle.openTime).toISOString()} is not newer than the last one`,
      );
    }
    if (this.#last5m === -Infinity) this.#firstOpen = candle.openTime;
    this.#last5m = candle.openTime;
    this.#time = candle.openTime + TIMEFRAME_MS['5m'];
    this.#windows['5m'].push(candle);
    const quarter = this.#aggregators['15m'].push(candle);
    const hour = this.#cascade('1h', quarter);
    const day = this.#cascade('1d', hour);
    // Three calls, not a loop over [tf, candles] pairs: that array would be garbage on every push.
    let closed = this.#accept('15m', quarter, NOTHING_CLOSED);
    closed = this.#accept('1h', hour, closed);
    return this.#accept('1d', day, closed);
  }

  /** Records the `tf` candles closed now in its window and appends them to `closed`. */
  #accept(tf: HigherTimeframe, aggregated: Candle[], closed: Candle[]): Candle[] {
    const now = this.#closedCandles(tf, aggregated);
    if (now.length === 0) return closed;
    for (const c of now) {
      this.#windows[tf].push(c);
      this.#lastEmitted[tf] = c.openTime;
    }
    return closed.length === 0 ? now : [...closed, ...now];
  }

  window(tf: Timeframe): CandleWindow {
    return this.#windows[tf];
  }

  latest(tf: Timeframe): Candle | undefined {
    return this.#windows[tf].latest();
  }

  /** The candidates closed by the newest 5m candle: the source's own candles win over aggregates. */
  #closedCandles(tf: HigherTimeframe, aggregated: Candle[]): Candle[] {
    const fromSource = this.#releaseSource(tf);
    const last = this.#lastEmitted[tf];
    // A bucket that began before the first 5m candle misses its start: never shown as a candle.
    const floor = Math.max(last, this.#firstOpen - 1);
    // Fast path (the backtest's per-candle cost): nothing from the source, aggregates in order.
    if (fromSource.length === 0) {
      if (aggregated.length === 0 || aggregated[0]!.openTime > floor) return aggregated;
      return aggregated.filter((c) => c.openTime > floor);
    }
    const merged = new Map<number, Candle>();
    for (const c of aggregated) if (c.openTime > floor) merged.set(c.openTime, c);
    for (const c of fromSource) merged.set(c.openTime, c);
    return [...merged.values()].filter((c) => c.openTime > last).sort((a, b) => a.openTime - b.openTime);
  }

  /**
   * Feeds the candles that closed below into `tf`'s aggregator, then closes its bucket if the clock
   * has passed its end: when a whole 15m (or 1h) at the end of a bucket is missing, nothing from
   * below would close it until the next lower candle closes, later than the bucket's real close.
   */
  #cascade(tf: '1h' | '1d', lower: Candle[]): Candle[] {
    const aggregator = this.#aggregators[tf];
    const closed = feed(aggregator, lower);
    const late = aggregator.closeUntil(this.#time);
    if (late === undefined) return closed;
    return closed.length === 0 ? [late] : [...closed, late];
  }

  #releaseSource(tf: HigherTimeframe): Candle[] {
    const series = this.#source[tf];
    if (series === undefined) return NOTHING_CLOSED;
    const span = TIMEFRAME_MS[tf];
    let i = this.#cursor[tf];
    if (i >= series.length || series.openTime[i]! + span > this.#time) return NOTHING_CLOSED;
    const out: Candle[] = [];
    while (i < series.length && series.openTime[i]! + span <= this.#time) {
      out.push(candleAt(series, i));
      i++;
    }
    this.#cursor[tf] = i;
    return out;
  }
}

function feed(aggregator: CandleAggregator, candles: Candle[]): Candle[] {
  if (candles.length === 0) return NOTHING_CLOSED;
  if (candles.length === 1) return aggregator.push(candles[0]!);
  return candles.flatMap((c) => aggregator.push(c));
}
