// Per market: feeds closed candles of each timeframe into the streaming indicators the layers and
// the feature vector need, and exposes a snapshot of the newest readings. O(1) per candle: the live
// cycle never recomputes history (issue 5, item 2).
//
// Feeding order per 5m close: the higher-timeframe candles that closed with it (TimeframeBook.push
// returns them), then the 5m candle itself — every candle is visible only after it closed, so the
// state never looks ahead.
import { Bollinger, Ema, Macd, RateOfChange, Rsi, VolumeRatio } from '../indicators/index.ts';
import { HISTORY_WINDOW, TIMEFRAME_MS, TIMEFRAMES, timeframeOfMs } from '../market/timeframes.ts';
import type { Candle, Timeframe } from '../types.ts';
import { checkLayerTimeframes, type EngineConfig } from './config.ts';
import {
  FEATURE_NAMES,
  FEATURE_PERIODS,
  type FeatureReadings,
  featureVector,
  RETURN_HORIZONS,
} from './features.ts';
import type { MarketSnapshot, MultiTimeframeReadings, TechnicalReadings } from './readings.ts';

const MAX_HORIZON = Math.max(...RETURN_HORIZONS);

/** Latest closes of the entry series, enough for the longest return horizon. */
class CloseRing {
  readonly #buf = new Float64Array(MAX_HORIZON + 1);
  #count = 0;

  push(close: number): void {
    this.#buf[this.#count % this.#buf.length] = close;
    this.#count++;
  }

  /** ln(newest / close h candles before it) x 100; NaN until h + 1 closes were seen. */
  logReturnPct(h: number): number {
    if (this.#count <= h) return Number.NaN;
    const n = this.#buf.length;
    const now = this.#buf[(this.#count - 1) % n]!;
    const then = this.#buf[(this.#count - 1 - h) % n]!;
    return Math.log(now / then) * 100;
  }
}

export class MarketState {
  readonly market: string;
  readonly #cfg: EngineConfig;
  #time = Number.NaN;
  readonly #counts: Record<Timeframe, number> = { '5m': 0, '15m': 0, '1h': 0, '1d': 0 };

  // Layer 1 (spec.engine.technical periods) on the entry series.
  readonly #rsi: Rsi;
  readonly #macd: Macd;
  readonly #bollinger: Bollinger;
  readonly #volume: VolumeRatio;
  // Layer 2 (spec.engine.multiTimeframe periods).
  readonly #trendFast: Ema;
  readonly #trendSlow: Ema;
  readonly #momentum: RateOfChange;
  readonly #entryRsi: Rsi;
  // Features (fixed periods, see features.ts). Where the spec's layer periods and timeframe equal
  // the feature ones (the defaults), the feature field IS the layer's indicator: one update, read
  // twice: a default bot's MarketState.advance went from 4.1-4.7 to 1.8-2.2 us per 5m candle
  // (one year of USDT-BTC, same loaded 2-core machine, last 3 of 5 runs).
  readonly #fRsi: Rsi;
  readonly #fMacd: Macd;
  readonly #fBollinger: Bollinger;
  readonly #fVolume: VolumeRatio;
  readonly #fTrendFast: Ema;
  readonly #fTrendSlow: Ema;
  readonly #fTrendRsi = new Rsi(FEATURE_PERIODS.trendRsi);
  readonly #fMomentum: RateOfChange;
  readonly #closes = new CloseRing();

  readonly #technical: TechnicalReadings = {
    rsi: Number.NaN,
    macdHist: Number.NaN,
    percentB: Number.NaN,
    volumeRatio: Number.NaN,
    candleBody: Number.NaN,
  };
  readonly #multiTimeframe: MultiTimeframeReadings = {
    trendPct: Number.NaN,
    momentumPct: Number.NaN,
    entryRsi: Number.NaN,
  };
  readonly #features: FeatureReadings = {
    rsi: Number.NaN,
    macd: Number.NaN,
    macdHist: Number.NaN,
    percentB: Number.NaN,
    bandWidthPct: Number.NaN,
    volumeRatio: Number.NaN,
    bodyPct: Number.NaN,
    rangePct: Number.NaN,
    close: Number.NaN,
    returnsPct: RETURN_HORIZONS.map(() => Number.NaN),
    trendPct: Number.NaN,
    trendRsi: Number.NaN,
    momentumPct: Number.NaN,
  };

  /** Throws UnsupportedTimeframeError (naming the spec field) for a layer-2 timeframe the runtime lacks. */
  constructor(market: string, cfg: EngineConfig) {
    checkLayerTimeframes(cfg.multiTimeframe);
    this.market = market;
    this.#cfg = cfg;
    const t = cfg.technical;
    const m = cfg.multiTimeframe;
    this.#rsi = new Rsi(t.rsi.period);
    this.#macd = new Macd(t.macd.fast, t.macd.slow, t.macd.signal);
    this.#bollinger = new Bollinger(t.bollinger.period, t.bollinger.stdDev);
    this.#volume = new VolumeRatio(t.volumePeriod);
    this.#trendFast = new Ema(m.trendFastPeriod);
    this.#trendSlow = new Ema(m.trendSlowPeriod);
    this.#momentum = new RateOfChange(m.momentumPeriod);
    this.#entryRsi = m.entryRsiPeriod === t.rsi.period ? this.#rsi : new Rsi(m.entryRsiPeriod);

    const F = FEATURE_PERIODS;
    const on5m = m.entry === '5m';
    this.#fRsi = on5m && t.rsi.period === F.rsi ? this.#rsi : new Rsi(F.rsi);
    const sameMacd =
      t.macd.fast === F.macd.fast && t.macd.slow === F.macd.slow && t.macd.signal === F.macd.signal;
    this.#fMacd = on5m && sameMacd ? this.#macd : new Macd(F.macd.fast, F.macd.slow, F.macd.signal);
    const sameBands = t.bollinger.period === F.bollinger.period && t.bollinger.stdDev === F.bollinger.stdDev;
    this.#fBollinger =
      on5m && sameBands ? this.#bollinger : new Bollinger(F.bollinger.period, F.bollinger.stdDev);
    this.#fVolume = on5m && t.volumePeriod === F.volume ? this.#volume : new VolumeRatio(F.volume);
    const on1h = m.trend === '1h';
    this.#fTrendFast =
      on1h && m.trendFastPeriod === F.trendEma.fast ? this.#trendFast : new Ema(F.trendEma.fast);
    this.#fTrendSlow =
      on1h && m.trendSlowPeriod === F.trendEma.slow ? this.#trendSlow : new Ema(F.trendEma.slow);
    this.#fMomentum =
      m.momentum === '15m' && m.momentumPeriod === F.momentumRoc
        ? this.#momentum
        : new RateOfChange(F.momentumRoc);
  }

  /**
   * One 5m close: the higher-timeframe candles that closed with it (TimeframeBook.push's result),
   * then the 5m candle — the feeding order above, in one place for the loop and the export.
   */
  advance(candle5m: Candle, closedHigher: readonly Candle[]): void {
    const closeTime = candle5m.openTime + TIMEFRAME_MS['5m'];
    for (const c of closedHigher) {
      // Workaround: CandleAggregator#emit (market/aggregate.ts at e66c156) spreads the 5m candle
      // over its own timeframe, so aggregated candles arrive labelled '5m'. A higher candle that
      // closes with this 5m candle spans closeTime - openTime; use that when the label is wrong.
      const span = timeframeOfMs(closeTime - c.openTime);
      this.update(
        c.timeframe === '5m' && span !== undefined && span !== '5m' ? { ...c, timeframe: span } : c,
      );
    }
    this.update(candle5m);
  }

  /** Feeds one CLOSED candle of any timeframe (see the feeding order above). */
  update(c: Candle): void {
    if (c.market !== this.market)
      throw new RangeError(`MarketState(${this.market}) fed a ${c.market} candle`);
    this.#counts[c.timeframe]++;
    const m = this.#cfg.multiTimeframe;
    // The layer timeframes are spec fields; the feature timeframes are the fixed 5m/15m/1h.
    if (c.timeframe === m.entry) this.#onEntry(c);
    if (c.timeframe === m.trend) {
      const fast = this.#trendFast.update(c.close);
      const slow = this.#trendSlow.update(c.close);
      this.#multiTimeframe.trendPct = ((fast - slow) / slow) * 100;
    }
    if (c.timeframe === m.momentum) this.#multiTimeframe.momentumPct = this.#momentum.update(c.close);
    if (c.timeframe === '5m') this.#onFeatureEntry(c);
    // Feature updates run after the layer updates above, so a shared indicator already holds this
    // candle's value.
    if (c.timeframe === '1h') {
      const fast =
        this.#fTrendFast === this.#trendFast ? this.#trendFast.value : this.#fTrendFast.update(c.close);
      const slow =
        this.#fTrendSlow === this.#trendSlow ? this.#trendSlow.value : this.#fTrendSlow.update(c.close);
      this.#features.trendPct = ((fast - slow) / slow) * 100;
      this.#features.trendRsi = this.#fTrendRsi.update(c.close);
    }
    if (c.timeframe === '15m') {
      this.#features.momentumPct =
        this.#fMomentum === this.#momentum ? this.#momentum.value : this.#fMomentum.update(c.close);
    }
  }

  #onEntry(c: Candle): void {
    const t = this.#technical;
    t.rsi = this.#rsi.update(c.close);
    const macd = this.#macd.update(c.close);
    t.macdHist = macd.hist;
    t.percentB = this.#bollinger.update(c.close).percentB;
    t.volumeRatio = this.#volume.update(c.volume);
    t.candleBody = c.close - c.open;
    this.#multiTimeframe.entryRsi = this.#entryRsi === this.#rsi ? t.rsi : this.#entryRsi.update(c.close);
  }

  #onFeatureEntry(c: Candle): void {
    // The decision time: the close of the newest 5m candle (types.ts Signal.time), whatever the
    // entry timeframe.
    this.#time = c.openTime + TIMEFRAME_MS['5m'];
    const f = this.#features;
    f.close = c.close;
    f.rsi = this.#fRsi === this.#rsi ? this.#rsi.value : this.#fRsi.update(c.close);
    const macd = this.#fMacd === this.#macd ? this.#macd.value : this.#fMacd.update(c.close);
    f.macd = macd.macd;
    f.macdHist = macd.hist;
    const bb =
      this.#fBollinger === this.#bollinger ? this.#bollinger.value : this.#fBollinger.update(c.close);
    f.percentB = bb.percentB;
    f.bandWidthPct = ((bb.upper - bb.lower) / bb.middle) * 100;
    f.volumeRatio = this.#fVolume === this.#volume ? this.#volume.value : this.#fVolume.update(c.volume);
    f.bodyPct = ((c.close - c.open) / c.open) * 100;
    f.rangePct = ((c.high - c.low) / c.close) * 100;
    this.#closes.push(c.close);
    for (let h = 0; h < RETURN_HORIZONS.length; h++)
      f.returnsPct[h] = this.#closes.logReturnPct(RETURN_HORIZONS[h]!);
  }

  /** Close time of the newest 5m candle (the decision time); NaN before the first one. */
  get time(): number {
    return this.#time;
  }

  /** 0..1 per timeframe: candles seen / SPEC history window (capped at 1). */
  completeness(): Record<Timeframe, number> {
    const out = {} as Record<Timeframe, number>;
    for (const tf of TIMEFRAMES) out[tf] = Math.min(1, this.#counts[tf] / HISTORY_WINDOW[tf]);
    return out;
  }

  /**
   * A copy of the newest readings: safe to keep after further updates. With `into`, the copy is
   * written into that (earlier) snapshot instead of new objects: the backtest keeps one per slot
   * of its block and reuses them, 4 allocations less per candle (loop/PERFORMANCE.md).
   */
  snapshot(into?: MarketSnapshot): MarketSnapshot {
    if (into === undefined) {
      return {
        market: this.market,
        time: this.#time,
        close: this.#features.close,
        technical: { ...this.#technical },
        multiTimeframe: { ...this.#multiTimeframe },
        completeness: this.completeness(),
      };
    }
    into.market = this.market;
    into.time = this.#time;
    into.close = this.#features.close;
    const t = into.technical;
    t.rsi = this.#technical.rsi;
    t.macdHist = this.#technical.macdHist;
    t.percentB = this.#technical.percentB;
    t.volumeRatio = this.#technical.volumeRatio;
    t.candleBody = this.#technical.candleBody;
    const m = into.multiTimeframe;
    m.trendPct = this.#multiTimeframe.trendPct;
    m.momentumPct = this.#multiTimeframe.momentumPct;
    m.entryRsi = this.#multiTimeframe.entryRsi;
    // Named properties, not a loop over TIMEFRAMES: keyed stores in the loop were most of this
    // method's cost (~0.8 us per candle in a CPU profile; the backtest calls it once per candle).
    const c = into.completeness;
    const n = this.#counts;
    c['5m'] = Math.min(1, n['5m'] / HISTORY_WINDOW['5m']);
    c['15m'] = Math.min(1, n['15m'] / HISTORY_WINDOW['15m']);
    c['1h'] = Math.min(1, n['1h'] / HISTORY_WINDOW['1h']);
    c['1d'] = Math.min(1, n['1d'] / HISTORY_WINDOW['1d']);
    return into;
  }

  /** The ML/RL input (FEATURE_NAMES order); NaN entries while any indicator warms up. */
  features(out = new Float32Array(FEATURE_NAMES.length)): Float32Array {
    return featureVector(this.#features, out);
  }
}
