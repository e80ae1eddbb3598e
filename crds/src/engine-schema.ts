// Layer 1, layer 2 and the enhanced combiner: the signal thresholds of SPEC.md, seed values as
// defaults (tuning candidates named in the descriptions). Part of the TradingBot schema (schema.ts).
import { cel } from './cel.ts';
import { int, num, oneOf, ratio, section } from './fields.ts';

// The timeframes the runtime collects and keeps (SPEC.md "Data collection"); layer 2 can use only these.
export const TIMEFRAMES = ['5m', '15m', '1h', '1d'] as const;
type TimeframeName = (typeof TIMEFRAMES)[number];

/** Minutes per timeframe: CEL has no duration parsing for '15m', so the rule carries this map. */
const MINUTES: Record<TimeframeName, number> = {
  '5m': 5,
  '15m': 15,
  '1h': 60,
  '1d': 1440,
};
const celMinutes = `{${Object.entries(MINUTES)
  .map(([tf, minutes]) => `'${tf}': ${minutes}`)
  .join(', ')}}`;

const period = (description: string, defaultValue: number) =>
  int(description, defaultValue, { minimum: 1, maximum: 500 });
const rsiLevel = (description: string, defaultValue: number) =>
  num(description, defaultValue, { minimum: 0, maximum: 100 });

export const technical = section(
  'Layer 1, the technical ("hybrid") engine: RSI, MACD, Bollinger and volume votes.',
  {
    rsi: section(
      'RSI vote: BUY at or below oversold, SELL at or above overbought.',
      {
        period: period('RSI period in candles.', 14),
        oversold: rsiLevel('RSI at or below this votes BUY (SPEC seed 30; tuning candidate 25).', 30),
        overbought: rsiLevel('RSI at or above this votes SELL.', 70),
      },
      [
        cel<{ oversold: number; overbought: number }>(
          'self.oversold < self.overbought',
          'spec.engine.technical.rsi.oversold must be less than rsi.overbought',
          (s) => s.oversold < s.overbought,
          { fieldPath: '.oversold' },
        ),
      ],
    ),
    macd: section(
      'MACD vote: the MACD line crossing its signal line.',
      {
        fast: period('Fast EMA period.', 12),
        slow: period('Slow EMA period.', 26),
        signal: period('Signal EMA period.', 9),
      },
      [
        cel<{ fast: number; slow: number }>(
          'self.fast < self.slow',
          'spec.engine.technical.macd.fast must be less than macd.slow',
          (s) => s.fast < s.slow,
          { fieldPath: '.fast' },
        ),
      ],
    ),
    bollinger: section('Bollinger vote: %B <= edge votes BUY; %B >= 1 - edge votes SELL.', {
      period: period('Bollinger period in candles.', 20),
      stdDev: num('Band width in standard deviations.', 2, { exclusiveMinimum: 0, maximum: 10 }),
      edge: num('Distance from the band edge in %B units (SPEC seed 0.2; tuning candidate 0.15).', 0.2, {
        minimum: 0,
        exclusiveMaximum: 0.5,
      }),
    }),
    volumeSurge: num(
      "Volume >= volumeSurge x SMA(volume, volumePeriod) votes with the candle's direction (SPEC seed 2.0; candidate 1.5).",
      2,
      { exclusiveMinimum: 0, maximum: 100 },
    ),
    volumePeriod: period('Candles in the volume average.', 20),
    confidence: section('Confidence by number of agreeing votes.', {
      threeOrMore: ratio('SPEC: 3 or more votes agree -> 0.85.', 0.85),
      two: ratio('SPEC: exactly 2 votes agree -> 0.65.', 0.65),
    }),
  },
);

const timeframe = (description: string, defaultValue: (typeof TIMEFRAMES)[number]) =>
  oneOf(description, TIMEFRAMES, defaultValue);

export const multiTimeframe = section(
  'Layer 2, the multi-timeframe engine: trend x momentum x entry timing.',
  {
    trend: timeframe('Timeframe for the trend (UP, DOWN, SIDEWAYS).', '1h'),
    momentum: timeframe('Timeframe for momentum (STRONG, WEAK).', '15m'),
    entry: timeframe('Timeframe for entry timing (BUY, SELL, HOLD).', '5m'),
    trendFastPeriod: period('Fast EMA period on the trend timeframe.', 20),
    trendSlowPeriod: period('Slow EMA period on the trend timeframe.', 50),
    trendThresholdPct: num('|fast - slow| / slow x 100 at or above this -> UP or DOWN, else SIDEWAYS.', 0.2, {
      minimum: 0,
      maximum: 100,
    }),
    momentumPeriod: period('Rate of change over this many momentum candles.', 10),
    momentumThresholdPct: num("|ROC| at or above this, in the trend's direction -> STRONG.", 0.5, {
      minimum: 0,
      maximum: 100,
    }),
    entryRsiPeriod: period('RSI period on the entry timeframe.', 14),
    entryRsiBuyBelow: rsiLevel('Entry RSI below this -> BUY timing.', 45),
    entryRsiSellAbove: rsiLevel('Entry RSI above this -> SELL timing.', 55),
    confidence: section('Confidence table of layer 2.', {
      aligned: ratio('SPEC: UP + STRONG + BUY (or the SELL mirror) -> 0.90.', 0.9),
      weakMomentum: ratio('Trend and timing agree but momentum is WEAK.', 0.7),
      sideways: ratio('SIDEWAYS trend with a STRONG move and matching timing.', 0.6),
    }),
  },
  [
    // SPEC layer 2 reads trend on the longest timeframe (1h), momentum on a shorter one (15m) and
    // entry timing on the shortest (5m); the reverse order would time entries on the trend candles.
    // (cel.bind would avoid repeating the map, but kube-apiserver v1.34 refuses it in defaults.)
    cel<{ entry: TimeframeName; momentum: TimeframeName }>(
      `${celMinutes}[self.entry] <= ${celMinutes}[self.momentum]`,
      'spec.engine.multiTimeframe.entry must not be a longer timeframe than momentum (e.g. 5m, 15m, 1h)',
      (s) => MINUTES[s.entry] <= MINUTES[s.momentum],
      { fieldPath: '.entry' },
    ),
    cel<{ momentum: TimeframeName; trend: TimeframeName }>(
      `${celMinutes}[self.momentum] <= ${celMinutes}[self.trend]`,
      'spec.engine.multiTimeframe.momentum must not be a longer timeframe than trend (e.g. 5m, 15m, 1h)',
      (s) => MINUTES[s.momentum] <= MINUTES[s.trend],
      { fieldPath: '.momentum' },
    ),
    cel<{ trendFastPeriod: number; trendSlowPeriod: number }>(
      'self.trendFastPeriod < self.trendSlowPeriod',
      'spec.engine.multiTimeframe.trendFastPeriod must be less than trendSlowPeriod',
      (s) => s.trendFastPeriod < s.trendSlowPeriod,
      { fieldPath: '.trendFastPeriod' },
    ),
    cel<{ entryRsiBuyBelow: number; entryRsiSellAbove: number }>(
      'self.entryRsiBuyBelow <= self.entryRsiSellAbove',
      'spec.engine.multiTimeframe.entryRsiBuyBelow must not exceed entryRsiSellAbove',
      (s) => s.entryRsiBuyBelow <= s.entryRsiSellAbove,
      { fieldPath: '.entryRsiBuyBelow' },
    ),
  ],
);

export const combine = section(
  'The enhanced engine: how layer 1 and layer 2 combine.',
  {
    agreementBoost: num('SPEC: both layers agree -> confidence x 1.2.', 1.2, { minimum: 1, maximum: 10 }),
    conflictPenalty: num('SPEC: layers conflict -> confidence x 0.6.', 0.6, { minimum: 0, maximum: 1 }),
    maxConfidence: ratio('SPEC: boosted confidence is capped at 0.95.', 0.95),
    minConfidence: ratio(
      'Signals below this confidence are not traded (SPEC week target: average >= 60%).',
      0.6,
    ),
  },
  [
    cel<{ minConfidence: number; maxConfidence: number }>(
      'self.minConfidence <= self.maxConfidence',
      'spec.engine.combine.minConfidence must not exceed maxConfidence',
      (s) => s.minConfidence <= s.maxConfidence,
      { fieldPath: '.minConfidence' },
    ),
  ],
);
