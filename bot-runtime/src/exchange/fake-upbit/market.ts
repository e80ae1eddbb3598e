// The fake exchange's market data: candles per market and timeframe (given, from any MarketSource
// such as replayed files or the coherent SyntheticMarket, or a quick seeded walk for tests) served the way Upbit serves them (newest first, `to`
// exclusive, `count` <= 200), and the current price that orders fill at and the ticker reports.
import { aggregateSeries } from '../../market/aggregate.ts';
import { type CandleSeries, candleAt, lowerBound, seriesFromCandles } from '../../market/series.ts';
import type { MarketData } from '../../market/source.ts';
import { HISTORY_WINDOW, TIMEFRAME_MS, TIMEFRAMES } from '../../market/timeframes.ts';
import { roundPriceToTick } from '../../portfolio/market-rules.ts';
import type { Candle, Timeframe } from '../../types.ts';

/** Starting prices of the synthetic walk, roughly Upbit's KRW prices in 2026. */
const SYNTHETIC_START: Record<string, number> = {
  'KRW-BTC': 140_000_000,
  'KRW-ETH': 5_000_000,
  'KRW-XRP': 3_000,
  'KRW-SOL': 250_000,
};

/** Where the fake's candles come from; asked once per market and timeframe, when first needed. */
export type CandleSupply = (market: string, timeframe: Timeframe) => CandleSeries | undefined;

export class FakeMarket {
  readonly #markets: readonly string[];
  readonly #supply: CandleSupply;
  /** market/timeframe -> columns, oldest first, filled on first use. */
  readonly #series = new Map<string, CandleSeries | undefined>();
  readonly #price = new Map<string, number>();

  /**
   * Lazily supplied so a test that only trades never pays for a year of candles: the eager walk
   * of 23.5k candles took 640 ms per exchange start on the shared 2-core machine.
   */
  constructor(markets: readonly string[], supply: CandleSupply) {
    this.#markets = markets;
    this.#supply = supply;
  }

  static fromCandles(candles: readonly Candle[]): FakeMarket {
    const groups = new Map<string, Candle[]>();
    for (const c of candles) {
      const key = `${c.market}/${c.timeframe}`;
      const list = groups.get(key) ?? [];
      groups.set(key, list);
      list.push(c);
    }
    const series = new Map<string, CandleSeries>();
    for (const [key, list] of groups) {
      list.sort((a, b) => a.openTime - b.openTime);
      series.set(key, seriesFromCandles(list[0]!.market, list[0]!.timeframe, list));
    }
    const markets = [...new Set(candles.map((c) => c.market))];
    return new FakeMarket(markets, (market, tf) => series.get(`${market}/${tf}`));
  }

  /**
   * Candles of any MarketSource's load (replayed files, the coherent SyntheticMarket); a timeframe
   * the source lacks is aggregated from its 5m candles, as every consumer of a MarketSource does.
   */
  static fromData(data: MarketData): FakeMarket {
    return new FakeMarket([...data.keys()], (market, tf) => {
      const byTf = data.get(market);
      const own = byTf?.[tf];
      if (own) return own;
      const base = byTf?.['5m'];
      return base && tf !== '5m' ? aggregateSeries(base, tf) : undefined;
    });
  }

  /** The quick seeded walk (syntheticSeries): milliseconds to build, for tests. */
  static synthetic(markets: readonly string[], now: number, seed: number): FakeMarket {
    return new FakeMarket(markets, (market, tf) =>
      seriesFromCandles(market, tf, syntheticSeries(market, markets.indexOf(market), tf, now, seed)),
    );
  }

  get markets(): string[] {
    return [...this.#markets];
  }

  /** The current price: set by setPrice, else the close of the newest candle the market has. */
  price(market: string): number | undefined {
    const known = this.#price.get(market);
    if (known !== undefined || !this.#markets.includes(market)) return known;
    // The finest timeframe with data has the freshest close; coarser ones are only a fallback.
    for (const tf of TIMEFRAMES) {
      const series = this.#columns(market, tf);
      if (series && series.length > 0) {
        const close = series.close[series.length - 1]!;
        this.#price.set(market, close);
        return close;
      }
    }
    return undefined;
  }

  setPrice(market: string, price: number): void {
    this.#price.set(market, price);
  }

  /** Up to `count` candles opening before `to` (exclusive), newest first, as Upbit answers. */
  candles(market: string, timeframe: Timeframe, count: number, to: number): Candle[] {
    const series = this.#columns(market, timeframe);
    if (!series) return [];
    const end = lowerBound(series.openTime, series.length, to);
    const out: Candle[] = [];
    for (let i = end - 1; i >= Math.max(0, end - count); i--) out.push(candleAt(series, i));
    return out;
  }

  #columns(market: string, timeframe: Timeframe): CandleSeries | undefined {
    const key = `${market}/${timeframe}`;
    if (!this.#series.has(key)) {
      this.#series.set(key, this.#markets.includes(market) ? this.#supply(market, timeframe) : undefined);
    }
    return this.#series.get(key);
  }
}

/** Park-Miller style LCG: tiny, seeded, reproducible across runs and machines. */
export function seededRandom(seed: number): () => number {
  let state = (seed % 2147483647) + 1;
  return () => {
    state = (state * 48271) % 2147483647;
    return (state - 1) / 2147483646;
  };
}

/**
 * A seeded random walk for one market and timeframe ending at `now`, SPEC.md's window long
 * (HISTORY_WINDOW: 5m 7 days, 15m 14 days, 1h 90 days, 1d 1 year).
 * Each timeframe is walked on its own (they are not aggregates of each other): enough for the
 * client, the collector and the demo, which need Upbit-shaped pages, not a coherent market.
 */
export function syntheticSeries(
  market: string,
  m: number,
  tf: Timeframe,
  now: number,
  seed: number,
): Candle[] {
  const out: Candle[] = [];
  const random = seededRandom(seed * 7919 + m * 131 + TIMEFRAME_MS[tf] / 60_000);
  const step = TIMEFRAME_MS[tf];
  const n = HISTORY_WINDOW[tf];
  const lastOpen = Math.floor(now / step) * step - step;
  // 0.2% per 5 minutes, scaled with sqrt(time) like a random walk's spread.
  const sigma = 0.002 * Math.sqrt(step / TIMEFRAME_MS['5m']);
  let price = SYNTHETIC_START[market] ?? 10_000;
  const t = (p: number, side: 'buy' | 'sell') => roundPriceToTick(market, p, side);
  for (let i = 0; i < n; i++) {
    const open = price;
    const close = open * (1 + sigma * (random() * 2 - 1));
    const high = Math.max(open, close) * (1 + (sigma / 2) * random());
    const low = Math.min(open, close) * (1 - (sigma / 2) * random());
    const volume = Number((10 * random() * (1e7 / open)).toFixed(8)) + 1e-8;
    const o = t(open, 'buy');
    const c = t(close, 'buy');
    out.push({
      market,
      timeframe: tf,
      openTime: lastOpen - (n - 1 - i) * step,
      open: o,
      high: Math.max(t(high, 'buy'), o, c),
      low: Math.min(t(low, 'sell'), o, c),
      close: c,
      volume,
      quoteVolume: volume * c,
    });
    price = close;
  }
  return out;
}
