import { describe, expect, it } from 'vitest';
import type { RoundTrip } from './arm.ts';
import { armMetrics, compoundTo, dailyReturns, maxDrawdownPct, sharpeRatio, winRate } from './metrics.ts';

const DAY = 86_400_000;
const trip = (pnl: number): RoundTrip => ({
  market: 'KRW-BTC',
  entryTime: 0,
  exitTime: 1,
  entryPrice: 1,
  exitPrice: 1,
  volume: 1,
  cost: 100,
  proceeds: 100 + pnl,
  pnl,
  returnPct: pnl,
  entryConfidence: 0.85,
  exitConfidence: 0.65,
});

describe('metric definitions (docs/metrics.md)', () => {
  it.each([
    [[100, 110, 99, 120, 90], -25],
    [[100, 101, 102], 0],
    [[100, 50, 200, 100], -50],
  ])('max drawdown of %j is %d %%', (curve, dd) => {
    expect(maxDrawdownPct(curve)).toBeCloseTo(dd, 12);
  });

  it('win rate counts trades with pnl > 0 after fees; a zero-pnl trade is not a win', () => {
    expect(winRate([trip(5), trip(-1), trip(0), trip(2)])).toBe(0.5);
    expect(winRate([])).toBeNaN();
  });

  it('Sharpe is mean / sample stdev of daily returns x sqrt(365)', () => {
    const r = [0.01, -0.005, 0.02, 0];
    const mean = 0.025 / 4;
    const sd = Math.sqrt(r.reduce((a, x) => a + (x - mean) ** 2, 0) / 3);
    expect(sharpeRatio(r)).toBeCloseTo((mean / sd) * Math.sqrt(365), 12);
    expect(sharpeRatio([0.01])).toBeNaN();
    expect(sharpeRatio([0.01, 0.01])).toBeNaN();
  });

  it('daily returns close each KST day on its last sample', () => {
    const kstMidnight = Date.parse('2026-11-20T15:00:00Z');
    const times = [kstMidnight - 2 * 3_600_000, kstMidnight - 1, kstMidnight, kstMidnight + 3_600_000];
    const eq = [101, 102, 99, 103];
    const d = dailyReturns(times, eq, 4, 100);
    expect(d.map((x) => x.ret)).toEqual([102 / 100 - 1, 103 / 102 - 1]);
  });

  it('compounds the period return to a week and a month', () => {
    expect(compoundTo(10, 7, 7)).toBeCloseTo(10, 12);
    expect(compoundTo(21, 14, 7)).toBeCloseTo(10, 12);
  });

  it('puts it together per arm', () => {
    const times = Array.from({ length: 15 }, (_, i) => Date.parse('2026-11-01T00:00:00Z') + i * DAY);
    const equity = times.map((_, i) => 1_000_000 + i * 10_000);
    const m = armMetrics({
      times,
      equity,
      n: 15,
      initialEquity: 1_000_000,
      roundTrips: [trip(10), trip(-5), trip(3)],
      orders: 7,
      openPositions: 1,
      confidenceSum: 7 * 0.7,
      exposureSum: 15 * 40,
      dailyLossBreaches: 0,
      realisedPnl: 8,
      feesPaid: 1,
    });
    expect(m).toMatchObject({
      trades: 3,
      orders: 7,
      openPositions: 1,
      days: 14,
      exposurePct: 40,
      dailyLossBreaches: 0,
    });
    expect(m.avgConfidence).toBeCloseTo(0.7, 12);
    expect(m.winRate).toBeCloseTo(2 / 3, 12);
    expect(m.returnPct).toBeCloseTo(14, 12);
    expect(m.maxDrawdownPct).toBe(0);
    expect(m.tradesPerWeek).toBeCloseTo(1.5, 12);
    expect(m.dailyReturns).toHaveLength(15);
  });
});
