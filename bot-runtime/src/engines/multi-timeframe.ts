// Layer 2, the multi-timeframe engine of SPEC.md: trend on `trend` (1h), momentum on `momentum`
// (15m), entry timing on `entry` (5m).
//
// Classifications (thresholds from spec.engine.multiTimeframe; boundaries inclusive unless the
// field's name says Below/Above, which are strict):
//   trend     trendPct >= trendThresholdPct -> UP;  trendPct <= -trendThresholdPct -> DOWN;
//             otherwise SIDEWAYS
//   momentum  UP: momentumPct >= momentumThresholdPct -> STRONG;  DOWN: momentumPct <=
//             -momentumThresholdPct -> STRONG;  SIDEWAYS: |momentumPct| >= momentumThresholdPct ->
//             STRONG;  otherwise WEAK
//   entry     entryRsi < entryRsiBuyBelow -> BUY;  entryRsi > entryRsiSellAbove -> SELL;  else HOLD
//
// The full table (every one of the 18 combinations; confidence names are
// spec.engine.multiTimeframe.confidence.*):
//   trend     momentum  entry  -> action  confidence
//   UP        STRONG    BUY    -> BUY     aligned (0.90)        SPEC: UP + STRONG + BUY
//   UP        STRONG    SELL   -> HOLD    0                     counter-trend entry
//   UP        STRONG    HOLD   -> HOLD    0                     no entry timing
//   UP        WEAK      BUY    -> BUY     weakMomentum (0.70)   trend without push
//   UP        WEAK      SELL   -> HOLD    0
//   UP        WEAK      HOLD   -> HOLD    0
//   DOWN      STRONG    SELL   -> SELL    aligned (0.90)        SPEC: the mirror
//   DOWN      STRONG    BUY    -> HOLD    0
//   DOWN      STRONG    HOLD   -> HOLD    0
//   DOWN      WEAK      SELL   -> SELL    weakMomentum (0.70)
//   DOWN      WEAK      BUY    -> HOLD    0
//   DOWN      WEAK      HOLD   -> HOLD    0
//   SIDEWAYS  WEAK      BUY    -> BUY     sideways (0.60)       range: buy the low end
//   SIDEWAYS  WEAK      SELL   -> SELL    sideways (0.60)       range: sell the high end
//   SIDEWAYS  WEAK      HOLD   -> HOLD    0
//   SIDEWAYS  STRONG    BUY    -> HOLD    0                     breakout the trend has not confirmed
//   SIDEWAYS  STRONG    SELL   -> HOLD    0
//   SIDEWAYS  STRONG    HOLD   -> HOLD    0
//
// No data: if any of the three readings is NaN (that timeframe is still being collected or warming
// up) the layer returns `undefined` — SPEC "known issue 1": layer 2 must not fail, and the enhanced
// engine then works with layer 1 alone.
import type { LayerSignal } from '../types.ts';
import type { MultiTimeframeConfig } from './config.ts';
import type { MultiTimeframeReadings } from './readings.ts';

export type Trend = 'UP' | 'DOWN' | 'SIDEWAYS';
export type Momentum = 'STRONG' | 'WEAK';
export type Entry = 'BUY' | 'SELL' | 'HOLD';

export function classifyTrend(trendPct: number, cfg: MultiTimeframeConfig): Trend {
  if (trendPct >= cfg.trendThresholdPct) return 'UP';
  if (trendPct <= -cfg.trendThresholdPct) return 'DOWN';
  return 'SIDEWAYS';
}

export function classifyMomentum(momentumPct: number, trend: Trend, cfg: MultiTimeframeConfig): Momentum {
  const t = cfg.momentumThresholdPct;
  const strong =
    trend === 'UP' ? momentumPct >= t : trend === 'DOWN' ? momentumPct <= -t : Math.abs(momentumPct) >= t;
  return strong ? 'STRONG' : 'WEAK';
}

export function classifyEntry(entryRsi: number, cfg: MultiTimeframeConfig): Entry {
  if (entryRsi < cfg.entryRsiBuyBelow) return 'BUY';
  if (entryRsi > cfg.entryRsiSellAbove) return 'SELL';
  return 'HOLD';
}

/** The table above as a function of the three classifications. */
export function multiTimeframeTable(
  trend: Trend,
  momentum: Momentum,
  entry: Entry,
  cfg: MultiTimeframeConfig,
): LayerSignal {
  const reasons = tableReasons(trend, momentum, entry);
  if (entry === 'HOLD') return { action: 'HOLD', confidence: 0, reasons };
  if (trend === 'SIDEWAYS') {
    return momentum === 'WEAK'
      ? { action: entry, confidence: cfg.confidence.sideways, reasons }
      : { action: 'HOLD', confidence: 0, reasons };
  }
  const withTrend = (trend === 'UP' && entry === 'BUY') || (trend === 'DOWN' && entry === 'SELL');
  if (!withTrend) return { action: 'HOLD', confidence: 0, reasons };
  const confidence = momentum === 'STRONG' ? cfg.confidence.aligned : cfg.confidence.weakMomentum;
  return { action: entry, confidence, reasons };
}

export function multiTimeframeSignal(
  state: { multiTimeframe: MultiTimeframeReadings },
  cfg: MultiTimeframeConfig,
): LayerSignal | undefined {
  const { trendPct, momentumPct, entryRsi } = state.multiTimeframe;
  if (Number.isNaN(trendPct) || Number.isNaN(momentumPct) || Number.isNaN(entryRsi)) return undefined;
  const trend = classifyTrend(trendPct, cfg);
  return multiTimeframeTable(
    trend,
    classifyMomentum(momentumPct, trend, cfg),
    classifyEntry(entryRsi, cfg),
    cfg,
  );
}

// The table's reason for each of the 18 combinations, built once, shared and frozen: layer 2 runs
// on every decision of a backtest (~10^6) and a template string per call was garbage.
const TRENDS: readonly Trend[] = ['UP', 'DOWN', 'SIDEWAYS'];
const MOMENTA: readonly Momentum[] = ['STRONG', 'WEAK'];
const ENTRIES: readonly Entry[] = ['BUY', 'SELL', 'HOLD'];
const TABLE_REASONS: readonly string[][] = TRENDS.flatMap((t) =>
  MOMENTA.flatMap((m) =>
    ENTRIES.map((e) => Object.freeze([`trend ${t}, momentum ${m}, entry ${e}`]) as string[]),
  ),
);
function tableReasons(trend: Trend, momentum: Momentum, entry: Entry): string[] {
  const i = (TRENDS.indexOf(trend) * MOMENTA.length + MOMENTA.indexOf(momentum)) * ENTRIES.length;
  return TABLE_REASONS[i + ENTRIES.indexOf(entry)]!;
}
