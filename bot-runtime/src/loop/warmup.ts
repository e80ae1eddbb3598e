// How much history to feed before the first traded decision, derived from the spec's own periods
// (no magic numbers): the longest indicator window in wall time, doubled so EMA-based readings
// have moved well past TA-Lib's SMA seed before they are traded on.
import type { ResolvedSpec } from '@kubetrade/crds';
import { FEATURE_PERIODS, RETURN_HORIZONS } from '../engines/features.ts';
import { intervalMs, TIMEFRAME_MS } from '../market/timeframes.ts';

const CONVERGENCE_FACTOR = 2;

/** spec timeframes are validated by crds; an unknown one would be refused there, so 5m is only a type fallback. */
function ms(tf: string): number {
  return intervalMs(tf) ?? TIMEFRAME_MS['5m'];
}

export function warmupMs(spec: ResolvedSpec): number {
  const t = spec.engine.technical;
  const mtf = spec.engine.multiTimeframe;
  const entryCandles = Math.max(
    t.rsi.period + 1,
    t.macd.slow + t.macd.signal,
    t.bollinger.period,
    t.volumePeriod,
    mtf.entryRsiPeriod + 1,
  );
  const longest = Math.max(
    ms(mtf.entry) * entryCandles,
    ms(mtf.trend) * mtf.trendSlowPeriod,
    ms(mtf.momentum) * (mtf.momentumPeriod + 1),
    // The ML features (engines/features.ts): 1h EMA(50), 15m ROC(10), 5m returns up to 1 day.
    TIMEFRAME_MS['1h'] * FEATURE_PERIODS.trendEma.slow,
    TIMEFRAME_MS['15m'] * (FEATURE_PERIODS.momentumRoc + 1),
    TIMEFRAME_MS['5m'] * (Math.max(...RETURN_HORIZONS) + 1),
  );
  return longest * CONVERGENCE_FACTOR;
}
