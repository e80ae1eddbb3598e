// The deterministic synthetic market (the embedded default source, spec.marketData.source
// "synthetic"): a shared regime chain (range / trend up / trend down / crash / breakout), per-market
// shocks correlated through a market factor, volatility clustering, volume that rises with the size
// of moves and in crashes and breakouts, and KRW prices on Upbit's tick grid. The series is a pure
// function of (seed, market, candle index since `start`): a longer range only appends candles, so
// backtests, paper runs and tests see the same market for the same seed.
import { isKrwMarket, krwTickSize } from '../portfolio/market-rules.ts';
import type { Timeframe } from '../types.ts';
import { aggregateSeries } from './aggregate.ts';
import { MarketDataError } from './data-issue.ts';
import { Prng } from './prng.ts';
import { type CandleSeries, CandleSeriesBuilder, sliceSeries } from './series.ts';
import type { MarketData, MarketSource, TimeRange } from './source.ts';
import {
  DEFAULT_SYNTHETIC_MARKETS,
  fallbackProfile,
  KRW_MAJORS,
  MARKET_FACTOR_CORRELATION,
  type MarketProfile,
  MEAN_REVERSION_PER_CANDLE,
  REGIMES,
  type RegimeName,
} from './synthetic-profiles.ts';
import { bucketStart, TIMEFRAME_MS } from './timeframes.ts';

export interface SyntheticOptions {
  /** spec.marketData.seed (default 1). */
  seed?: number;
  /** spec.markets; the four KRW majors by default. */
  markets?: readonly string[];
  /** Open time of the first candle (epoch ms, on the 5m grid); 2025-01-01T00:00Z by default. */
  start?: number;
  /** Length when a load gives no `to`: 365 days (the backtest target's one year). */
  defaultDays?: number;
}

export const SYNTHETIC_START = Date.UTC(2025, 0, 1);
const STEP = TIMEFRAME_MS['5m'];
const DAY = TIMEFRAME_MS['1d'];
// Volatility clustering: log-volatility AR(1) with persistence 0.98 and shock 0.08 per candle.
const VOL_PERSISTENCE = 0.98;
const VOL_SHOCK = 0.08;
// Traded volume responds to the size of the move (in calm-volatility units) and has lognormal noise.
const VOLUME_PER_SIGMA = 0.6;
const VOLUME_NOISE = 0.35;
// High/low extend beyond open/close by a half-normal fraction of the candle's volatility.
const WICK_SCALE = 0.6;
// Daily rhythm of a Korean retail market, as one sine wave: activity is lowest before dawn in Korea
// (20:00 UTC = 05:00 KST) and highest twelve hours later (08:00 UTC = 17:00 KST); volume swings
// +-30% over the day, volatility +-15%.
const DAILY_PEAK_UTC_HOUR = 8;
const DAILY_VOLUME_SWING = 0.3;
const DAILY_VOLATILITY_SWING = 0.15;
// Rare jumps (news, liquidations) give the fat tails real 5m returns have (kurtosis 36-550 in the
// Binance candles vs ~8 without jumps): about one every two weeks, of ~14 calm volatilities.
const JUMP_PER_CANDLE = 1 / 4032;
const JUMP_SIZE = 14;
/** cos of the time of day for each 5m slot (start is on the 5m grid), computed once. */
const DAILY_RHYTHM = Array.from({ length: TIMEFRAME_MS['1d'] / TIMEFRAME_MS['5m'] }, (_, slot) =>
  Math.cos((2 * Math.PI * ((slot * TIMEFRAME_MS['5m']) / TIMEFRAME_MS['1h'] - DAILY_PEAK_UTC_HOUR)) / 24),
);
/** Saturday and Sunday (UTC) trade less. */
const WEEKEND_VOLUME = 0.8;
/** A load longer than this is a mistake (a `to` years ahead), not a backtest: ~1M candles per market. */
const MAX_YEARS = 10;

export class SyntheticMarket implements MarketSource {
  readonly markets: string[];
  readonly seed: number;
  readonly start: number;
  readonly issues = [];
  readonly #defaultEnd: number;
  readonly #cache = new Map<string, CandleSeries>();

  constructor(options: SyntheticOptions = {}) {
    this.seed = options.seed ?? 1;
    this.markets = [...(options.markets ?? DEFAULT_SYNTHETIC_MARKETS)];
    this.start = bucketStart(options.start ?? SYNTHETIC_START, STEP);
    this.#defaultEnd = this.start + (options.defaultDays ?? 365) * DAY;
  }

  async load(range: TimeRange = {}): Promise<MarketData> {
    const to = range.to ?? this.#defaultEnd;
    const out: MarketData = new Map();
    for (const market of this.markets) {
      const fiveMinutes = sliceSeries(this.series5m(market, to), range);
      const byTf: Partial<Record<Timeframe, CandleSeries>> = { '5m': fiveMinutes };
      for (const tf of ['15m', '1h', '1d'] as const) byTf[tf] = aggregateSeries(fiveMinutes, tf);
      out.set(market, byTf);
    }
    return out;
  }

  /** Every 5m candle of `market` opening before `to`. */
  series5m(market: string, to: number): CandleSeries {
    const count = Math.max(0, Math.ceil((to - this.start) / STEP));
    if (count > MAX_YEARS * 365 * (DAY / STEP)) {
      throw new MarketDataError(
        'NO_DATA',
        `synthetic market: ${new Date(to).toISOString()} is more than ${MAX_YEARS} years after its start ${new Date(this.start).toISOString()}; pass a nearer range or a later start`,
      );
    }
    const cached = this.#cache.get(market);
    if (cached && cached.length >= count) return sliceSeries(cached, { to });
    const series = generate(this.seed, market, this.start, count);
    this.#cache.set(market, series);
    return series;
  }
}

function regimePath(seed: number, count: number): Uint8Array {
  const names = Object.keys(REGIMES) as RegimeName[];
  const rng = new Prng(seed, 'regimes');
  const path = new Uint8Array(count);
  let current: RegimeName = 'range';
  for (let i = 0; i < count; i++) {
    const regime = REGIMES[current];
    if (rng.next() < 1 / regime.meanLength) current = pickNext(regime.next, rng);
    path[i] = names.indexOf(current);
  }
  return path;
}

function pickNext(weights: Partial<Record<RegimeName, number>>, rng: Prng): RegimeName {
  const entries = Object.entries(weights) as [RegimeName, number][];
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let draw = rng.next() * total;
  for (const [name, w] of entries) {
    draw -= w;
    if (draw < 0) return name;
  }
  return entries[entries.length - 1]![0];
}

/** Rounds onto the market's price grid: Upbit's KRW ticks, 6 significant digits elsewhere. */
function toGrid(market: string, price: number, mode: 'round' | 'up' | 'down'): number {
  const tick = isKrwMarket(market) ? krwTickSize(price) : 10 ** (Math.floor(Math.log10(price)) - 5);
  // Snap float noise (1234.0000000001 ticks) before ceil/floor so a price on the grid stays put.
  const ticks = Math.round((price / tick) * 1e6) / 1e6;
  const f = mode === 'up' ? Math.ceil : mode === 'down' ? Math.floor : Math.round;
  const n = Math.max(1, f(ticks));
  if (tick >= 1) return n * tick;
  // Fractional ticks: divide by the inverse (an integer) so 123 * 0.01 prints as 1.23.
  const inverse = Math.round(1 / tick);
  return n / inverse;
}

function generate(seed: number, market: string, start: number, count: number): CandleSeries {
  const profile: MarketProfile = KRW_MAJORS[market] ?? fallbackProfile(market);
  const names = Object.keys(REGIMES) as RegimeName[];
  const regimes = regimePath(seed, count);
  // The shared factor has its own stream, so adding a market never changes the others.
  const factor = new Prng(seed, 'market-factor');
  const own = new Prng(seed, `market:${market}`);
  const out = new CandleSeriesBuilder(market, '5m', count);
  const anchor = Math.log(profile.price);
  const idio = Math.sqrt(1 - MARKET_FACTOR_CORRELATION ** 2);
  let logVol = 0;
  let close = toGrid(market, profile.price, 'round');
  // Regime parameters by index: the loop below runs ~105k times per market-year.
  const drift = names.map((n) => REGIMES[n].drift);
  const volatility = names.map((n) => REGIMES[n].volatility);
  const volumeFactor = names.map((n) => REGIMES[n].volume);
  for (let i = 0; i < count; i++) {
    const r = regimes[i]!;
    logVol = VOL_PERSISTENCE * logVol + VOL_SHOCK * factor.normal();
    const openTime = start + i * STEP;
    const rhythm = DAILY_RHYTHM[Math.round((openTime % DAY) / STEP)]!;
    const sigma =
      profile.volatility * volatility[r]! * Math.exp(logVol) * (1 + DAILY_VOLATILITY_SWING * rhythm);
    const shock = MARKET_FACTOR_CORRELATION * factor.normal() + idio * own.normal();
    const pull = -MEAN_REVERSION_PER_CANDLE * (Math.log(close) - anchor);
    const jump = own.next() < JUMP_PER_CANDLE ? JUMP_SIZE * profile.volatility * own.normal() : 0;
    const logReturn = drift[r]! * profile.beta + pull + sigma * shock + jump;
    const open = close;
    close = toGrid(market, open * Math.exp(logReturn), 'round');
    const wickUp = Math.abs(own.normal()) * sigma * WICK_SCALE;
    const wickDown = Math.abs(own.normal()) * sigma * WICK_SCALE;
    const high = toGrid(market, Math.max(open, close) * Math.exp(wickUp), 'up');
    const low = Math.min(toGrid(market, Math.min(open, close) * Math.exp(-wickDown), 'down'), open, close);
    const moveSize = Math.abs(logReturn) / profile.volatility;
    const quoteVolume = Math.round(
      profile.quoteVolume *
        volumeFactor[r]! *
        (1 + DAILY_VOLUME_SWING * rhythm) *
        (isWeekend(openTime) ? WEEKEND_VOLUME : 1) *
        (1 + VOLUME_PER_SIGMA * moveSize) *
        Math.exp(VOLUME_NOISE * own.normal()),
    );
    const typical = (open + high + low + close) / 4;
    out.push({
      openTime: start + i * STEP,
      open,
      high,
      low,
      close,
      volume: quoteVolume / typical,
      quoteVolume,
    });
  }
  return out.build();
}

/** Saturday or Sunday in UTC; 1970-01-01 (day 0) was a Thursday. */
function isWeekend(time: number): boolean {
  const weekday = (Math.floor(time / DAY) + 4) % 7;
  return weekday === 0 || weekday === 6;
}
