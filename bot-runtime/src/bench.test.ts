// The benchmark entry points the lead's `npm run bench` calls run end to end on a small input and
// return every field (no timing assertions here: the targets are judged by the benchmark itself).
import { describe, expect, it } from 'vitest';
import { backtestBench, liveCycleBench } from './bench.ts';

describe('bench entry points', () => {
  it('liveCycleBench times cycles of 4 markets with every layer and ONNX', { timeout: 120_000 }, async () => {
    const r = await liveCycleBench({ cycles: 20, warmCycles: 5 });
    expect(r.cycles).toBe(20);
    expect(r.markets).toBe(4);
    expect(r.candlesPerCycle).toBe(4);
    expect(r.medianMs).toBeGreaterThan(0);
    expect(r.p95Ms).toBeGreaterThanOrEqual(r.medianMs);
  });

  it('backtestBench compares the backtest with singlePassIndicators over the same candles', {
    timeout: 120_000,
  }, async () => {
    const r = await backtestBench({ days: 10, runs: 1 });
    expect(r.candles).toBe(4 * 10 * 288);
    expect(r.ratioToSinglePass).toBeCloseTo(r.backtestMs / r.singlePassMs, 9);
    expect(Object.keys(r.trades)).toEqual(['enhanced', 'ml', 'all']);
    expect(r.breakdownMs.marketState + r.breakdownMs.inference + r.breakdownMs.decision).toBeLessThanOrEqual(
      r.backtestMs,
    );
  });
});
