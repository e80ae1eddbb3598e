// The local exchange speaks Upbit's wire format, checked with raw HTTP (no client in between).
import { afterEach, describe, expect, it } from 'vitest';
import { hashedQuery, signUpbitJwt } from '../upbit/auth.ts';
import { FakeUpbit } from './server.ts';
import { TEST_KEYS } from './test-fixture.ts';

let fake: FakeUpbit;
afterEach(async () => {
  await fake?.close();
});

const start = (opts: Parameters<typeof FakeUpbit.start>[0] = {}) =>
  FakeUpbit.start({ keys: { [TEST_KEYS.accessKey]: TEST_KEYS.secretKey }, ...opts });

async function get(
  path: string,
  auth = false,
): Promise<{ status: number; body: unknown; remaining: string | null }> {
  const query = path.includes('?') ? path.slice(path.indexOf('?') + 1) : '';
  const headers: Record<string, string> = auth
    ? { authorization: `Bearer ${signUpbitJwt(TEST_KEYS, query)}` }
    : {};
  const res = await fetch(`${fake.url}${path}`, { headers });
  return { status: res.status, body: await res.json(), remaining: res.headers.get('remaining-req') };
}

describe('fake Upbit wire format', () => {
  it('sends Remaining-Req per group on answers and errors, and a 429 with an Upbit error body past the limit', async () => {
    // A frozen clock keeps all calls in one counting second, so the 429 is certain.
    fake = await start({ limits: { candle: 2, default: 30 }, now: () => 1_800_000_000_000 });
    const first = await get('/v1/candles/minutes/5?market=KRW-BTC&count=1');
    expect(first.remaining).toBe('group=candle; min=1800; sec=1');
    const bad = await get('/v1/candles/minutes/5?market=KRW-BTC&count=201');
    expect(bad.status).toBe(400);
    expect(bad.remaining).toBe('group=candle; min=1800; sec=0');
    expect(bad.body).toEqual({
      error: { name: 'validation_error', message: expect.stringContaining('count') },
    });
    const over = await get('/v1/candles/minutes/5?market=KRW-BTC&count=1');
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({ error: { name: 'too_many_requests' } });
    expect((await get('/v1/accounts', true)).remaining).toMatch(/^group=default; min=1800; sec=\d+$/);
  });

  it('serves candles newest first, `to` exclusive, with Upbit field names', async () => {
    fake = await start();
    const page = (await get('/v1/candles/minutes/15?market=KRW-ETH&count=3')).body as Array<
      Record<string, unknown>
    >;
    expect(page).toHaveLength(3);
    const times = page.map((c) => Date.parse(`${c.candle_date_time_utc as string}Z`));
    expect(times[0]! - times[1]!).toBe(900_000);
    expect(page[0]).toMatchObject({ market: 'KRW-ETH', unit: 15 });
    for (const field of [
      'opening_price',
      'high_price',
      'low_price',
      'trade_price',
      'candle_acc_trade_volume',
      'candle_acc_trade_price',
    ]) {
      expect(typeof page[0]![field]).toBe('number');
    }
    const to = page[0]!.candle_date_time_utc as string;
    const before = (await get(`/v1/candles/minutes/15?market=KRW-ETH&count=1&to=${to}`)).body as Array<
      Record<string, unknown>
    >;
    expect(before[0]!.candle_date_time_utc).toBe(page[1]!.candle_date_time_utc);
    const days = (await get('/v1/candles/days?market=KRW-ETH&count=2')).body as Array<
      Record<string, unknown>
    >;
    expect(days[0]).not.toHaveProperty('unit');
    expect((await get('/v1/candles/minutes/7?market=KRW-ETH')).status).toBe(400);
  });

  it('answers an order POST with 201 and decimal strings, and refuses an unsigned one with 401', async () => {
    fake = await start();
    const body = { market: 'KRW-XRP', side: 'bid', ord_type: 'price', price: '6000', identifier: 'kt-wire' };
    const res = await fetch(`${fake.url}/v1/orders`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${signUpbitJwt(TEST_KEYS, hashedQuery(body))}`,
      },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(201);
    const order = (await res.json()) as Record<string, unknown>;
    expect(order).toMatchObject({
      side: 'bid',
      ord_type: 'price',
      price: '6000',
      market: 'KRW-XRP',
      identifier: 'kt-wire',
      volume: null,
      remaining_volume: null,
    });
    expect(order.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$/);
    const unsigned = await fetch(`${fake.url}/v1/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(unsigned.status).toBe(401);
    const signedWithoutHash = await fetch(`${fake.url}/v1/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${signUpbitJwt(TEST_KEYS, '')}` },
      body: JSON.stringify({ ...body, identifier: 'kt-wire-2' }),
    });
    expect(signedWithoutHash.status).toBe(401);
    expect(((await signedWithoutHash.json()) as { error: { name: string } }).error.name).toBe(
      'invalid_query_payload',
    );
    expect(fake.book.orders).toHaveLength(1);
  });

  it('reports balances after a trade and rejects a malformed order with Upbit names', async () => {
    fake = await start({ book: { balances: { KRW: 100_000 } } });
    const post = async (body: Record<string, string>) => {
      const res = await fetch(`${fake.url}/v1/orders`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${signUpbitJwt(TEST_KEYS, hashedQuery(body))}`,
        },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as { error?: { name: string } } };
    };
    expect(
      (await post({ market: 'KRW-BTC', side: 'bid', ord_type: 'market', volume: '1', identifier: 'x1' })).body
        .error?.name,
    ).toBe('create_bid_error');
    expect(
      (await post({ market: 'KRW-BTC', side: 'sideways', ord_type: 'price', price: '6000' })).body.error
        ?.name,
    ).toBe('validation_error');
    expect(
      (await post({ market: 'KRW-BTC', side: 'bid', ord_type: 'price', price: '50000', identifier: 'x2' }))
        .status,
    ).toBe(201);
    const accounts = (await get('/v1/accounts', true)).body as Array<{ currency: string; balance: string }>;
    expect(accounts.find((a) => a.currency === 'KRW')?.balance).toBe(String(100_000 - 50_000 - 25));
    expect(Number(accounts.find((a) => a.currency === 'BTC')?.balance)).toBeGreaterThan(0);
  });
});
