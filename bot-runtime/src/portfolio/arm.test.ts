import { describe, expect, it } from 'vitest';
import type { Signal } from '../types.ts';
import { Arm, type ArmSpec } from './arm.ts';
import { clientOrderId, type OrderContext, orderFor } from './orders.ts';

const spec: ArmSpec = {
  name: 'enhanced',
  weight: 50,
  layers: ['technical', 'multiTimeframe'],
  mlValidation: true,
};
const ctx: OrderContext = {
  bot: 'krw-majors',
  revision: 'r1',
  risk: { maxPositionPct: 25, dailyLossLimitPct: 3, minOrderKRW: 5_000, feePct: 0.05, minConfidence: 0.6 },
};
const signal = (action: Signal['action'], confidence: number, time = 1_000): Signal => ({
  market: 'KRW-BTC',
  time,
  action,
  confidence,
  reasons: [],
  layers: {},
});

describe('Arm books fills exactly', () => {
  it('a buy and a sell make one round trip with both fees in the pnl', () => {
    const arm = new Arm(spec, ['KRW-BTC'], 5_000_000, 0);
    arm.applyFill(
      0,
      {
        clientOrderId: 'a',
        market: 'KRW-BTC',
        side: 'buy',
        price: 100_000_000,
        volume: 0.01,
        fee: 500,
        time: 1,
      },
      0.85,
    );
    expect(arm.cash).toBe(5_000_000 - 1_000_000 - 500);
    expect(arm.equity(new Float64Array([110_000_000]))).toBe(3_999_500 + 1_100_000);
    arm.applyFill(
      0,
      {
        clientOrderId: 'b',
        market: 'KRW-BTC',
        side: 'sell',
        price: 110_000_000,
        volume: 0.01,
        fee: 550,
        time: 2,
      },
      0.65,
    );
    expect(arm.cash).toBe(3_999_500 + 1_100_000 - 550);
    expect(arm.roundTrips).toHaveLength(1);
    expect(arm.roundTrips[0]).toMatchObject({
      pnl: 1_100_000 - 550 - 1_000_500,
      entryConfidence: 0.85,
      exitConfidence: 0.65,
    });
    expect(arm.realisedPnl).toBe(98_950);
    expect(arm.feesPaid).toBe(1_050);
    expect(arm.volume[0]).toBe(0);
  });

  it('partial exits close ONE round trip when the position is flat', () => {
    const arm = new Arm(spec, ['KRW-BTC'], 1_000_000, 0);
    arm.applyFill(
      0,
      { clientOrderId: 'a', market: 'KRW-BTC', side: 'buy', price: 1_000, volume: 100, fee: 50, time: 1 },
      0.9,
    );
    arm.applyFill(
      0,
      { clientOrderId: 'b', market: 'KRW-BTC', side: 'sell', price: 1_100, volume: 40, fee: 22, time: 2 },
      0.9,
    );
    expect(arm.roundTrips).toHaveLength(0);
    arm.applyFill(
      0,
      { clientOrderId: 'b', market: 'KRW-BTC', side: 'sell', price: 1_200, volume: 60, fee: 36, time: 3 },
      0.9,
    );
    expect(arm.roundTrips).toHaveLength(1);
    expect(arm.roundTrips[0]).toMatchObject({
      volume: 100,
      cost: 100_050,
      proceeds: 44_000 - 22 + 72_000 - 36,
    });
    expect(arm.cash).toBe(1_000_000 - 100_050 + 43_978 + 71_964);
  });
});

describe('orderFor: signal -> intent', () => {
  it('buys confidence x 25 % of equity, sells the whole position, ignores HOLD and pending markets', () => {
    const arm = new Arm(spec, ['KRW-BTC'], 5_000_000, 0);
    expect(orderFor(arm, 0, signal('HOLD', 0), 5_000_000, ctx)).toBeUndefined();
    expect(orderFor(arm, 0, signal('SELL', 0.9), 5_000_000, ctx)).toBeUndefined(); // nothing to sell: no shorts
    const buy = orderFor(arm, 0, signal('BUY', 0.85), 5_000_000, ctx);
    expect(buy).toMatchObject({
      side: 'buy',
      quoteAmount: 1_062_500,
      arm: 'enhanced',
      market: 'KRW-BTC',
      time: 1_000,
    });
    arm.pending[0] = 1;
    expect(orderFor(arm, 0, signal('BUY', 0.85), 5_000_000, ctx)).toBeUndefined();
    arm.pending[0] = 0;
    arm.volume[0] = 0.5;
    expect(orderFor(arm, 0, signal('BUY', 0.85), 5_000_000, ctx)).toBeUndefined(); // no pyramiding
    expect(orderFor(arm, 0, signal('SELL', 0.59), 5_000_000, ctx)).toBe('BELOW_MIN_CONFIDENCE');
    expect(arm.refused.BELOW_MIN_CONFIDENCE).toBe(1);
    expect(orderFor(arm, 0, signal('SELL', 0.6), 5_000_000, ctx)).toMatchObject({
      side: 'sell',
      volume: 0.5,
    });
  });

  it('exits are allowed while the daily loss limit stops entries', () => {
    const arm = new Arm(spec, ['KRW-BTC', 'KRW-ETH'], 5_000_000, 0);
    arm.dailyLoss.halted = true;
    arm.volume[1] = 2;
    expect(orderFor(arm, 0, signal('BUY', 0.95), 5_000_000, ctx)).toBe('DAILY_LOSS_LIMIT');
    expect(arm.refused.DAILY_LOSS_LIMIT).toBe(1);
    expect(orderFor(arm, 1, signal('SELL', 0.95), 5_000_000, ctx)).toMatchObject({ side: 'sell', volume: 2 });
  });

  it('client order ids are deterministic and differ by every field', () => {
    const base = clientOrderId('b', 'r1', 'enhanced', 'KRW-BTC', 'buy', 1);
    expect(clientOrderId('b', 'r1', 'enhanced', 'KRW-BTC', 'buy', 1)).toBe(base);
    expect(base).toMatch(/^kt-[0-9a-f]{32}$/);
    const variants = [
      clientOrderId('c', 'r1', 'enhanced', 'KRW-BTC', 'buy', 1),
      clientOrderId('b', 'r2', 'enhanced', 'KRW-BTC', 'buy', 1),
      clientOrderId('b', 'r1', 'ml', 'KRW-BTC', 'buy', 1),
      clientOrderId('b', 'r1', 'enhanced', 'KRW-ETH', 'buy', 1),
      clientOrderId('b', 'r1', 'enhanced', 'KRW-BTC', 'sell', 1),
      clientOrderId('b', 'r1', 'enhanced', 'KRW-BTC', 'buy', 2),
    ];
    expect(new Set([base, ...variants]).size).toBe(7);
  });
});
