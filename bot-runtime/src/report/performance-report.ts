// status.performance of the TradingBot (DESIGN.md: "written by the runtime (its own field manager),
// read by the rollback rule"): totals and per-arm numbers with the same definitions as the backtest
// (docs/metrics.md), and the KST-daily returns of the whole bot, newest last, at most
// DAILY_RETURNS_KEPT days. Pure: the runtime's status writer serialises what this returns.
import { DAILY_RETURNS_KEPT, type Performance } from '@kubetrade/crds';
import type { TradingCore } from '../loop/trading-core.ts';
import { dailyReturns, maxDrawdownPct, sharpeRatio, winRate } from '../portfolio/metrics.ts';
import { kstDate } from '../portfolio/risk.ts';

/** NaN (no trades, one day) is left out rather than written as a number the apiserver would reject. */
function finite(x: number): number | undefined {
  return Number.isFinite(x) ? x : undefined;
}

function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function performanceReport(core: TradingCore, revision: string, now: number): Performance {
  const rec = core.recorder;
  const n = rec.length;
  const times = rec.times();
  const total = new Float64Array(n);
  for (let a = 0; a < core.arms.length; a++) {
    const eq = rec.equity(a);
    for (let i = 0; i < n; i++) total[i]! += eq[i]!;
  }
  const initial = core.arms.reduce((s, a) => s + a.initialCash, 0);
  const equityNow = core.arms.reduce((s, a) => s + a.equity(core.lastClose), 0);
  const trips = core.arms.flatMap((a) => a.roundTrips);
  const confidenceSum = core.arms.reduce((s, a) => s + a.confidenceSum, 0);
  const orders = core.arms.reduce((s, a) => s + a.confidenceCount, 0);
  const daily = dailyReturns(times, total, n, initial);
  return defined({
    revision,
    equityKRW: Math.round(equityNow),
    maxDrawdownPct: maxDrawdownPct(total, n),
    trades: trips.length,
    winRate: finite(winRate(trips)),
    sharpe: finite(sharpeRatio(daily.map((d) => d.ret))),
    averageConfidence: finite(orders > 0 ? confidenceSum / orders : Number.NaN),
    updateTime: new Date(now).toISOString(),
    arms: core.arms.map((arm, a) => {
      const eq = rec.equity(a);
      const armDaily = dailyReturns(times, eq, n, arm.initialCash);
      const equity = arm.equity(core.lastClose);
      return defined({
        name: arm.spec.name,
        equityKRW: Math.round(equity),
        returnPct: (equity / arm.initialCash - 1) * 100,
        trades: arm.roundTrips.length,
        winRate: finite(winRate(arm.roundTrips)),
        maxDrawdownPct: maxDrawdownPct(eq, n),
        sharpe: finite(sharpeRatio(armDaily.map((d) => d.ret))),
        averageConfidence: finite(
          arm.confidenceCount > 0 ? arm.confidenceSum / arm.confidenceCount : Number.NaN,
        ),
      });
    }),
    dailyReturns: daily
      .slice(-DAILY_RETURNS_KEPT)
      .map((d) => ({ date: kstDate(d.day), returnPct: d.ret * 100 })),
  });
}
