// Reconciliation against a broker that knows the truth: the paper broker plays the exchange (it
// keeps every order by client id, like Upbit's lookup by identifier), and the runtime "crashes"
// at each step around an order by simply not writing what it would have written next.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../execution/broker.ts';
import { PaperBroker } from '../execution/paper-broker.ts';
import { PgliteDb } from '../store/pglite-db.ts';
import { intentFor, uniqueName } from '../store/test-data.ts';
import { openTradeStore, type TradeStore } from '../store/trade-store.ts';
import { type OrderLookup, reconcileOpenOrders } from './reconcile.ts';

let store: TradeStore;
beforeAll(async () => {
  store = await openTradeStore();
  expect(store.db).toBeInstanceOf(PgliteDb);
}, 120_000);
afterAll(() => store?.close());

const T0 = Date.UTC(2026, 10, 20, 0, 5);

function exchange(): { broker: PaperBroker; lookup: OrderLookup; calls: string[] } {
  const broker = new PaperBroker({ feePct: 0.05, slippagePct: 0, minOrderKRW: 5_000 });
  const calls: string[] = [];
  return {
    broker,
    calls,
    lookup: {
      async lookup(id) {
        calls.push(id);
        const o = broker.order(id);
        return o ? structuredClone(o) : undefined;
      },
    },
  };
}

describe('reconcileOpenOrders', () => {
  it('crash after the exchange filled the order: the store catches up, fills written exactly once', async () => {
    const bot = uniqueName('bot');
    const ex = exchange();
    const intent = intentFor(bot, uniqueName('kt'), { quoteAmount: 1_000_000 });
    await store.orders.createIntent(intent, 1);
    await ex.broker.submit(intent); // sent; the runtime died before recording "submitted"
    ex.broker.onCandleOpen('KRW-BTC', T0 + 300_000, 140_000_000);
    const truth = ex.broker.takeFills();
    expect(truth).toHaveLength(1);

    const first = await reconcileOpenOrders(store, ex.lookup, { bot, abandonAfterMs: 60_000 });
    expect(first).toMatchObject({
      checked: 1,
      fillsWritten: 1,
      abandoned: [],
      resent: [],
      errors: [],
      mismatches: [],
    });
    expect(first.changed).toEqual([{ clientOrderId: intent.clientOrderId, from: 'intent', to: 'filled' }]);
    const logs = await store.fills.tradeLogs({ bot });
    expect(logs).toHaveLength(1);
    expect(logs[0]!.volume).toBe(truth[0]!.volume);
    expect(logs[0]!.price).toBeCloseTo(truth[0]!.price, 6);
    expect(logs[0]!.fee).toBe(truth[0]!.fee);

    // A second reconciliation (another restart) finds nothing open and writes nothing.
    const second = await reconcileOpenOrders(store, ex.lookup, { bot, abandonAfterMs: 60_000 });
    expect(second).toMatchObject({ checked: 0, fillsWritten: 0 });
    expect(await store.fills.tradeLogs({ bot })).toHaveLength(1);
  });

  it('the normal path recorded the fill before the crash: reconciliation adds no second row', async () => {
    const bot = uniqueName('bot');
    const ex = exchange();
    const intent = intentFor(bot, uniqueName('kt'), { quoteAmount: 500_000 });
    await store.orders.createIntent(intent, 1);
    await ex.broker.submit(intent);
    await store.orders.transition(intent.clientOrderId, 'submitted');
    ex.broker.onCandleOpen('KRW-BTC', T0 + 300_000, 140_000_000);
    for (const f of ex.broker.takeFills()) await store.fills.recordFill(f);
    // Died before marking it filled.
    const r = await reconcileOpenOrders(store, ex.lookup, { bot, abandonAfterMs: 60_000 });
    expect(r.fillsWritten).toBe(0);
    expect(r.changed).toEqual([
      { clientOrderId: intent.clientOrderId, from: 'partially_filled', to: 'filled' },
    ]);
    expect(await store.fills.tradeLogs({ bot })).toHaveLength(1);
  });

  it('an order still open on the exchange is marked submitted and stays open', async () => {
    const bot = uniqueName('bot');
    const ex = exchange();
    const intent = intentFor(bot, uniqueName('kt'));
    await store.orders.createIntent(intent, 1);
    await ex.broker.submit(intent);
    const r = await reconcileOpenOrders(store, ex.lookup, { bot, abandonAfterMs: 60_000 });
    expect(r.changed).toEqual([{ clientOrderId: intent.clientOrderId, from: 'intent', to: 'submitted' }]);
    expect((await store.orders.openOrders(bot)).map((o) => o.state)).toEqual(['submitted']);
  });

  it('crash after the intent, before sending: abandoned once old enough, left alone while it may be in flight', async () => {
    const bot = uniqueName('bot');
    const ex = exchange();
    const intent = intentFor(bot, uniqueName('kt'));
    const { order } = await store.orders.createIntent(intent, 1);
    const young = await reconcileOpenOrders(store, ex.lookup, {
      bot,
      abandonAfterMs: 60_000,
      now: () => order.createdAt + 1_000,
    });
    expect(young).toMatchObject({ pending: [intent.clientOrderId], abandoned: [] });
    const old = await reconcileOpenOrders(store, ex.lookup, {
      bot,
      abandonAfterMs: 60_000,
      now: () => order.createdAt + 61_000,
    });
    expect(old.abandoned).toEqual([intent.clientOrderId]);
    const stored = (await store.orders.order(intent.clientOrderId))!;
    expect(stored.state).toBe('cancelled');
    expect(stored.reason?.code).toBe('NOT_ON_EXCHANGE');
    // Nothing was ever sent: the exchange still has no order with this id.
    expect(ex.broker.order(intent.clientOrderId)).toBeUndefined();
  });

  it('an exchange that cannot answer leaves every order as it was and says so', async () => {
    const bot = uniqueName('bot');
    const intent = intentFor(bot, uniqueName('kt'));
    await store.orders.createIntent(intent, 1);
    const down: OrderLookup = {
      lookup: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:1');
      },
    };
    const r = await reconcileOpenOrders(store, down, { bot, abandonAfterMs: 0 });
    expect(r.errors).toEqual([
      { clientOrderId: intent.clientOrderId, message: 'connect ECONNREFUSED 127.0.0.1:1' },
    ]);
    expect((await store.orders.order(intent.clientOrderId))!.state).toBe('intent');
  });

  it('partial fills arriving over two reconciliations are each written once', async () => {
    const bot = uniqueName('bot');
    const intent = intentFor(bot, uniqueName('kt'), { quoteAmount: 300_000 });
    const { order } = await store.orders.createIntent(intent, 1);
    let view: Order = {
      intent,
      state: 'partially_filled',
      filledVolume: 1,
      filledQuote: 100_000,
      fees: 50,
      updatedAt: T0,
    };
    const lookup: OrderLookup = { lookup: async () => view };
    const a = await reconcileOpenOrders(store, lookup, { bot, abandonAfterMs: 0 });
    view = {
      ...view,
      state: 'filled',
      filledVolume: 2.5,
      filledQuote: 300_000,
      fees: 150,
      updatedAt: T0 + 1,
    };
    const b = await reconcileOpenOrders(store, lookup, { bot, abandonAfterMs: 0 });
    expect([a.fillsWritten, b.fillsWritten]).toEqual([1, 1]);
    const logs = await store.fills.tradeLogs({ clientOrderId: order.intent.clientOrderId });
    expect(logs.map((l) => [l.volume, l.price, l.fee])).toEqual([
      [1, 100_000, 50],
      [1.5, 200_000 / 1.5, 100],
    ]);
  });
});

describe('reconcileOpenOrders with the exchange listing its trades', () => {
  it('writes each trade under its trade id: fills the normal path already wrote are not written again', async () => {
    const bot = uniqueName('bot');
    const intent = intentFor(bot, uniqueName('kt'), { quoteAmount: 300_000 });
    await store.orders.createIntent(intent, 1);
    await store.orders.transition(intent.clientOrderId, 'submitted');
    const trade = (tradeId: string, volume: number, price: number, time: number) => ({
      tradeId,
      clientOrderId: intent.clientOrderId,
      market: 'KRW-BTC',
      side: 'buy' as const,
      price,
      volume,
      fee: (price * volume) / 2000,
      time,
    });
    const t1 = trade('upbit-t1', 1, 100_000, T0);
    const t2 = trade('upbit-t2', 2, 100_000, T0 + 1);
    // The runtime saw and wrote the first trade, then died.
    await store.fills.recordFill(t1);
    const lookup: OrderLookup = {
      lookup: async () => ({
        intent,
        state: 'filled',
        filledVolume: 3,
        filledQuote: 300_000,
        fees: 150,
        updatedAt: T0 + 2,
        exchangeOrderId: 'upbit-order-uuid',
        trades: [t1, t2],
      }),
    };
    const r = await reconcileOpenOrders(store, lookup, { bot, abandonAfterMs: 0 });
    expect(r.fillsWritten).toBe(1);
    expect(r.changed).toEqual([
      { clientOrderId: intent.clientOrderId, from: 'partially_filled', to: 'filled' },
    ]);
    const logs = await store.fills.tradeLogs({ clientOrderId: intent.clientOrderId });
    expect(logs.map((l) => [l.fillKey.split(':').pop(), l.volume])).toEqual([
      ['upbit-t1', 1],
      ['upbit-t2', 2],
    ]);
    const stored = (await store.orders.order(intent.clientOrderId))!;
    expect([stored.filledVolume, stored.exchangeOrderId]).toEqual([3, 'upbit-order-uuid']);
    // The broker's fill stream delivering the same trades again after the restart writes nothing,
    // with their trade ids and without (a broker that reports none).
    expect((await store.fills.recordFill(t2)).written).toBe(false);
    const { tradeId: _, ...withoutId } = t2;
    expect((await store.fills.recordFill({ ...withoutId, fee: 99 })).written).toBe(false);
    expect(await store.fills.tradeLogs({ clientOrderId: intent.clientOrderId })).toHaveLength(2);
  });
});

describe('reconcileOpenOrders with resend', () => {
  it('crash after the intent, before sending: the intent is sent once at restart, never twice', async () => {
    const bot = uniqueName('bot');
    const ex = exchange();
    const intent = intentFor(bot, uniqueName('kt'));
    const { order } = await store.orders.createIntent(intent, 1);
    const resend = async (i: typeof intent) => structuredClone(await ex.broker.submit(i));
    const opts = { bot, abandonAfterMs: 60_000, resend, now: () => order.createdAt + 61_000 };
    const r = await reconcileOpenOrders(store, ex.lookup, opts);
    expect(r).toMatchObject({ resent: [intent.clientOrderId], abandoned: [] });
    expect(r.changed).toEqual([{ clientOrderId: intent.clientOrderId, from: 'intent', to: 'submitted' }]);
    // A second restart finds it on the exchange and does not send it again.
    const again = await reconcileOpenOrders(store, ex.lookup, opts);
    expect(again.resent).toEqual([]);
    expect(ex.broker.order(intent.clientOrderId)?.state).toBe('submitted');
  });
});
