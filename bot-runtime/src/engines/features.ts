// THE feature definition of the ML and RL layers (issue 5: one definition; the Python trainer reads
// the export of these values and never re-implements them). Every feature is stationary — a ratio,
// a percentage or a bounded oscillator — so a model trained on one price level (USDT, 2025) applies
// at another (KRW, today). No raw price or volume enters the vector.
//
// The indicator periods are FIXED here, not taken from spec.engine: the feature vector is the
// model's input contract, and tuning a layer's RSI period must not silently change what a trained
// model sees. Changing this list or a period requires retraining (the loader rejects a model whose
// input width differs; same width but changed meaning is caught by models/baseline/parity.json).

/** Periods of the indicators behind the features (the model's contract, see above). */
export const FEATURE_PERIODS = {
  rsi: 14,
  macd: { fast: 12, slow: 26, signal: 9 },
  bollinger: { period: 20, stdDev: 2 },
  volume: 20,
  trendEma: { fast: 20, slow: 50 },
  trendRsi: 14,
  momentumRoc: 10,
} as const;

/** Log-return horizons in entry (5m) candles: 5 min, 15 min, 1 h, 4 h, 1 day. */
export const RETURN_HORIZONS = [1, 3, 12, 48, 288] as const;

/** What MarketState measures for the features; NaN while warming up. */
export interface FeatureReadings {
  /** RSI(14) of the entry series. */
  rsi: number;
  macd: number;
  macdHist: number;
  percentB: number;
  /** (upper - lower) / middle x 100 of Bollinger(20, 2). */
  bandWidthPct: number;
  volumeRatio: number;
  /** (close - open) / open x 100 of the newest entry candle. */
  bodyPct: number;
  /** (high - low) / close x 100 of the newest entry candle. */
  rangePct: number;
  close: number;
  /** ln(close / close h candles ago) x 100 for each of RETURN_HORIZONS. */
  returnsPct: number[];
  /** (EMA20 - EMA50) / EMA50 x 100 on the trend (1h) series. */
  trendPct: number;
  /** RSI(14) of the trend (1h) series. */
  trendRsi: number;
  /** ROC(10) in percent on the momentum (15m) series. */
  momentumPct: number;
}

export const FEATURE_NAMES: readonly string[] = [
  'rsi',
  'macd_pct',
  'macd_hist_pct',
  'bb_percent_b',
  'bb_width_pct',
  'volume_ratio_log1p',
  'body_pct',
  'range_pct',
  ...RETURN_HORIZONS.map((h) => `ret_${h}_pct`),
  'trend_pct',
  'trend_rsi',
  'momentum_pct',
];

/** Writes the feature vector into `out` (FEATURE_NAMES order) and returns it; NaN marks warm-up. */
export function featureVector(
  r: FeatureReadings,
  out = new Float32Array(FEATURE_NAMES.length),
): Float32Array {
  let i = 0;
  out[i++] = r.rsi / 100;
  out[i++] = (r.macd / r.close) * 100;
  out[i++] = (r.macdHist / r.close) * 100;
  out[i++] = r.percentB;
  out[i++] = r.bandWidthPct;
  // log1p, not log: a candle with no trades (ratio 0) stays a finite feature.
  out[i++] = Math.log1p(r.volumeRatio);
  out[i++] = r.bodyPct;
  out[i++] = r.rangePct;
  for (let h = 0; h < RETURN_HORIZONS.length; h++) out[i++] = r.returnsPct[h] ?? Number.NaN;
  out[i++] = r.trendPct;
  out[i++] = r.trendRsi / 100;
  out[i++] = r.momentumPct;
  return out;
}

/** True when every feature is a finite number (the state is warm enough to ask the model). */
export function isComplete(features: Float32Array): boolean {
  for (let i = 0; i < features.length; i++) if (!Number.isFinite(features[i])) return false;
  return true;
}
