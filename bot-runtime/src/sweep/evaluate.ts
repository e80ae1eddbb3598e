// One candidate's facts: a single backtest over the whole sweep range (the same loop as
// `kubetrade backtest`), reduced to what the walk-forward analysis needs — the scored equity at the
// end of every KST day (the days the SPEC's daily figures use) and the SPEC criteria. Windows are
// slices of that one run: a candidate has no fitted state, so re-running per window would only
// add warm-up edges (and CPU) without changing what a window measures.
import type { ResolvedSpec } from '@kubetrade/crds';
import { type BacktestResult, type BatchModels, runBacktest } from '../loop/backtest.ts';
import type { MarketData } from '../market/source.ts';
import { type ArmMetrics, armMetrics } from '../portfolio/metrics.ts';
import { kstDay } from '../portfolio/risk.ts';
import { evaluateCriteria } from '../report/criteria.ts';
import type { Params } from './candidates.ts';
import { SweepError } from './errors.ts';

/** The metrics a sweep keeps per candidate (definitions: docs/metrics.md). */
export const KEPT_METRICS = [
  'trades',
  'avgConfidence',
  'winRate',
  'returnPct',
  'maxDrawdownPct',
  'sharpe',
  'tradesPerWeek',
  'tradesPerMonth',
  'weeklyReturnPct',
  'monthlyReturnPct',
  'dailyLossBreaches',
] as const satisfies readonly (keyof ArmMetrics)[];

export type KeptMetrics = Record<(typeof KEPT_METRICS)[number], number>;

/** One line of results.jsonl. No timestamps: the same sweep gives the same bytes. */
export interface CandidateRecord {
  index: number;
  key: string;
  params: Params;
  metrics: KeptMetrics;
  /** SPEC success criteria over the whole range (reported, never promised). */
  criteria: { id: string; value: number; pass: boolean }[];
  initialEquity: number;
  /** KST day numbers (days since 1970-01-01 KST) and the scored equity at each day's last decision. */
  days: number[];
  equity: number[];
}

export interface EvaluateArgs {
  index: number;
  key: string;
  params: Params;
  spec: ResolvedSpec;
  data: MarketData;
  markets: readonly string[];
  from: number;
  to: number;
  models: BatchModels;
  /** Score one arm's equity; default: the whole bot. */
  arm?: string | undefined;
}

export async function evaluateCandidate(a: EvaluateArgs): Promise<CandidateRecord> {
  const result = await runBacktest({
    spec: a.spec,
    data: a.data,
    markets: a.markets,
    from: a.from,
    to: a.to,
    models: a.models,
    bot: 'sweep',
    revision: `candidate-${a.index}`,
  });
  const scored = scoredCurve(result, a.arm);
  const { days, equity } = endOfDay(result.times, scored.equity);
  const metrics = Object.fromEntries(KEPT_METRICS.map((k) => [k, scored.metrics[k]])) as KeptMetrics;
  return {
    index: a.index,
    key: a.key,
    params: a.params,
    metrics,
    criteria: evaluateCriteria(scored.metrics).map((c) => ({ id: c.id, value: c.value, pass: c.pass })),
    initialEquity: scored.metrics.initialEquity,
    days,
    equity,
  };
}

/** The arm named by the grid, or every arm summed into one bot-level curve and metrics. */
function scoredCurve(
  result: BacktestResult,
  arm: string | undefined,
): { equity: Float64Array; metrics: ArmMetrics } {
  if (arm !== undefined) {
    const one = result.arms.find((x) => x.name === arm);
    if (!one)
      throw new SweepError(
        'GRID',
        `grid arm ${JSON.stringify(arm)} is not in spec.capital.split (${result.arms.map((x) => x.name).join(', ')})`,
      );
    return { equity: one.equity, metrics: one.metrics };
  }
  const n = result.times.length;
  const equity = new Float64Array(n);
  for (const x of result.arms) for (let i = 0; i < n; i++) equity[i]! += x.equity[i]!;
  const sum = (f: (m: ArmMetrics) => number): number => result.arms.reduce((s, x) => s + f(x.metrics), 0);
  const initial = sum((m) => m.initialEquity);
  const metrics = armMetrics({
    times: result.times,
    equity,
    n,
    initialEquity: initial,
    roundTrips: result.arms.flatMap((x) => x.roundTrips),
    orders: sum((m) => m.orders),
    openPositions: sum((m) => m.openPositions),
    confidenceSum: sum((m) => (m.orders > 0 ? m.avgConfidence * m.orders : 0)),
    // Capital-weighted exposure of the arms.
    exposureSum: (sum((m) => m.exposurePct * m.initialEquity) / initial) * n,
    dailyLossBreaches: sum((m) => m.dailyLossBreaches),
    realisedPnl: sum((m) => m.realisedPnl),
    feesPaid: sum((m) => m.feesPaid),
  });
  return { equity, metrics };
}

function endOfDay(times: Float64Array, equity: Float64Array): { days: number[]; equity: number[] } {
  const days: number[] = [];
  const out: number[] = [];
  for (let i = 0; i < times.length; i++) {
    const day = kstDay(times[i]!);
    if (i === times.length - 1 || kstDay(times[i + 1]!) !== day) {
      days.push(day);
      out.push(equity[i]!);
    }
  }
  return { days, equity: out };
}
