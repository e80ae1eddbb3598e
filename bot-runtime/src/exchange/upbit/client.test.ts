import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Candle } from '../../types.ts';
import { failure, type Harness, startHarness, TEST_KEYS } from '../fake-upbit/test-fixture.ts';
import { signUpbitJwt } from './auth.ts';
import { UpbitClient } from './client.ts';

type UpbitErrorBody = { error: { name: string } };

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe('UpbitClient against the local exchange', () => {
  it('reads accounts with a signed request', async () => {
    h = await startHarness({ book: { balances: { KRW: 1_234_567 } } });
    const accounts = await h.client.accounts();
    expect(accounts).toEqual([
      { currency: 'KRW', balance: 1_234_567, locked: 0, avgBuyPrice: 0, unitCurrency: 'KRW' },
    ]);
  });

  it('places a market buy and looks it up by identifier with its trades', async () => {
    h = await startHarness();
    const placed = await h.client.placeOrder({
      market: 'KRW-BTC',
      side: 'bid',
      ordType: 'price',
      price: 10_000,
      identifier: 'kt-a',
    });
    expect(placed).toMatchObject({
      identifier: 'kt-a',
      market: 'KRW-BTC',
      side: 'bid',
      ordType: 'price',
      state: 'done',
    });
    const found = await h.client.order({ identifier: 'kt-a' });
    expect(found?.uuid).toBe(placed.uuid);
    expect(found?.trades).toHaveLength(1);
    expect(found?.trades[0]?.funds).toBe(10_000);
    expect(await h.client.order({ identifier: 'kt-missing' })).toBeUndefined();
  });

  it('lists open orders, signing the states[] array parameters', async () => {
    h = await startHarness({ book: { fillSteps: 2 } });
    await h.client.placeOrder({
      market: 'KRW-BTC',
      side: 'bid',
      ordType: 'price',
      price: 10_000,
      identifier: 'kt-open-1',
    });
    await h.client.placeOrder({
      market: 'KRW-ETH',
      side: 'bid',
      ordType: 'price',
      price: 10_000,
      identifier: 'kt-open-2',
    });
    expect((await h.client.openOrders()).map((o) => o.identifier)).toEqual(['kt-open-2', 'kt-open-1']);
    expect((await h.client.openOrders('KRW-BTC')).map((o) => o.identifier)).toEqual(['kt-open-1']);
    h.fake.book.advance();
    expect(await h.client.openOrders()).toEqual([]);
  });

  it('pages back through more than 200 candles with to+count, oldest first, no gaps or repeats', async () => {
    h = await startHarness();
    const candles = await h.client.candleHistory('KRW-ETH', '5m', 450);
    expect(candles).toHaveLength(450);
    for (let i = 1; i < candles.length; i++)
      expect(candles[i]!.openTime - candles[i - 1]!.openTime).toBe(300_000);
    const pages = h.fake.log.filter((r) => r.path === '/v1/candles/minutes/5');
    expect(pages).toHaveLength(3);
    const days = await h.client.candleHistory('KRW-BTC', '1d', 400);
    expect(days).toHaveLength(365); // the synthetic market holds the SPEC's 1-year window: stops when the exchange runs out
  });

  it('reads tickers', async () => {
    h = await startHarness();
    const tickers = await h.client.tickers(['KRW-BTC', 'KRW-XRP']);
    expect(tickers.map((t) => t.market)).toEqual(['KRW-BTC', 'KRW-XRP']);
    expect(tickers[0]!.tradePrice).toBe(h.fake.market.price('KRW-BTC'));
  });
});

describe('exchange error paths', () => {
  it('401 jwt_verification for a wrong secret', async () => {
    h = await startHarness();
    const wrong = new UpbitClient({
      baseUrl: h.fake.url,
      credentials: { accessKey: TEST_KEYS.accessKey, secretKey: 'not-the-secret-key' },
    });
    const e = await failure(wrong.accounts());
    expect(e).toMatchObject({ code: 'EXCHANGE_AUTH', status: 401, upbitName: 'jwt_verification' });
  });

  it('401 invalid_access_key for an unknown key', async () => {
    h = await startHarness();
    const stranger = new UpbitClient({
      baseUrl: h.fake.url,
      credentials: { accessKey: 'nobody-key-1', secretKey: 'nobody-secret-1' },
    });
    expect(await failure(stranger.accounts())).toMatchObject({
      code: 'EXCHANGE_AUTH',
      upbitName: 'invalid_access_key',
    });
  });

  it('401 invalid_query_payload when the query hash does not match, and nonce_used on a replayed token', async () => {
    h = await startHarness();
    const signedFor = signUpbitJwt(TEST_KEYS, 'identifier=kt-a');
    const tampered = await fetch(`${h.fake.url}/v1/order?identifier=kt-b`, {
      headers: { authorization: `Bearer ${signedFor}` },
    });
    expect(tampered.status).toBe(401);
    expect(((await tampered.json()) as UpbitErrorBody).error.name).toBe('invalid_query_payload');
    const token = signUpbitJwt(TEST_KEYS, '');
    const first = await fetch(`${h.fake.url}/v1/accounts`, { headers: { authorization: `Bearer ${token}` } });
    expect(first.status).toBe(200);
    const replay = await fetch(`${h.fake.url}/v1/accounts`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as UpbitErrorBody).error.name).toBe('nonce_used');
  });

  it('signs parameters whose URL form is percent-encoded: the exchange verifies the unencoded hash', async () => {
    h = await startHarness();
    expect(await h.client.order({ identifier: 'kt:a b/c' })).toBeUndefined(); // 404 order_not_found, not 401
    expect(h.fake.log.at(-1)).toMatchObject({ path: '/v1/order', status: 404 });
  });

  it('429: the client backs off with jitter and every call still succeeds', async () => {
    h = await startHarness({ limits: { ticker: 2, default: 30, candle: 10, order: 8 } });
    const results = await Promise.all(Array.from({ length: 6 }, () => h.client.tickers(['KRW-BTC'])));
    expect(results.every((r) => r.length === 1)).toBe(true);
    expect(h.fake.log.some((r) => r.status === 429)).toBe(true);
    expect(h.limiter.backoffs).toBeGreaterThan(0);
    expect(h.logs.some((l) => l.includes('EXCHANGE_RATE_LIMITED'))).toBe(true);
  });

  it('sequential calls follow Remaining-Req: they wait out the window instead of earning a 429', async () => {
    h = await startHarness({ limits: { ticker: 3, default: 30, candle: 10, order: 8 } });
    for (let i = 0; i < 7; i++) await h.client.tickers(['KRW-BTC']);
    expect(h.fake.log.filter((r) => r.status === 429)).toHaveLength(0);
    expect(h.limiter.waitedMs).toBeGreaterThan(0);
    expect(h.limiter.backoffs).toBe(0);
  });

  it("a first burst with the default limiter is paced by Upbit's documented limits: no 429 at all", async () => {
    h = await startHarness();
    const client = new UpbitClient({ baseUrl: h.fake.url, credentials: TEST_KEYS }); // default limiter
    const results = await Promise.all(Array.from({ length: 15 }, () => client.tickers(['KRW-BTC'])));
    expect(results).toHaveLength(15);
    expect(h.fake.log.filter((r) => r.status === 429)).toHaveLength(0);
  });

  it('418 stops: a typed EXCHANGE_BLOCKED, and nothing more is sent afterwards', async () => {
    h = await startHarness({ faults: { blocked: true } });
    expect(await failure(h.client.tickers(['KRW-BTC']))).toMatchObject({
      code: 'EXCHANGE_BLOCKED',
      status: 418,
    });
    const sent = h.fake.log.length;
    expect(
      await failure(
        h.client.placeOrder({
          market: 'KRW-BTC',
          side: 'bid',
          ordType: 'price',
          price: 10_000,
          identifier: 'kt-x',
        }),
      ),
    ).toMatchObject({
      code: 'EXCHANGE_BLOCKED',
    });
    expect(h.fake.log.length).toBe(sent);
    expect(h.fake.book.orders).toHaveLength(0);
  });

  it('a client that keeps ignoring 429s gets blocked with 418', async () => {
    // A frozen exchange clock: every retry lands in the same counting second, as a client
    // hammering a real exchange would.
    h = await startHarness({ limits: { ticker: 1 }, blockAfter429s: 2, now: () => 1_800_000_000_000 });
    const calls = await Promise.allSettled(Array.from({ length: 8 }, () => h.client.tickers(['KRW-BTC'])));
    expect(h.fake.log.some((r) => r.status === 418)).toBe(true);
    expect(
      calls.some(
        (c) => c.status === 'rejected' && (c.reason as { code?: string }).code === 'EXCHANGE_BLOCKED',
      ),
    ).toBe(true);
    expect(h.limiter.blocked).toBe(true);
  });

  it('5xx is retried for GETs', async () => {
    h = await startHarness({ faults: { serverErrorsNext: 2 } });
    expect(await h.client.accounts()).toHaveLength(1);
    expect(h.fake.log.map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('5xx on an order POST is NOT retried: the outcome is unknown and left to a lookup', async () => {
    h = await startHarness({ faults: { serverErrorsNext: 1 } });
    const e = await failure(
      h.client.placeOrder({
        market: 'KRW-BTC',
        side: 'bid',
        ordType: 'price',
        price: 10_000,
        identifier: 'kt-5xx',
      }),
    );
    expect(e).toMatchObject({ code: 'EXCHANGE_UNAVAILABLE', status: 503 });
    expect(h.fake.log.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('dropped connections are retried for GETs and surface as EXCHANGE_UNAVAILABLE after the last attempt', async () => {
    h = await startHarness({ faults: { dropsNext: 1 } });
    expect(await h.client.tickers(['KRW-SOL'])).toHaveLength(1);
    h.fake.faults.dropsNext = 10;
    expect(await failure(h.client.tickers(['KRW-SOL']))).toMatchObject({ code: 'EXCHANGE_UNAVAILABLE' });
  });

  it('times out every call (AbortSignal.timeout) instead of hanging', async () => {
    h = await startHarness({ faults: { latencyMs: 400 } }, { timeoutMs: 100, maxAttempts: 2 });
    expect(await failure(h.client.accounts())).toMatchObject({ code: 'EXCHANGE_TIMEOUT' });
  });

  it('never follows a redirect (a 307 would re-send the order elsewhere)', async () => {
    h = await startHarness();
    const seen: string[] = [];
    const redirector = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(307, { location: `${h.fake.url}${req.url}` });
      res.end();
    });
    await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', () => r()));
    try {
      const client = new UpbitClient({
        baseUrl: `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`,
        credentials: TEST_KEYS,
        maxAttempts: 1,
      });
      const e = await failure(
        client.placeOrder({
          market: 'KRW-BTC',
          side: 'bid',
          ordType: 'price',
          price: 10_000,
          identifier: 'kt-redirect',
        }),
      );
      expect(e.code).toBe('EXCHANGE_UNAVAILABLE');
      expect(seen).toEqual(['POST /v1/orders']);
      expect(h.fake.book.orders).toHaveLength(0);
    } finally {
      await new Promise((r) => redirector.close(r));
    }
  });

  it('rejects a duplicate identifier', async () => {
    h = await startHarness();
    await h.client.placeOrder({
      market: 'KRW-XRP',
      side: 'bid',
      ordType: 'price',
      price: 6_000,
      identifier: 'kt-dup',
    });
    const e = await failure(
      h.client.placeOrder({
        market: 'KRW-XRP',
        side: 'bid',
        ordType: 'price',
        price: 6_000,
        identifier: 'kt-dup',
      }),
    );
    expect(e).toMatchObject({ code: 'EXCHANGE_REJECTED', status: 400, upbitName: 'duplicate_identifier' });
    expect(h.fake.book.orders).toHaveLength(1);
  });

  it('rejects orders below the 5,000 KRW minimum, buy and sell', async () => {
    h = await startHarness({ book: { balances: { KRW: 1_000_000, XRP: 1 } } });
    const bid = await failure(
      h.client.placeOrder({
        market: 'KRW-XRP',
        side: 'bid',
        ordType: 'price',
        price: 4_999,
        identifier: 'kt-min-b',
      }),
    );
    expect(bid).toMatchObject({ code: 'EXCHANGE_REJECTED', upbitName: 'under_min_total_bid' });
    const ask = await failure(
      h.client.placeOrder({
        market: 'KRW-XRP',
        side: 'ask',
        ordType: 'market',
        volume: 1,
        identifier: 'kt-min-a',
      }),
    );
    expect(ask).toMatchObject({ code: 'EXCHANGE_REJECTED', upbitName: 'under_min_total_ask' });
  });

  it('rejects a limit price off the KRW tick grid', async () => {
    h = await startHarness();
    const price = h.fake.market.price('KRW-BTC')!;
    const e = await failure(
      h.client.placeOrder({
        market: 'KRW-BTC',
        side: 'bid',
        ordType: 'limit',
        price: price + 1,
        volume: 0.001,
        identifier: 'kt-tick',
      }),
    );
    expect(e).toMatchObject({ code: 'EXCHANGE_REJECTED', upbitName: 'invalid_price_bid' });
  });

  it('rejects a buy the account cannot pay', async () => {
    h = await startHarness({ book: { balances: { KRW: 10_000 } } });
    const e = await failure(
      h.client.placeOrder({
        market: 'KRW-BTC',
        side: 'bid',
        ordType: 'price',
        price: 10_000,
        identifier: 'kt-poor',
      }),
    );
    expect(e).toMatchObject({ upbitName: 'insufficient_funds_bid' });
  });
});

describe('candles from real Upbit data through the wire', () => {
  it('serves ../shared/data/upbit/days and the client reads back the same 392 candles, paged by 200', async () => {
    const csv = await readFile(
      new URL('../../../../../shared/data/upbit/days/KRW-BTC-1d-2023.csv', import.meta.url),
      'utf8',
    );
    const [header, ...rows] = csv.trim().split('\n');
    const col = (name: string) => header!.split(',').indexOf(name);
    const real: Candle[] = rows.map((line) => {
      const f = line.split(',');
      const close = Number(f[col('trade_price')]);
      return {
        market: 'KRW-BTC',
        timeframe: '1d',
        openTime: Date.parse(`${f[col('candle_date_time_utc')]}T00:00:00Z`),
        open: Number(f[col('opening_price')]),
        high: Number(f[col('high_price')]),
        low: Number(f[col('low_price')]),
        close,
        volume: Number(f[col('candle_acc_trade_volume')]),
        quoteVolume: Number(f[col('candle_acc_trade_price')]),
      };
    });
    expect(real).toHaveLength(392);
    h = await startHarness({ candles: real });
    const got = await h.client.candleHistory('KRW-BTC', '1d', 1000, Date.parse('2024-01-01T00:00:00Z'));
    expect(got).toEqual(real);
    expect(h.fake.log.filter((r) => r.path === '/v1/candles/days').length).toBe(2);
    const from = Date.parse('2023-06-01T00:00:00Z');
    const pages: Candle[][] = [];
    for await (const page of h.client.candlePages('KRW-BTC', '1d', { from })) pages.push(page);
    expect(pages.flat().at(-1)!.openTime).toBe(from);
    expect(pages.flat()).toHaveLength(real.filter((c) => c.openTime >= from).length);
  });
});
