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
    this.#candle = {
      market,
      timeframe: '5m',
      openTime: 0,
      open: 0,
      high: 0,
      low: 0,
      close: 0,
      volume: 0,
      quoteVolume: 0,
    };
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
    this.state.advance(c, this.book.push(c));
  }
}
