// The runtime's PerformanceReport (status/performance.ts, the status writer's input) computed from
// the running loop: totals and per-arm numbers with the same definitions as the backtest
// (docs/metrics.md), KST-daily returns of the whole bot, each layer's newest signal per market and
// the collected history per timeframe. Pure over the core's state; the status writer bounds and
// serialises it (toStatusPerformance).
import type { TradingCore } from '../loop/trading-core.ts';
import { dailyReturns, maxDrawdownPct, sharpeRatio, winRate } from '../portfolio/metrics.ts';
import { kstDate } from '../portfolio/risk.ts';
import type { CompletenessReport, LayerSignalReport, PerformanceReport } from '../status/performance.ts';
import type { LayerSignal, Timeframe } from '../types.ts';

const TIMEFRAMES: readonly Timeframe[] = ['5m', '15m', '1h', '1d'];

export function performanceReport(core: TradingCore, revision: string): PerformanceReport {
  const rec = core.recorder;
  const n = rec.length;
  const times = rec.times();
  const total = new Float64Array(n);
  for (let a = 0; a < core.arms.length; a++) {
    const eq = rec.equity(a);
    for (let i = 0; i < n; i++) total[i]! += eq[i]!;
  }
  const initial = core.arms.reduce((s, a) => s + a.initialCash, 0);
  const trips = core.arms.flatMap((a) => a.roundTrips);
  const confidenceSum = core.arms.reduce((s, a) => s + a.confidenceSum, 0);
  const orders = core.arms.reduce((s, a) => s + a.confidenceCount, 0);
  const daily = dailyReturns(times, total, n, initial);
  return {
    revision,
    equityKRW: core.arms.reduce((s, a) => s + a.equity(core.lastClose), 0),
    maxDrawdownPct: maxDrawdownPct(total, n),
    trades: trips.length,
    winRate: winRate(trips),
    sharpe: sharpeRatio(daily.map((d) => d.ret)),
    averageConfidence: orders > 0 ? confidenceSum / orders : Number.NaN,
    arms: core.arms.map((arm, a) => {
      const eq = rec.equity(a);
      const equity = arm.equity(core.lastClose);
      return {
        name: arm.spec.name,
        equityKRW: equity,
        returnPct: (equity / arm.initialCash - 1) * 100,
        trades: arm.roundTrips.length,
        winRate: winRate(arm.roundTrips),
        maxDrawdownPct: maxDrawdownPct(eq, n),
        sharpe: sharpeRatio(dailyReturns(times, eq, n, arm.initialCash).map((d) => d.ret)),
        averageConfidence: arm.confidenceCount > 0 ? arm.confidenceSum / arm.confidenceCount : Number.NaN,
      };
    }),
    dailyReturns: daily.map((d) => ({ date: kstDate(d.day), returnPct: d.ret * 100 })),
    layers: layerSignals(core),
    dataCompleteness: core.markets.flatMap((market, m): CompletenessReport[] => {
      const snap = core.latestSnapshot[m];
      return snap
        ? TIMEFRAMES.map((timeframe) => ({ market, timeframe, pct: snap.completeness[timeframe] * 100 }))
        : [];
    }),
  };
}

/** Each layer's newest signal per market, over all arms (an arm only runs its own layers). */
function layerSignals(core: TradingCore): LayerSignalReport[] {
  const out = new Map<string, LayerSignalReport>();
  core.markets.forEach((market, m) => {
    for (const perMarket of core.latestSignal) {
      const signal = perMarket[m];
      if (!signal) continue;
      for (const [layer, s] of Object.entries(signal.layers) as [string, LayerSignal | undefined][]) {
        if (s) out.set(`${market}/${layer}`, { market, layer, action: s.action, confidence: s.confidence });
      }
    }
  });
  return [...out.values()];
}
