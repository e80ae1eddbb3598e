import { applyDefaults, type ResolvedSpec } from '@kubetrade/crds';
import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES } from '../engines/features.ts';
import { runBacktest } from './backtest.ts';
import { fakeMl, randomMarketData } from './random-walk.fixture.ts';

const START = Date.parse('2026-01-01T00:00:00Z');
const MARKETS = ['KRW-BTC', 'KRW-ETH'];
const DAY = 86_400_000;

function spec(split: ResolvedSpec['capital']['split']): ResolvedSpec {
  const s = applyDefaults({ markets: MARKETS } as never);
  return { ...s, capital: { ...s.capital, split } };
}

/** fakeMl that counts the rows it scored. */
function countingMl() {
  const calls = { rows: 0 };
  return {
    calls,
    ml: {
      predictBatch(rows: Float32Array) {
        calls.rows += rows.length / FEATURE_NAMES.length;
        return fakeMl.predictBatch(rows);
      },
    },
  };
}

describe('backtest scores only the model rows an arm reads', () => {
  it('never calls a model no arm uses, and decides exactly as without it', async () => {
    const technicalOnly = spec([
      { name: 'enhanced', weight: 100, layers: ['technical', 'multiTimeframe'], mlValidation: false },
    ]);
    const data = randomMarketData(MARKETS, START, 10, 5);
    const { calls, ml } = countingMl();
    const withModel = await runBacktest({ spec: technicalOnly, data, models: { ml } });
    const without = await runBacktest({ spec: technicalOnly, data });
    expect(calls.rows).toBe(0);
    expect(withModel.arms[0]!.metrics.orders).toBeGreaterThan(0);
    expect(JSON.stringify({ ...withModel, timing: 0 })).toBe(JSON.stringify({ ...without, timing: 0 }));
  });

  it('scores no warm-up row: at most one row per market and traded step', async () => {
    const mlArm = spec([{ name: 'ml', weight: 100, layers: ['ml'], mlValidation: false }]);
    const data = randomMarketData(MARKETS, START, 10, 5);
    const { calls, ml } = countingMl();
    const from = START + 6 * DAY;
    const result = await runBacktest({ spec: mlArm, data, models: { ml }, from });
    expect(result.steps).toBeGreaterThan(0);
    expect(calls.rows).toBeGreaterThan(0);
    expect(calls.rows).toBeLessThanOrEqual(result.steps * MARKETS.length);
  });
});
