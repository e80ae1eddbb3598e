// The live broker seam: every order through placeOrder (gate, fencing, stored intent) and the
// core only hears fills and final states after they were written to the store.
import { describe, expect, it } from 'vitest';
import type { Order } from '../execution/broker.ts';
import { StoreError } from '../store/errors.ts';
import type { Fill, OrderIntent } from '../types.ts';
import { GuardedBroker, type Refusal } from './guarded-broker.ts';

const intent = (side: 'buy' | 'sell', id = `kt-${side}`): OrderIntent =>
  ({
    clientOrderId: id,
    bot: 'b',
    revision: 'r',
    arm: 'tech',
    market: 'KRW-BTC',
    side,
    ...(side === 'buy' ? { quoteAmount: 100_000 } : { volume: 0.001 }),
    time: 0,
    confidence: 0.85,
    signal: {
      market: 'KRW-BTC',
      time: 0,
      action: side === 'buy' ? 'BUY' : 'SELL',
      confidence: 0.85,
      reasons: [],
      layers: {},
    },
  }) as unknown as OrderIntent;

function setup(
  opts: { entries?: boolean; exits?: boolean; submitThrows?: boolean; storeDown?: boolean } = {},
) {
  const written: string[] = [];
  const refusals: Refusal[] = [];
  const orders = new Map<string, Order>();
  let fills: Fill[] = [];
  let finished: Order[] = [];
  const inner = {
    name: 'upbit',
    async submit(i: OrderIntent) {
      if (opts.submitThrows) throw new Error('timeout');
      const o = {
        intent: i,
        state: 'filled',
        filledVolume: 1,
        filledQuote: 1,
        fees: 0,
        updatedAt: 0,
        trades: [],
        exchangeOrderId: 'u1',
      } as unknown as Order;
      orders.set(i.clientOrderId, o);
      fills.push({
        clientOrderId: i.clientOrderId,
        market: i.market,
        side: i.side,
        price: 1,
        volume: 1,
        fee: 0,
        time: 0,
      });
      finished.push(o);
      return o;
    },
    order: (id: string) => orders.get(id),
    takeFills: () => {
      const f = fills;
      fills = [];
      return f;
    },
    takeFinished: () => {
      const f = finished;
      finished = [];
      return f;
    },
    async sync() {},
    async lookup() {
      return undefined;
    },
    async reconcile() {
      throw new Error('unused');
    },
    async cancel() {
      return undefined;
    },
  };
  const store = {
    orders: {
      async createIntent(i: OrderIntent) {
        if (opts.storeDown) throw new StoreError('UNAVAILABLE', 'connect ECONNREFUSED 127.0.0.1:5432');
        written.push(`intent ${i.clientOrderId}`);
        return { order: { intent: i, state: 'intent' }, created: true };
      },
      async advance(id: string, to: string) {
        written.push(`${to} ${id}`);
        return { state: to };
      },
    },
    fills: {
      async recordFill(f: Fill) {
        written.push(`fill ${f.clientOrderId}`);
        return { written: true };
      },
    },
  };
  const gate = {
    canOpenPositions: () => opts.entries ?? true,
    canClosePositions: () => opts.exits ?? true,
    readiness: () => ({ ready: false, reasons: ['exchange: 503'] }),
  };
  const broker = new GuardedBroker(
    inner as never,
    { store: store as never, lease: { fencingToken: () => 7 }, gate: gate as never },
    (r) => refusals.push(r),
  );
  return { broker, written, refusals };
}

describe('GuardedBroker', () => {
  it('stores the intent before sending, and hands fills to the core only after they are stored', async () => {
    const { broker, written } = setup();
    const o = await broker.submit(intent('buy'));
    expect(o.state).toBe('filled');
    expect(written).toEqual(['intent kt-buy', 'submitted kt-buy']);
    expect(broker.takeFills()).toHaveLength(0);
    await broker.settle();
    expect(written).toEqual(['intent kt-buy', 'submitted kt-buy', 'fill kt-buy', 'filled kt-buy']);
    expect(broker.takeFills()).toHaveLength(1);
    expect(broker.takeFinished().map((f) => f.intent.clientOrderId)).toEqual(['kt-buy']);
    expect(broker.own.has('kt-buy')).toBe(true);
  });

  it('a closed gate refuses an entry (nothing stored, nothing sent) but lets an exit through', async () => {
    const { broker, written, refusals } = setup({ entries: false, exits: true });
    const buy = await broker.submit(intent('buy'));
    expect(buy.state).toBe('cancelled');
    expect(refusals[0]).toMatchObject({ code: 'GATE_CLOSED', message: 'exchange: 503' });
    expect(written).toEqual([]);
    expect(broker.takeFinished().map((o) => o.intent.clientOrderId)).toEqual(['kt-buy']);
    const sell = await broker.submit(intent('sell'));
    expect(sell.state).toBe('filled');
    expect(written).toEqual(['intent kt-sell', 'submitted kt-sell']);
  });

  it('an unknown outcome keeps the order pending (uncertain) for reconciliation', async () => {
    const { broker, refusals } = setup({ submitThrows: true });
    const o = await broker.submit(intent('buy'));
    expect(o.state).toBe('intent');
    expect(refusals[0]?.code).toBe('OUTCOME_UNKNOWN');
    expect([...broker.uncertain]).toEqual(['kt-buy']);
    expect(broker.takeFinished()).toHaveLength(0);
    broker.resolved(intent('buy'), 'cancelled');
    expect(broker.uncertain.size).toBe(0);
    expect(broker.takeFinished().map((f) => f.state)).toEqual(['cancelled']);
  });

  it('an intent the store never got (PostgreSQL down) is cancelled once the store says it has no row', async () => {
    const { broker, refusals, written } = setup({ storeDown: true });
    const o = await broker.submit(intent('buy'));
    expect(o.state).toBe('intent');
    expect(refusals[0]?.code).toBe('STORE_UNAVAILABLE');
    expect(written).toEqual([]);
    expect([...broker.uncertain]).toEqual(['kt-buy']);
    broker.neverStored('kt-unknown');
    expect(broker.uncertain.size).toBe(1);
    broker.neverStored('kt-buy');
    expect(broker.uncertain.size).toBe(0);
    expect(broker.takeFinished().map((f) => [f.intent.clientOrderId, f.state])).toEqual([
      ['kt-buy', 'cancelled'],
    ]);
  });
});
