import { describe, expect, it } from 'vitest';
import { isExchangeError } from '../errors.ts';
import { assertSameOrder, newTrades, orderState } from './order-view.ts';
import type { UpbitOrder, UpbitTrade } from './responses.ts';

const trade = (uuid: string, funds: number): UpbitTrade => ({
  uuid,
  market: 'KRW-BTC',
  price: 100_000_000,
  volume: funds / 100_000_000,
  funds,
  side: 'bid',
  createdAt: 0,
});

const order = (over: Partial<UpbitOrder> = {}): UpbitOrder => ({
  uuid: 'u-1',
  identifier: 'kt-1',
  market: 'KRW-BTC',
  side: 'bid',
  ordType: 'price',
  price: 30_000,
  volume: undefined,
  state: 'wait',
  createdAt: 0,
  remainingVolume: undefined,
  executedVolume: 0,
  paidFee: 0,
  tradesCount: 0,
  trades: [],
  ...over,
});

describe('orderState', () => {
  it.each([
    ['wait', 'limit', 0, false, 'submitted'],
    ['watch', 'limit', 0, false, 'submitted'],
    ['wait', 'market', 0.1, false, 'partially_filled'],
    ['done', 'market', 1, false, 'filled'],
    ['cancel', 'limit', 0, false, 'cancelled'],
    ['cancel', 'limit', 0.5, false, 'cancelled'],
    ['cancel', 'price', 0.5, false, 'filled'], // Upbit's market-buy quirk
    ['cancel', 'price', 0, false, 'cancelled'],
    ['cancel', 'price', 0.5, true, 'cancelled'], // we asked for the cancel
  ] as const)(
    '%s %s order, executed %s, cancel requested %s -> %s',
    (state, ordType, executedVolume, asked, expected) => {
      expect(orderState({ state, ordType, executedVolume }, asked)).toBe(expected);
    },
  );
});

describe('newTrades', () => {
  it('splits the fee charged since the last report over the new trades, adding up exactly', () => {
    const o = order({
      trades: [trade('t1', 10_000), trade('t2', 10_000), trade('t3', 10_001)],
      paidFee: 15.0005,
    });
    const first = newTrades({ ...o, trades: o.trades.slice(0, 1), paidFee: 5 }, new Set(), 0);
    expect(first).toEqual([expect.objectContaining({ tradeId: 't1', fee: 5 })]);
    const rest = newTrades(o, new Set(['t1']), 5);
    expect(rest.map((t) => t.tradeId)).toEqual(['t2', 't3']);
    expect(rest[0]!.fee + rest[1]!.fee).toBeCloseTo(10.0005, 10);
    expect(rest[0]!.fee).toBeCloseTo((10.0005 * 10_000) / 20_001, 10);
    expect(newTrades(o, new Set(['t1', 't2', 't3']), 15.0005)).toEqual([]);
  });
});

describe('assertSameOrder', () => {
  const expected = { identifier: 'kt-1', uuid: 'u-1', market: 'KRW-BTC', side: 'bid' as const };
  it('accepts the order asked for, also before its uuid is known', () => {
    expect(() => assertSameOrder(expected, order())).not.toThrow();
    expect(() => assertSameOrder({ ...expected, uuid: undefined }, order({ uuid: 'u-9' }))).not.toThrow();
  });
  it.each([
    ['identifier', { identifier: 'kt-2' }],
    ['uuid', { uuid: 'u-2' }],
    ['market', { market: 'KRW-ETH' }],
    ['side', { side: 'ask' as const }],
  ])('refuses an answer whose %s differs', (field, over) => {
    try {
      assertSameOrder(expected, order(over));
      expect.unreachable();
    } catch (error) {
      expect(isExchangeError(error, 'EXCHANGE_INVALID_RESPONSE')).toBe(true);
      expect((error as Error).message).toContain(`field ${field}`);
    }
  });
});
