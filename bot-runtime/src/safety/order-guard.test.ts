// placeOrder / settleBrokerEvents on PGlite with the paper broker as the exchange and a real
// DependencyGate; the lease is a stub that hands out a token (the real one is tested on Redis).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Broker, Order } from '../execution/broker.ts';
import { PaperBroker } from '../execution/paper-broker.ts';
import { intentFor, uniqueName } from '../store/test-data.ts';
import { openTradeStore, type TradeStore } from '../store/trade-store.ts';
import type { OrderIntent } from '../types.ts';
import { DependencyGate } from './dependency-gate.ts';
import { type OrderGuardDeps, placeOrder, settleBrokerEvents } from './order-guard.ts';
import { reconcileOpenOrders } from './reconcile.ts';

let store: TradeStore;
beforeAll(async () => {
  store = await openTradeStore();
}, 120_000);
afterAll(() => store?.close());

const T1 = Date.UTC(2026, 10, 20, 0, 10);

async function rig(health = { postgres: true, redis: true, exchange: true }) {
  const broker = new PaperBroker({ feePct: 0.05, slippagePct: 0, minOrderKRW: 5_000 });
  const submits: string[] = [];
  const counting: Pick<Broker, 'submit'> = {
    submit: (i: OrderIntent) => {
      submits.push(i.clientOrderId);
      return broker.submit(i);
    },
  };
  const gate = new DependencyGate({ log: () => undefined });
  for (const [name, up] of Object.entries(health)) {
    gate.add(
      name,
      () => {
        if (!up) throw new Error(`${name} unreachable`);
      },
      { timeoutMs: 100, gatesExits: name !== 'redis' },
    );
  }
  await gate.probe();
  const lease = {
    token: 1,
    fencingToken() {
      return this.token;
    },
  };
  const deps: OrderGuardDeps = { store, broker: counting, lease, gate };
  return { broker, submits, gate, lease, deps, bot: uniqueName('bot') };
}

describe('placeOrder', () => {
  it('writes the intent, sends it once, and the fills land in trade_logs once', async () => {
    const r = await rig();
    const intent = intentFor(r.bot, uniqueName('kt'), { quoteAmount: 1_000_000 });
    const placed = await placeOrder(r.deps, intent, { entry: true });
    expect(placed).toMatchObject({ ok: true, sent: true, order: { state: 'submitted' } });
    // The same decision again (a retried cycle): no second send.
    expect(await placeOrder(r.deps, intent, { entry: true })).toMatchObject({ ok: true, sent: false });
    expect(r.submits).toEqual([intent.clientOrderId]);
    r.broker.onCandleOpen('KRW-BTC', T1, 140_000_000);
    expect(await settleBrokerEvents(store, r.broker)).toEqual({ fillsWritten: 1, finished: 1 });
    const stored = (await store.orders.order(intent.clientOrderId))!;
    expect(stored.state).toBe('filled');
    expect(stored.filledVolume).toBe(1_000_000 / 140_000_000);
    expect(await store.fills.tradeLogs({ bot: r.bot })).toHaveLength(1);
  });

  it('a closed gate refuses entries with the reason and writes nothing; exits still pass when only Redis is down', async () => {
    const r = await rig({ postgres: true, redis: false, exchange: true });
    const entry = intentFor(r.bot, uniqueName('kt'));
    expect(await placeOrder(r.deps, entry, { entry: true })).toEqual({
      ok: false,
      code: 'GATE_CLOSED',
      message: 'redis: redis unreachable',
    });
    expect(await store.orders.order(entry.clientOrderId)).toBeUndefined();
    const exit = intentFor(r.bot, uniqueName('kt'), { side: 'sell', quoteAmount: undefined, volume: 0.01 });
    delete exit.quoteAmount;
    r.broker.onCandleOpen('KRW-BTC', T1, 140_000_000);
    expect(await placeOrder(r.deps, exit, { entry: false })).toMatchObject({ ok: true, sent: true });
  });

  it('the exchange down closes exits too', async () => {
    const r = await rig({ postgres: true, redis: true, exchange: false });
    const exit = intentFor(r.bot, uniqueName('kt'));
    expect(await placeOrder(r.deps, exit, { entry: false })).toMatchObject({
      ok: false,
      code: 'GATE_CLOSED',
    });
    expect(r.submits).toEqual([]);
  });

  it('without the lease nothing is written or sent', async () => {
    const r = await rig();
    const deps = {
      ...r.deps,
      lease: {
        fencingToken: () => {
          throw new Error('trader lease not held');
        },
      },
    };
    expect(await placeOrder(deps, intentFor(r.bot, uniqueName('kt')), { entry: true })).toEqual({
      ok: false,
      code: 'LEASE_NOT_HELD',
      message: 'trader lease not held',
    });
    expect(r.submits).toEqual([]);
  });

  it('a fenced writer (another runtime has a newer token) sends nothing', async () => {
    const r = await rig();
    await store.orders.createIntent(intentFor(r.bot, uniqueName('kt')), 5);
    const out = await placeOrder(r.deps, intentFor(r.bot, uniqueName('kt')), { entry: true });
    expect(out).toMatchObject({ ok: false, code: 'FENCED' });
    expect(r.submits).toEqual([]);
  });

  it('an intent left from before a restart is not re-sent: reconciliation decides', async () => {
    const r = await rig();
    const intent = intentFor(r.bot, uniqueName('kt'));
    await store.orders.createIntent(intent, 1);
    expect(await placeOrder(r.deps, intent, { entry: true })).toMatchObject({
      ok: false,
      code: 'AWAITING_RECONCILE',
    });
    expect(r.submits).toEqual([]);
  });

  it('a broker call without an answer leaves the intent for reconciliation, which finds the order', async () => {
    const r = await rig();
    const intent = intentFor(r.bot, uniqueName('kt'));
    // The exchange accepted the order, the response was lost.
    const lost: Pick<Broker, 'submit'> = {
      submit: async (i) => {
        await r.broker.submit(i);
        throw new Error('socket hang up');
      },
    };
    const out = await placeOrder({ ...r.deps, broker: lost }, intent, { entry: true });
    expect(out).toEqual({ ok: false, code: 'OUTCOME_UNKNOWN', message: 'socket hang up' });
    expect((await store.orders.order(intent.clientOrderId))!.state).toBe('intent');
    const lookup = { lookup: async (id: string): Promise<Order | undefined> => r.broker.order(id) };
    const rec = await reconcileOpenOrders(store, lookup, { bot: r.bot, abandonAfterMs: 60_000 });
    expect(rec.changed).toEqual([{ clientOrderId: intent.clientOrderId, from: 'intent', to: 'submitted' }]);
  });

  it('a rejection is stored with its code', async () => {
    const r = await rig();
    const tiny = intentFor(r.bot, uniqueName('kt'), { quoteAmount: 1_000 });
    const out = await placeOrder(r.deps, tiny, { entry: true });
    expect(out).toMatchObject({
      ok: true,
      order: { state: 'rejected', reason: { code: 'BELOW_MIN_ORDER' } },
    });
  });
});
