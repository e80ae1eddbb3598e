// The candles `kubetrade collect` stored (5m, 15m, 1h per market) as a MarketSource, so the retrain
// exports features from what the bot collected itself when no --data folder is given.
import type { CandleSeries } from '../market/series.ts';
import { seriesFromCandles } from '../market/series.ts';
import type { MarketData, MarketSource, TimeRange } from '../market/source.ts';
import type { MarketRepo } from '../store/market-repo.ts';
import type { Timeframe } from '../types.ts';

/** The timeframes the features read (entry, momentum, trend); 1d is not a feature input. */
const TIMEFRAMES: readonly Timeframe[] = ['5m', '15m', '1h'];

/** An open range's end: a time PostgreSQL's timestamptz and JavaScript's Date can both hold. */
const OPEN_END = Date.UTC(9999, 0, 1);

export class StoreMarketSource implements MarketSource {
  readonly markets: string[];
  readonly #repo: MarketRepo;

  constructor(repo: MarketRepo, markets: readonly string[]) {
    this.#repo = repo;
    this.markets = [...markets];
  }

  async load(range: TimeRange = {}): Promise<MarketData> {
    const data: MarketData = new Map();
    for (const market of this.markets) {
      const series: Partial<Record<Timeframe, CandleSeries>> = {};
      for (const tf of TIMEFRAMES) {
        const candles = await this.#repo.candles(market, tf, range.from ?? 0, range.to ?? OPEN_END);
        if (candles.length > 0) series[tf] = seriesFromCandles(market, tf, candles);
      }
      if (series['5m']) data.set(market, series);
    }
    return data;
  }
}
