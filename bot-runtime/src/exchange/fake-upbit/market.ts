// The fake exchange's market data: candles per market and timeframe (given, e.g. replayed from
// ../shared/data, or a seeded synthetic walk) served the way Upbit serves them (newest first, `to`
// exclusive, `count` <= 200), and the current price that orders fill at and the ticker reports.
import { roundPriceToTick } from '../../portfolio/market-rules.ts';
import type { Candle, Timeframe } from '../../types.ts';

export const TIMEFRAME_MS: Record<Timeframe, number> = {
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
};

/** SPEC.md "Data collection" windows (5m 7 d, 15m 14 d, 1h 90 d, 1d 1 y): what the synthetic market holds. */
export const SPEC_HISTORY: Record<Timeframe, number> = { '5m': 2016, '15m': 1344, '1h': 2160, '1d': 365 };

/** Starting prices of the synthetic walk, roughly Upbit's KRW prices in 2026. */
const SYNTHETIC_START: Record<string, number> = {
  'KRW-BTC': 140_000_000,
  'KRW-ETH': 5_000_000,
  'KRW-XRP': 3_000,
  'KRW-SOL': 250_000,
};

/** Where the fake's candles come from; asked once per market and timeframe, when first needed. */
export type CandleSupply = (market: string, timeframe: Timeframe) => Candle[];

export class FakeMarket {
  readonly #markets: readonly string[];
  readonly #supply: CandleSupply;
  /** market/timeframe -> candles, oldest first, filled on first use. */
  readonly #series = new Map<string, Candle[]>();
  readonly #price = new Map<string, number>();

  /**
   * Lazily supplied so a test that only trades never pays for a year of synthetic candles: the
   * eager walk of 23.5k candles took 640 ms per exchange start on the shared 2-core machine.
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
    for (const list of groups.values()) list.sort((a, b) => a.openTime - b.openTime);
    const markets = [...new Set(candles.map((c) => c.market))];
    return new FakeMarket(markets, (market, tf) => groups.get(`${market}/${tf}`) ?? []);
  }

  static synthetic(markets: readonly string[], now: number, seed: number): FakeMarket {
    return new FakeMarket(markets, (market, tf) =>
      syntheticSeries(market, markets.indexOf(market), tf, now, seed),
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
      const last = this.#candlesOf(market, tf).at(-1);
      if (last) {
        this.#price.set(market, last.close);
        return last.close;
      }
    }
    return undefined;
  }

  setPrice(market: string, price: number): void {
    this.#price.set(market, price);
  }

  /** Up to `count` candles opening before `to` (exclusive), newest first, as Upbit answers. */
  candles(market: string, timeframe: Timeframe, count: number, to: number): Candle[] {
    const list = this.#candlesOf(market, timeframe);
    let hi = list.length;
    let lo = 0;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]!.openTime < to) lo = mid + 1;
      else hi = mid;
    }
    return list.slice(Math.max(0, lo - count), lo).reverse();
  }

  #candlesOf(market: string, timeframe: Timeframe): Candle[] {
    const key = `${market}/${timeframe}`;
    let list = this.#series.get(key);
    if (!list) {
      list = this.#markets.includes(market) ? this.#supply(market, timeframe) : [];
      this.#series.set(key, list);
    }
    return list;
  }
}

const TIMEFRAMES = Object.keys(TIMEFRAME_MS) as Timeframe[];

/** Park-Miller style LCG: tiny, seeded, reproducible across runs and machines. */
export function seededRandom(seed: number): () => number {
  let state = (seed % 2147483647) + 1;
  return () => {
    state = (state * 48271) % 2147483647;
    return (state - 1) / 2147483646;
  };
}

/**
 * A seeded random walk for one market and timeframe ending at `now`, SPEC_HISTORY candles long.
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
  const n = SPEC_HISTORY[tf];
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
