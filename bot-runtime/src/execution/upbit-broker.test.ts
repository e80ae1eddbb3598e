import { afterEach, describe, expect, it } from 'vitest';
import { isExchangeError } from '../exchange/errors.ts';
import { failure, type Harness, startHarness, TEST_KEYS } from '../exchange/fake-upbit/test-fixture.ts';
import type { OrderLookup } from '../safety/reconcile.ts';
import type { OrderIntent } from '../types.ts';
import { liveUpbitBroker, UpbitBroker } from './upbit-broker.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

let seq = 0;
function intent(over: Partial<OrderIntent> = {}): OrderIntent {
  seq += 1;
  const market = over.market ?? 'KRW-BTC';
  return {
    clientOrderId: `kt-test-${seq}`,
    bot: 'b',
    revision: 'r1',
    arm: 'enhanced',
    market,
    side: 'buy',
    quoteAmount: 100_000,
    time: 1_700_000_000_000 + seq,
    confidence: 0.9,
    signal: { market, time: 0, action: 'BUY', confidence: 0.9, reasons: [], layers: {} },
    ...over,
  };
}

const posts = (x: Harness) => x.fake.log.filter((r) => r.method === 'POST' && r.path === '/v1/orders');

describe('UpbitBroker', () => {
  it('buys with identifier = clientOrderId and reports the fill with price, volume and fee', async () => {
    h = await startHarness();
    const broker = new UpbitBroker(h.client, { minOrderKRW: 5000 });
    const i = intent();
    const order = await broker.submit(i);
    expect(order.state).toBe('filled');
    expect(h.fake.book.find({ identifier: i.clientOrderId })).toBeDefined();
    const fills = broker.takeFills();
    expect(fills).toHaveLength(1);
    const price = h.fake.market.price('KRW-BTC')!;
    expect(fills[0]).toMatchObject({ clientOrderId: i.clientOrderId, side: 'buy', price, fee: 50 });
    // Upbit's volume has 8 decimals; the exchange floors, so the buyer never gets more than paid for.
    expect(fills[0]!.volume).toBeLessThanOrEqual(100_000 / price);
    expect(fills[0]!.volume).toBeGreaterThan(100_000 / price - 1e-8);
    expect(order.filledQuote).toBe(100_000);
    expect(broker.takeFinished()).toEqual([order]);
    expect(broker.takeFills()).toHaveLength(0);
  });

  it('a second submit of the same intent returns the same order and sends nothing', async () => {
    h = await startHarness();
    const broker = new UpbitBroker(h.client, { minOrderKRW: 5000 });
    const i = intent();
    const first = await broker.submit(i);
    expect(await broker.submit(i)).toBe(first);
    expect(posts(h)).toHaveLength(1);
  });

  it('refuses an exchange answer about a different order instead of applying it', async () => {
    h = await startHarness();
    const broker = new UpbitBroker(h.client, { minOrderKRW: 5000 });
    const i = intent();
    // Someone else's order under our identifier on another market: the lookup must not adopt it.
    await h.client.placeOrder({
      market: 'KRW-ETH',
      side: 'bid',
      ordType: 'price',
      price: 10_000,
      identifier: i.clientOrderId,
    });
    const e = await failure(broker.submit(i, { possiblySent: true }));
    expect(e.code).toBe('EXCHANGE_INVALID_RESPONSE');
    expect(e.message).toContain('field market');
    expect(broker.takeFills()).toHaveLength(0);
  });

  it('two concurrent submits of one intent send one POST', async () => {
    h = await startHarness({ faults: { latencyMs: 50 } });
    const broker = new UpbitBroker(h.client, { minOrderKRW: 5000 });
    const i = intent();
    const [a, b] = await Promise.all([broker.submit(i), broker.submit(i)]);
    expect(a).toBe(b);
    expect(posts(h)).toHaveLength(1);
  });

  it('turns partial fills into one Fill per trade, with fees adding up to what Upbit charged', async () => {
    h = await startHarness({ book: { fillSteps: 3 } });
    const broker = new UpbitBroker(h.client, { minOrderKRW: 5000 });
    const i = intent({ quoteAmount: 30_001 });
    expect((await broker.submit(i)).state).toBe('partially_filled');
    h.fake.book.advance();
    await broker.sync();
    expect(broker.order(i.clientOrderId)!.state).toBe('partially_filled');
    h.fake.book.advance();
    await broker.sync();
    const order = broker.order(i.clientOrderId)!;
    expect(order.state).toBe('filled');
    const fills = broker.takeFills();
    expect(fills).toHaveLength(3);
    const paid = h.fake.book.find({ identifier: i.clientOrderId })!.trades.reduce((s, t) => s + t.fee, 0);
    expect(fills.reduce((s, f) => s + f.fee, 0)).toBeCloseTo(paid, 9);
    expect(order.filledQuote).toBe(30_001);
  });

  it('a response lost after the exchange accepted the order: reconciled by identifier, exactly one order', async () => {
    h = await startHarness({ faults: { loseOrderResponsesNext: 1 } });
    const broker = new UpbitBroker(h.client, { minOrderKRW: 5000 });
    const i = intent();
    const order = await broker.submit(i);
    expect(order.state).toBe('filled');
    expect(posts(h)).toHaveLength(1);
    expect(posts(h)[0]!.status).toBe(0); // the client saw a hang-up
    expect(h.fake.log.some((r) => r.path === '/v1/order' && r.method === 'GET' && r.status === 200)).toBe(
      true,
    );
    await broker.submit(i);
    expect(h.fake.book.orders).toHaveLength(1);
    expect(broker.takeFills()).toHaveLength(1);
  });

  it('a timed-out POST that landed later is adopted, never sent twice', async () => {
    h = await startHarness({ faults: { latencyMs: 300 } }, { timeoutMs: 100, maxAttempts: 1 });
    const broker = new UpbitBroker(h.client, { minOrderKRW: 5000 });
    const i = intent();
    const e = await failure(broker.submit(i));
    expect(e.code).toBe('EXCHANGE_TIMEOUT');
    expect(broker.order(i.clientOrderId)!.state).toBe('intent');
    h.fake.faults.latencyMs = 0;
    await waitFor(() => h.fake.book.orders.length === 1);
    const order = await broker.submit(i);
    expect(order.state).toBe('filled');
    expect(posts(h)).toHaveLength(1);
    expect(h.fake.book.orders).toHaveLength(1);
  });

  it('a POST dropped before the exchange saw it is placed once, after a lookup proves it is absent', async () => {
    h = await startHarness({ faults: { dropsNext: 1 } }, { maxAttempts: 1 });
    const broker = new UpbitBroker(h.client, { minOrderKRW: 5000 });
    const i = intent();
    expect(isExchangeError(await failure(broker.submit(i)), 'EXCHANGE_UNAVAILABLE')).toBe(true);
    expect(h.fake.book.orders).toHaveLength(0);
    const order = await broker.submit(i);
    expect(order.state).toBe('filled');
    expect(h.fake.book.orders).toHaveLength(1);
    const lookupBeforeRetry = h.fake.log.findIndex(
      (r) => r.method === 'GET' && r.path === '/v1/order' && r.status === 404,
    );
    expect(lookupBeforeRetry).toBeGreaterThan(0);
    expect(lookupBeforeRetry).toBeLessThan(h.fake.log.findLastIndex((r) => r.method === 'POST'));
  });

  it('after a restart, an intent that was possibly sent is looked up first and adopted', async () => {
    h = await startHarness();
    const i = intent();
    await new UpbitBroker(h.client, { minOrderKRW: 5000 }).submit(i);
    const restarted = new UpbitBroker(h.client, { minOrderKRW: 5000 });
    const order = await restarted.submit(i, { possiblySent: true });
    expect(order.state).toBe('filled');
    expect(posts(h)).toHaveLength(1);
    expect(restarted.takeFills()).toHaveLength(1);
  });

  it('lookup serves reconciliation after a restart: the exchange order with every trade under its trade id', async () => {
    h = await startHarness({ book: { fillSteps: 2 } });
    const i = intent({ quoteAmount: 20_000 });
    const before = new UpbitBroker(h.client, { minOrderKRW: 5000 });
    await before.submit(i);
    const streamed = before.takeFills();
    expect(streamed).toHaveLength(1);
    h.fake.book.advance();
    const restarted = new UpbitBroker(h.client, { minOrderKRW: 5000 });
    const lookup: OrderLookup = restarted; // the contract safety/reconcile.ts needs
    const found = await lookup.lookup(i.clientOrderId, i);
    const onExchange = h.fake.book.find({ identifier: i.clientOrderId })!;
    expect(found).toMatchObject({ state: 'filled', exchangeOrderId: onExchange.uuid, filledQuote: 20_000 });
    expect(found!.trades!.map((t) => t.tradeId)).toEqual(onExchange.trades.map((t) => t.uuid));
    expect(streamed[0]).toMatchObject({ tradeId: onExchange.trades[0]!.uuid }); // same key on both paths
    expect(await restarted.lookup('kt-never-sent', intent())).toBeUndefined();
    await expect(
      restarted.lookup(before.order(i.clientOrderId)!.intent.clientOrderId),
    ).resolves.toBeDefined();
    await expect(new UpbitBroker(h.client, { minOrderKRW: 5000 }).lookup(i.clientOrderId)).rejects.toThrow(
      /pass its intent/,
    );
    expect(posts(h)).toHaveLength(1);
  });

  it('an identifier the exchange already has (a racing earlier POST) is adopted, not doubled', async () => {
    h = await startHarness();
    const i = intent();
    await h.client.placeOrder({
      market: 'KRW-BTC',
      side: 'bid',
      ordType: 'price',
      price: 100_000,
      identifier: i.clientOrderId,
    });
    const order = await new UpbitBroker(h.client, { minOrderKRW: 5000 }).submit(i);
    expect(order.state).toBe('filled');
    expect(h.fake.book.orders).toHaveLength(1);
  });

  it('rejects locally what Upbit would refuse, without a request: below minimum, non-KRW, malformed', async () => {
    h = await startHarness();
    const broker = new UpbitBroker(h.client, { minOrderKRW: 5000 });
    expect((await broker.submit(intent({ quoteAmount: 4_999.9 }))).rejection?.code).toBe('BELOW_MIN_ORDER');
    expect((await broker.submit(intent({ market: 'USDT-BTC' }))).rejection?.code).toBe('UNKNOWN_MARKET');
    expect((await broker.submit(intent({ side: 'sell', quoteAmount: 10_000 }))).rejection?.code).toBe(
      'INVALID_ORDER',
    );
    expect(h.fake.log).toHaveLength(0);
    expect(broker.takeFinished()).toHaveLength(3);
  });

  it('maps exchange rejections to codes: insufficient funds, below-minimum sell', async () => {
    h = await startHarness({ book: { balances: { KRW: 50_000, XRP: 1 } } });
    const broker = new UpbitBroker(h.client, { minOrderKRW: 5000 });
    expect((await broker.submit(intent({ quoteAmount: 60_000 }))).rejection?.code).toBe('INSUFFICIENT_FUNDS');
    const sell = await broker.submit(
      intent({ market: 'KRW-XRP', side: 'sell', quoteAmount: undefined, volume: 1 }),
    );
    expect(sell.rejection?.code).toBe('BELOW_MIN_ORDER');
  });

  it('sells what it bought and the KRW comes back minus fees', async () => {
    h = await startHarness({ book: { balances: { KRW: 1_000_000 } } });
    const broker = new UpbitBroker(h.client, { minOrderKRW: 5000 });
    await broker.submit(intent({ market: 'KRW-ETH', quoteAmount: 200_000 }));
    const [buy] = broker.takeFills();
    const sell = await broker.submit(
      intent({ market: 'KRW-ETH', side: 'sell', quoteAmount: undefined, volume: buy!.volume }),
    );
    expect(sell.state).toBe('filled');
    const krw = (await h.client.accounts()).find((a) => a.currency === 'KRW')!;
    expect(krw.balance).toBe(1_000_000 - 200_000 - buy!.fee + sell.filledQuote - sell.fees);
  });

  it('cancels an open order; what filled before the cancel stays reported', async () => {
    h = await startHarness({ book: { fillSteps: 2 } });
    const broker = new UpbitBroker(h.client, { minOrderKRW: 5000 });
    const i = intent();
    await broker.submit(i);
    const order = await broker.cancel(i.clientOrderId);
    expect(order?.state).toBe('cancelled');
    expect(order!.filledVolume).toBeGreaterThan(0);
    expect(broker.takeFills()).toHaveLength(1);
  });

  it('liveUpbitBroker takes keys from the environment only, and reports a 418 block', async () => {
    h = await startHarness();
    expect(() => liveUpbitBroker({ baseUrl: h.fake.url, minOrderKRW: 5000 }, {})).toThrow(
      /EXCHANGE_CREDENTIALS_MISSING/,
    );
    const env = { UPBIT_ACCESS_KEY: TEST_KEYS.accessKey, UPBIT_SECRET_KEY: TEST_KEYS.secretKey };
    const broker = liveUpbitBroker({ baseUrl: h.fake.url, minOrderKRW: 5000 }, env);
    expect((await broker.submit(intent())).state).toBe('filled');
    expect(broker.blocked).toBe(false);
    h.fake.faults.blocked = true;
    expect((await failure(broker.submit(intent()))).code).toBe('EXCHANGE_BLOCKED');
    expect(broker.blocked).toBe(true);
    expect(h.fake.book.orders).toHaveLength(1);
  });
});

async function waitFor(ok: () => boolean, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
