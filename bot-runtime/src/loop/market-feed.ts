// Per market: the no-look-ahead TimeframeBook (engineer A) feeding the streaming MarketState
// (engineer B), one closed 5m candle at a time — the "TimeframeBook -> MarketState" part of the loop.
import type { EngineConfig } from '../engines/config.ts';
import { MarketState } from '../engines/market-state.ts';
import type { CandleSeries } from '../market/series.ts';
import { HIGHER_TIMEFRAMES, type HigherTimeframe, TimeframeBook } from '../market/timeframe-book.ts';
import type { Candle, Timeframe } from '../types.ts';

export class MarketFeed {
  readonly market: string;
  readonly book: TimeframeBook;
  readonly state: MarketState;
  /** One mutable candle reused for every push: the book and the state copy what they keep. */
  readonly #candle: Candle;

  constructor(market: string, engine: EngineConfig, series: Partial<Record<Timeframe, CandleSeries>> = {}) {
    this.market = market;
    const sourceSeries: Partial<Record<HigherTimeframe, CandleSeries>> = {};
    for (const tf of HIGHER_TIMEFRAMES) if (series[tf]) sourceSeries[tf] = series[tf];
    this.book = new TimeframeBook(market, { sourceSeries });
    this.state = new MarketState(market, engine);
    const candle = { market, openTime: 0, open: 0, high: 0, low: 0, close: 0, volume: 0, quoteVolume: 0 };
    // `timeframe` is non-enumerable: CandleAggregator copies the 5m candle with a spread and then
    // spreads it over its own `timeframe`, so an enumerable '5m' would relabel every aggregated
    // 15m/1h/1d candle as 5m (reported to the market/ owner; harmless once fixed there).
    Object.defineProperty(candle, 'timeframe', { value: '5m', enumerable: false });
    this.#candle = candle as Candle;
  }

  /** Feeds the 5m candle at index `i` of `s`: first the higher-timeframe candles it closed, then itself. */
  pushAt(s: CandleSeries, i: number): void {
    const c = this.#candle;
    c.openTime = s.openTime[i]!;
    c.open = s.open[i]!;
    c.high = s.high[i]!;
    c.low = s.low[i]!;
    c.close = s.close[i]!;
    c.volume = s.volume[i]!;
    c.quoteVolume = s.quoteVolume[i]!;
    this.push(c);
  }

  push(c: Candle): void {
    const closed = this.book.push(c);
    for (let k = 0; k < closed.length; k++) this.state.update(closed[k]!);
    this.state.update(c);
  }
}
