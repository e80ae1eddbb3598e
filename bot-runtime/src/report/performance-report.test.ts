import { describe, expect, it } from 'vitest';
import { PaperBroker } from '../execution/paper-broker.ts';
import { SimulatedClock } from '../loop/clock.ts';
import { PaperRunner } from '../loop/paper-run.ts';
import { randomMarketData } from '../loop/random-walk.fixture.ts';
import { toStatusPerformance } from '../status/performance.ts';
import { performanceReport } from './performance-report.ts';
import { twoArmPaperSpec } from './report.fixture.ts';

const MARKETS = ['KRW-BTC', 'KRW-ETH'];
const DATA_START = Date.parse('2026-01-01T00:00:00Z');

describe('status.performance report', () => {
  it('reports totals, arms and KST-daily returns (newest last) for the rollback rule', async () => {
    const spec = twoArmPaperSpec(MARKETS);
    const data = randomMarketData(MARKETS, DATA_START, 14, 9);
    const runner = new PaperRunner({
      spec,
      source: { markets: MARKETS, load: async () => data },
      markets: MARKETS,
      clock: new SimulatedClock(DATA_START + 6 * 86_400_000),
      broker: new PaperBroker({ feePct: 0.05, slippagePct: 0.05, minOrderKRW: 5_000 }),
      bot: 'b',
      revision: 'rev-1',
      signal: new AbortController().signal,
      maxCycles: 3 * 288, // three days of 5m cycles
    });
    await runner.run();
    const report = performanceReport(runner.core, 'rev-1');
    expect(report.layers.map((l) => `${l.market}/${l.layer}`).sort()).toEqual(
      MARKETS.flatMap((m) => [`${m}/enhanced`, `${m}/multiTimeframe`, `${m}/technical`]).sort(),
    );
    expect(report.dataCompleteness).toHaveLength(MARKETS.length * 4);
    expect(report.dataCompleteness.find((c) => c.timeframe === '5m')?.pct).toBe(100);
    // The status writer's bounding (status/performance.ts) accepts it as status.performance.
    const p = toStatusPerformance(report);
    expect(p.revision).toBe('rev-1');
    expect(p.arms?.map((a) => a.name)).toEqual(['enhanced', 'tech']);
    expect(Number.isInteger(p.equityKRW)).toBe(true);
    expect(Math.abs(p.equityKRW! - p.arms!.reduce((s, a) => s + a.equityKRW!, 0))).toBeLessThanOrEqual(1);
    expect(p.trades).toBe(runner.core.arms.reduce((s, a) => s + a.roundTrips.length, 0));
    expect(p.trades).toBeGreaterThan(0);
    expect(p.maxDrawdownPct).toBeLessThanOrEqual(0);
    // Three days starting 09:00 KST span four KST dates, in order.
    const dates = p.dailyReturns!.map((d) => d.date);
    expect(dates).toEqual(['2026-01-07', '2026-01-08', '2026-01-09', '2026-01-10']);
    // Compounding the daily returns gives the total return.
    const compounded = p.dailyReturns!.reduce((g, d) => g * (1 + d.returnPct / 100), 1);
    const total = runner.core.arms.reduce((s, a) => s + a.equity(runner.core.lastClose), 0);
    expect(compounded).toBeCloseTo(total / 10_000_000, 9);
  });
});
