// The synthetic market's parameters: per-market price and liquidity levels, and the regimes it
// switches between. Levels are round figures near Upbit KRW prices of late 2025 (BTC ~140M KRW,
// ETH ~5M, SOL ~250k, XRP ~3k); calm volatilities are set so that, with regimes and volatility
// clustering on top, 5-minute log returns spread like the Binance candles in ../shared/data
// (measured standard deviation: BTC 0.145%, ETH 0.226%, XRP 0.279%, SOL 0.268%).

export interface MarketProfile {
  /** Starting (and long-run anchor) price in quote currency. */
  price: number;
  /** Standard deviation of a 5-minute log return in a calm market. */
  volatility: number;
  /** Typical quote value traded per 5 minutes (KRW for KRW markets). */
  quoteVolume: number;
  /** Sensitivity to the shared market factor (1 = moves with the market). */
  beta: number;
}

export const KRW_MAJORS: Readonly<Record<string, MarketProfile>> = {
  'KRW-BTC': { price: 140_000_000, volatility: 0.0012, quoteVolume: 900_000_000, beta: 1 },
  'KRW-ETH': { price: 5_000_000, volatility: 0.0018, quoteVolume: 500_000_000, beta: 1.2 },
  'KRW-XRP': { price: 3_000, volatility: 0.0022, quoteVolume: 700_000_000, beta: 1.1 },
  'KRW-SOL': { price: 250_000, volatility: 0.0021, quoteVolume: 250_000_000, beta: 1.3 },
};

export const DEFAULT_SYNTHETIC_MARKETS = Object.keys(KRW_MAJORS);

export type RegimeName = 'range' | 'trendUp' | 'trendDown' | 'crash' | 'breakout';

export interface Regime {
  /** Log drift per 5-minute candle (times the market's beta). */
  drift: number;
  /** Multiplier on the market's volatility. */
  volatility: number;
  /** Multiplier on traded volume: volume rises in crashes and breakouts. */
  volume: number;
  /** Mean length in 5-minute candles (the switch probability per candle is 1 / this). */
  meanLength: number;
  /** Where the market goes when the regime ends, with weights. */
  next: Partial<Record<RegimeName, number>>;
}

// Lengths: ranges ~2 days, trends ~1.5 days, crashes ~3 hours, breakouts ~6 hours. Drifts: a trend
// moves ~1.2% a day, a crash ~-5% in its 3 hours, a breakout ~+6% in 6 hours (times the market's
// beta). Calibrated so daily returns have roughly the spread of the Binance candles in
// ../shared/data (see synthetic-market.test.ts, which checks it against them).
export const REGIMES: Readonly<Record<RegimeName, Regime>> = {
  range: {
    drift: 0,
    volatility: 0.8,
    volume: 0.8,
    meanLength: 576,
    next: { trendUp: 4, trendDown: 4, breakout: 1, crash: 1 },
  },
  trendUp: {
    drift: 0.00004,
    volatility: 1,
    volume: 1.1,
    meanLength: 432,
    next: { range: 6, trendDown: 1, breakout: 2, crash: 1 },
  },
  trendDown: {
    drift: -0.00004,
    volatility: 1.1,
    volume: 1.1,
    meanLength: 432,
    next: { range: 6, trendUp: 2, crash: 2 },
  },
  crash: {
    drift: -0.0015,
    volatility: 3,
    volume: 4,
    meanLength: 36,
    next: { range: 5, trendDown: 3, trendUp: 2 },
  },
  breakout: {
    drift: 0.0008,
    volatility: 2.2,
    volume: 3,
    meanLength: 72,
    next: { trendUp: 5, range: 4, crash: 1 },
  },
};

/** Correlation of each market's shocks with the shared market factor. */
export const MARKET_FACTOR_CORRELATION = 0.7;
/** Pull of the log price back to the profile's level per candle: a ~30-day half-life keeps a year plausible. */
export const MEAN_REVERSION_PER_CANDLE = Math.LN2 / (30 * 288);

/** A profile for markets outside the table: a level from the name, mid-cap volatility. */
export function fallbackProfile(market: string): MarketProfile {
  let h = 0;
  for (let i = 0; i < market.length; i++) h = (h * 31 + market.charCodeAt(i)) >>> 0;
  return {
    price: 10 ** (2 + (h % 4)) * (1 + (h % 9)),
    volatility: 0.003,
    quoteVolume: 100_000_000,
    beta: 1.2,
  };
}
