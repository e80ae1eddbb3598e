import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GOLDEN_FILE, type GoldenResult, goldenRun } from './golden-backtest.fixture.ts';

describe('golden backtest (speed work changes no decision)', () => {
  const golden = JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as GoldenResult;

  it('reproduces every decision, order, fill and equity curve of the pinned run', async () => {
    const now = JSON.parse(JSON.stringify(await goldenRun())) as GoldenResult;
    expect(golden.eventCount).toBeGreaterThan(100);
    expect(now.firstEvents).toEqual(golden.firstEvents);
    expect(now.eventCount).toBe(golden.eventCount);
    expect(now.eventsSha256).toBe(golden.eventsSha256);
    expect(now.arms).toEqual(golden.arms);
    expect(now.steps).toBe(golden.steps);
  }, 120_000);

  it('does not depend on the block size of the batched phases', async () => {
    const now = JSON.parse(JSON.stringify(await goldenRun(97))) as GoldenResult;
    expect(now.eventsSha256).toBe(golden.eventsSha256);
    expect(now.arms).toEqual(golden.arms);
  }, 120_000);
});
