import { describe, expect, it } from 'vitest';
import type { ArmMetrics } from '../portfolio/metrics.ts';
import { criterionDigits, evaluateCriteria, formatValue } from './criteria.ts';

const base: ArmMetrics = {
  trades: 150,
  orders: 300,
  openPositions: 0,
  avgConfidence: 0.6,
  winRate: 0.55,
  returnPct: 20,
  maxDrawdownPct: -3,
  sharpe: 1.5,
  exposurePct: 30,
  dailyLossBreaches: 0,
  realisedPnl: 0,
  feesPaid: 0,
  initialEquity: 1,
  finalEquity: 1.2,
  days: 30,
  tradesPerWeek: 35,
  tradesPerMonth: 150,
  weeklyReturnPct: 5,
  monthlyReturnPct: 20,
  dailyReturns: [],
};

const verdicts = (m: ArmMetrics) => Object.fromEntries(evaluateCriteria(m).map((r) => [r.id, r.pass]));

describe('SPEC success criteria, evaluated at every boundary', () => {
  it('passes every criterion exactly at its threshold', () => {
    expect(Object.values(verdicts(base)).every(Boolean)).toBe(true);
  });

  it.each([
    ['weekTrades', { tradesPerWeek: 34.99 }],
    ['avgConfidence', { avgConfidence: 0.5999 }],
    ['winRate', { winRate: 0.5499 }],
    ['weekReturn', { weeklyReturnPct: 4.99 }],
    ['maxDrawdown', { maxDrawdownPct: -3.01 }],
    ['monthReturn', { monthlyReturnPct: 19.99 }],
    ['sharpe', { sharpe: 1.49 }],
    ['monthTrades', { tradesPerMonth: 149 }],
    ['dailyLossBreaches', { dailyLossBreaches: 1 }],
    ['winRate', { winRate: Number.NaN }],
    ['sharpe', { sharpe: Number.NaN }],
  ] as const)('%s fails just past its threshold (%j)', (id, over) => {
    const v = verdicts({ ...base, ...over });
    expect(v[id]).toBe(false);
    expect(Object.values(v).filter((x) => !x)).toHaveLength(1);
  });

  it('formats values for the table', () => {
    expect(formatValue(5.123, '%', true)).toBe('+5.1%');
    expect(formatValue(-3.01, '%')).toBe('-3.0%');
    expect(formatValue(1.5, 'x')).toBe('1.50');
    expect(formatValue(150, '')).toBe('150');
    expect(formatValue(Number.NaN, '%')).toBe('n/a');
    // Rates keep a decimal even when whole; breach counts print whole.
    expect(formatValue(2, '', false, criterionDigits('weekTrades', ''))).toBe('2.0');
    expect(formatValue(0, '', false, criterionDigits('dailyLossBreaches', ''))).toBe('0');
  });
});
