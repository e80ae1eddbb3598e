// The seed's success criteria (SPEC.md "Success criteria the seed tracks (reported, never
// promised)"), evaluated per arm. They are report thresholds, not trading parameters, so they live
// here as one named table with their SPEC source rather than in the TradingBot spec.
import type { ArmMetrics } from '../portfolio/metrics.ts';

export interface Criterion {
  id: string;
  horizon: 'week' | 'month';
  label: string;
  /** Reads the metric the threshold applies to. */
  value: (m: ArmMetrics) => number;
  op: '>=' | '<=' | '==';
  threshold: number;
  unit: '' | '%' | 'x';
}

export const SEED_CRITERIA: readonly Criterion[] = [
  {
    id: 'weekTrades',
    horizon: 'week',
    label: 'trades/wk',
    value: (m) => m.tradesPerWeek,
    op: '>=',
    threshold: 35,
    unit: '',
  },
  {
    id: 'avgConfidence',
    horizon: 'week',
    label: 'avg conf',
    value: (m) => m.avgConfidence * 100,
    op: '>=',
    threshold: 60,
    unit: '%',
  },
  {
    id: 'winRate',
    horizon: 'week',
    label: 'win rate',
    value: (m) => m.winRate * 100,
    op: '>=',
    threshold: 55,
    unit: '%',
  },
  {
    id: 'weekReturn',
    horizon: 'week',
    label: 'return/wk',
    value: (m) => m.weeklyReturnPct,
    op: '>=',
    threshold: 5,
    unit: '%',
  },
  // "max drawdown within -3 %": the deepest fall of the whole period must not go below -3 %.
  {
    id: 'maxDrawdown',
    horizon: 'week',
    label: 'max DD',
    value: (m) => m.maxDrawdownPct,
    op: '>=',
    threshold: -3,
    unit: '%',
  },
  {
    id: 'monthReturn',
    horizon: 'month',
    label: 'return/mo',
    value: (m) => m.monthlyReturnPct,
    op: '>=',
    threshold: 20,
    unit: '%',
  },
  {
    id: 'sharpe',
    horizon: 'month',
    label: 'Sharpe',
    value: (m) => m.sharpe,
    op: '>=',
    threshold: 1.5,
    unit: 'x',
  },
  {
    id: 'monthTrades',
    horizon: 'month',
    label: 'trades/mo',
    value: (m) => m.tradesPerMonth,
    op: '>=',
    threshold: 150,
    unit: '',
  },
  {
    id: 'dailyLossBreaches',
    horizon: 'month',
    label: 'DLL breaches',
    value: (m) => m.dailyLossBreaches,
    op: '==',
    threshold: 0,
    unit: '',
  },
];

export interface CriterionResult {
  id: string;
  horizon: 'week' | 'month';
  label: string;
  value: number;
  op: Criterion['op'];
  threshold: number;
  unit: Criterion['unit'];
  /** NaN values (no trades, one day of data) never pass. */
  pass: boolean;
}

export function evaluateCriteria(
  m: ArmMetrics,
  criteria: readonly Criterion[] = SEED_CRITERIA,
): CriterionResult[] {
  return criteria.map((c) => {
    const value = c.value(m);
    const pass =
      !Number.isNaN(value) &&
      (c.op === '>=' ? value >= c.threshold : c.op === '<=' ? value <= c.threshold : value === c.threshold);
    return {
      id: c.id,
      horizon: c.horizon,
      label: c.label,
      value,
      op: c.op,
      threshold: c.threshold,
      unit: c.unit,
      pass,
    };
  });
}

/** Counts print whole, ratios 2 decimals, percentages and rates (trades/week) 1 decimal. */
export function formatValue(
  value: number,
  unit: Criterion['unit'],
  signed = false,
  digits = defaultDigits(value, unit),
): string {
  if (!Number.isFinite(value)) return 'n/a';
  const text = value.toFixed(digits);
  const sign = signed && value > 0 ? '+' : '';
  return `${sign}${text}${unit === '%' ? '%' : ''}`;
}

function defaultDigits(value: number, unit: Criterion['unit']): number {
  return unit === 'x' ? 2 : unit === '' && Number.isInteger(value) ? 0 : 1;
}

/** Digits for a criterion's value: rates keep one decimal even when whole (2.0 trades/wk). */
export function criterionDigits(id: string, unit: Criterion['unit']): number | undefined {
  return id === 'dailyLossBreaches' ? 0 : unit === '' ? 1 : undefined;
}
