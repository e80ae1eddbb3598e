import { describe, expect, it } from 'vitest';
import { Arm } from '../portfolio/arm.ts';
import type { TradeLog } from '../store/order-rows.ts';
import { bookInherited } from './positions.ts';

const MARKETS = ['KRW-BTC', 'KRW-ETH'];
function core() {
  const arms = [
    new Arm({ name: 'tech', weight: 50, layers: ['technical'], mlValidation: false }, MARKETS, 5_000_000, 0),
    new Arm({ name: 'ml', weight: 50, layers: ['ml'], mlValidation: false }, MARKETS, 5_000_000, 0),
  ];
  return { arms, marketIndex: (m: string) => (MARKETS.includes(m) ? MARKETS.indexOf(m) : undefined) };
}
function log(id: number, over: Partial<TradeLog>): TradeLog {
  return {
    id,
    fillKey: `k${id}`,
    clientOrderId: `o${id}`,
    bot: 'b',
    revision: 'r',
    arm: 'tech',
    market: 'KRW-BTC',
    side: 'buy',
    price: 100_000_000,
    volume: 0.01,
    fee: 500,
    confidence: 0.85,
    layers: {},
    source: 'broker',
    filledAt: 1_000,
    ...over,
  };
}

describe('bookInherited', () => {
  it('books the previous holder fills into the named arm and market, skipping own orders', () => {
    const c = core();
    const seen: number[] = [];
    const n = bookInherited(
      c,
      [
        log(1, {}),
        log(2, { clientOrderId: 'mine' }),
        log(3, { arm: 'ml', market: 'KRW-ETH', price: 5_000_000, volume: 0.2 }),
      ],
      new Set(['mine']),
      (id) => seen.push(id),
    );
    expect(n).toBe(2);
    expect(seen).toEqual([1, 2, 3]);
    expect(c.arms[0]!.volume[0]).toBeCloseTo(0.01, 12);
    expect(c.arms[0]!.cash).toBe(5_000_000 - 1_000_000 - 500);
    expect(c.arms[1]!.volume[1]).toBeCloseTo(0.2, 12);
    expect(c.arms[1]!.volume[0]).toBe(0);
  });

  it('a later sell closes the inherited position (round trip recorded)', () => {
    const c = core();
    bookInherited(c, [log(1, {}), log(2, { side: 'sell', price: 110_000_000, filledAt: 2_000 })], new Set());
    expect(c.arms[0]!.volume[0]).toBe(0);
    expect(c.arms[0]!.roundTrips).toHaveLength(1);
  });

  it('ignores fills of an arm or market the current revision does not have', () => {
    const c = core();
    expect(bookInherited(c, [log(1, { arm: 'gone' }), log(2, { market: 'KRW-DOGE' })], new Set())).toBe(0);
    expect(c.arms[0]!.cash).toBe(5_000_000);
  });
});
