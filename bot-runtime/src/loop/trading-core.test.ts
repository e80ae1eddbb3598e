// The shared loop body with hand-made market readings: fills at the next open, the daily loss limit
// stopping entries (and only entries) until the next KST day, broker rejections clearing the way.
import { applyDefaults } from '@kubetrade/crds';
import { describe, expect, it } from 'vitest';
import type { MarketSnapshot } from '../engines/readings.ts';
import { PaperBroker } from '../execution/paper-broker.ts';
import { strategyConfig } from './backtest.ts';
import { newStepInput, type StepInput, TradingCore } from './trading-core.ts';

const MARKETS = ['KRW-BTC', 'KRW-ETH'];
const T0 = Date.parse('2026-11-20T00:00:00Z'); // 09:00 KST
const FIVE_MIN = 300_000;
const spec = applyDefaults({
  markets: MARKETS,
  capital: { totalKRW: 10_000_000, split: [{ name: 'tech', weight: 100, layers: ['technical'] }] },
} as never);

// RSI <= 30, MACD hist > 0, %B <= 0.2: three BUY votes -> BUY 0.85. The mirror gives SELL 0.85.
function snapshot(
  market: string,
  time: number,
  close: number,
  action: 'BUY' | 'SELL' | 'HOLD',
): MarketSnapshot {
  const t =
    action === 'BUY'
      ? { rsi: 20, macdHist: 1, percentB: 0.1, volumeRatio: 1, candleBody: 0 }
      : action === 'SELL'
        ? { rsi: 80, macdHist: -1, percentB: 0.9, volumeRatio: 1, candleBody: 0 }
        : { rsi: 50, macdHist: 0, percentB: 0.5, volumeRatio: 1, candleBody: 0 };
  return {
    market,
    time,
    close,
    technical: t,
    multiTimeframe: { trendPct: Number.NaN, momentumPct: Number.NaN, entryRsi: Number.NaN },
    completeness: { '5m': 1, '15m': 1, '1h': 1, '1d': 1 },
  };
}

function setup(minOrderKRW = spec.risk.minOrderKRW) {
  const broker = new PaperBroker({ feePct: spec.risk.feePct, slippagePct: 0, minOrderKRW });
  const core = new TradingCore({
    bot: 'b',
    revision: 'r1',
    markets: MARKETS,
    arms: spec.capital.split,
    totalCapital: spec.capital.totalKRW,
    risk: { ...spec.risk, minConfidence: spec.engine.combine.minConfidence },
    strategy: strategyConfig(spec),
    broker,
    startTime: T0,
  });
  const input = newStepInput(MARKETS.length);
  // One step: both markets get a candle [time - 5m, time) with the given open/close and signal.
  const step = async (
    time: number,
    bars: [open: number, close: number, action: 'BUY' | 'SELL' | 'HOLD'][],
  ): Promise<void> => {
    fill(input, time, bars);
    const p = core.step(input);
    if (p) await p;
  };
  return { core, step };
}

function fill(input: StepInput, time: number, bars: [number, number, 'BUY' | 'SELL' | 'HOLD'][]): void {
  input.time = time;
  input.trade = true;
  bars.forEach(([open, close, action], m) => {
    input.fresh[m] = 1;
    input.openTime[m] = time - FIVE_MIN;
    input.open[m] = open;
    input.close[m] = close;
    input.snapshots[m] = snapshot(MARKETS[m]!, time, close, action);
  });
}

describe('TradingCore', () => {
  it('buys on a signal, fills at the next open, and books the round trip on the exit', async () => {
    const { core, step } = setup();
    const arm = core.arms[0]!;
    await step(T0 + FIVE_MIN, [
      [100_000_000, 100_000_000, 'BUY'],
      [5_000_000, 5_000_000, 'HOLD'],
    ]);
    expect(arm.pending[0]).toBe(1);
    expect(arm.volume[0]).toBe(0); // not filled before the next candle opens
    await step(T0 + 2 * FIVE_MIN, [
      [101_000_000, 101_000_000, 'HOLD'],
      [5_000_000, 5_000_000, 'HOLD'],
    ]);
    // 10,000,000 x 25 % x 0.85 = 2,125,000 KRW at the next open 101,000,000 (no slippage here).
    expect(arm.volume[0]).toBeCloseTo(2_125_000 / 101_000_000, 15);
    expect(arm.cash).toBe(10_000_000 - 2_125_000 - 1_063);
    expect(arm.pending[0]).toBe(0);
    await step(T0 + 3 * FIVE_MIN, [
      [102_000_000, 102_000_000, 'SELL'],
      [5_000_000, 5_000_000, 'HOLD'],
    ]);
    await step(T0 + 4 * FIVE_MIN, [
      [103_000_000, 103_000_000, 'HOLD'],
      [5_000_000, 5_000_000, 'HOLD'],
    ]);
    expect(arm.roundTrips).toHaveLength(1);
    expect(arm.roundTrips[0]).toMatchObject({
      entryPrice: 101_000_000,
      exitPrice: 103_000_000,
      entryConfidence: 0.85,
    });
    expect(core.recorder.length).toBe(4);
  });

  it('stops new entries for the rest of the KST day once the daily loss limit is hit, counts it once, exits stay allowed', async () => {
    const { core, step } = setup();
    const arm = core.arms[0]!;
    let t = T0 + FIVE_MIN;
    await step(t, [
      [100_000_000, 100_000_000, 'BUY'],
      [5_000_000, 5_000_000, 'BUY'],
    ]);
    t += FIVE_MIN;
    await step(t, [
      [100_000_000, 100_000_000, 'HOLD'],
      [5_000_000, 5_000_000, 'HOLD'],
    ]);
    expect(arm.volume[0]).toBeGreaterThan(0);
    expect(arm.volume[1]).toBeGreaterThan(0);
    // Both positions (2 x 21.25 % of equity) lose 8 %: equity falls ~3.4 % -> limit (3 %) hit.
    t += FIVE_MIN;
    await step(t, [
      [92_000_000, 92_000_000, 'SELL'],
      [4_600_000, 4_600_000, 'HOLD'],
    ]);
    expect(arm.dailyLoss.halted).toBe(true);
    expect(arm.dailyLoss.breaches).toBe(1);
    t += FIVE_MIN;
    await step(t, [
      [92_000_000, 92_000_000, 'HOLD'],
      [4_600_000, 4_600_000, 'HOLD'],
    ]);
    expect(arm.volume[0]).toBe(0); // the exit went through
    t += FIVE_MIN;
    await step(t, [
      [92_000_000, 92_000_000, 'BUY'],
      [4_600_000, 4_600_000, 'HOLD'],
    ]);
    expect(arm.pending[0]).toBe(0);
    expect(arm.refused.DAILY_LOSS_LIMIT).toBe(1);
    expect(arm.dailyLoss.breaches).toBe(1);
    // 00:00 KST the next day: entries are allowed again.
    const nextKstDay = Date.parse('2026-11-20T15:00:00Z');
    await step(nextKstDay, [
      [92_000_000, 92_000_000, 'BUY'],
      [4_600_000, 4_600_000, 'HOLD'],
    ]);
    expect(arm.dailyLoss.halted).toBe(false);
    expect(arm.pending[0]).toBe(1);
  });

  it('a broker rejection (below the minimum order) clears the pending order and is counted', async () => {
    // The broker enforces a stricter minimum than the risk rules know of (as an exchange may).
    const { core, step } = setup(3_000_000);
    const arm = core.arms[0]!;
    await step(T0 + FIVE_MIN, [
      [100_000_000, 100_000_000, 'BUY'],
      [5_000_000, 5_000_000, 'HOLD'],
    ]);
    expect(arm.refused.REJECTED_BELOW_MIN_ORDER).toBe(1);
    expect(arm.pending[0]).toBe(0);
    expect(arm.cash).toBe(10_000_000);
    // The next signal may try again.
    await step(T0 + 2 * FIVE_MIN, [
      [100_000_000, 100_000_000, 'BUY'],
      [5_000_000, 5_000_000, 'HOLD'],
    ]);
    expect(arm.refused.REJECTED_BELOW_MIN_ORDER).toBe(2);
  });
});
