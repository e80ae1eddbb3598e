import { describe, expect, it } from 'vitest';
import { analyseSweep, cscvPartitionsFor, dailyReturnsOf } from './analysis.ts';
import type { CandidateRecord } from './evaluate.ts';
import { parseGrid } from './grid.ts';

const SQRT365 = Math.sqrt(365);

function record(index: number, returns: number[]): CandidateRecord {
  const equity: number[] = [];
  let e = 100;
  for (const r of returns) {
    e *= 1 + r;
    equity.push(e);
  }
  return {
    index,
    key: `k${index}`,
    params: { 'engine.technical.volumeSurge': index + 1 },
    metrics: {} as CandidateRecord['metrics'],
    criteria: [],
    initialEquity: 100,
    days: returns.map((_, d) => 20_000 + d),
    equity,
  };
}

// Two candidates over 6 days; train 2 / test 2 / step 2 -> windows (0-2 | 2-4) and (2-4 | 4-6).
// A wins the first train window and loses its test; B the other way round in window 2.
const A = [0.02, 0.01, -0.01, -0.02, 0.01, 0.02];
const B = [-0.01, -0.02, 0.02, 0.01, -0.02, -0.005];
const grid = parseGrid(
  'engine.technical.volumeSurge: [1, 2]\nwalkForward: { trainDays: 2, testDays: 2 }\ncscvPartitions: 2',
  'g',
);

/** Annualised Sharpe of two daily returns, by hand: mean / sample sd x sqrt(365). */
const sharpe2 = (x: number, y: number): number => ((x + y) / 2 / (Math.abs(x - y) / Math.SQRT2)) * SQRT365;

describe('walk-forward analysis', () => {
  const a = analyseSweep([record(1, B), record(0, A)], grid);

  it('recovers the daily returns from the end-of-day equity', () => {
    const r = dailyReturnsOf(record(0, A));
    for (const [i, x] of A.entries()) expect(r[i]).toBeCloseTo(x, 12);
  });

  it('scores each window in and out of sample and ranks by mean out-of-sample Sharpe', () => {
    expect(a.windows).toHaveLength(2);
    const [sa, sb] = a.candidates;
    expect(sa!.windows[0]!.isSharpe).toBeCloseTo(sharpe2(0.02, 0.01), 9);
    expect(sa!.windows[0]!.oosSharpe).toBeCloseTo(sharpe2(-0.01, -0.02), 9);
    expect(sb!.meanOosSharpe).toBeCloseTo((sharpe2(0.02, 0.01) + sharpe2(-0.02, -0.005)) / 2, 9);
    expect(sa!.meanOosSharpe).toBeCloseTo(0, 9);
    expect(a.ranking).toEqual([1, 0]);
    expect(a.winner.record.index).toBe(1);
    // The test days (2..5) compounded.
    expect(sb!.oosReturnPct).toBeCloseTo((1.02 * 1.01 * 0.98 * 0.995 - 1) * 100, 9);
  });

  it('in-sample and out-of-sample ranks are opposite in both windows: Spearman -1', () => {
    expect(a.stability.isVsOos).toEqual([-1, -1]);
    expect(a.stability.consecutiveOos).toEqual([-1]);
  });

  it('the walk-forward chain trades each window in-sample best out of sample', () => {
    expect(a.walkForward.picks).toEqual([0, 1]);
    expect(a.walkForward.oosReturnPct).toBeCloseTo((0.99 * 0.98 * 0.98 * 0.995 - 1) * 100, 9);
  });

  it('deflates the winner for 2 trials and computes PBO on the daily matrix', () => {
    expect(a.deflated.trials).toBe(2);
    expect(a.deflated.observations).toBe(6);
    expect(a.deflated.dsr).toBeGreaterThanOrEqual(0);
    expect(a.deflated.dsr).toBeLessThanOrEqual(1);
    expect(a.pbo.partitions).toBe(2);
    expect(a.pbo.logits).toHaveLength(2);
  });

  it('refuses results over different days', () => {
    const other = { ...record(1, B), days: B.map((_, d) => 30_000 + d) };
    expect(() => analyseSweep([record(0, A), other], grid)).toThrow(/other days/);
  });

  it('lowers the CSCV partitions to keep two days per group', () => {
    expect(cscvPartitionsFor(91, 8)).toBe(8);
    expect(cscvPartitionsFor(10, 8)).toBe(4);
    expect(cscvPartitionsFor(3, 8)).toBe(2);
  });
});
