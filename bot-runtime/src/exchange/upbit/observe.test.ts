// The transport's observer: every request's outcome, for kubetrade_exchange_requests_total and the
// Remaining-Req gauge — with the endpoint as the only label-worthy detail (no ids, no parameters).
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { StatusMetrics } from '../../status/status-metrics.ts';
import { FakeUpbit } from '../fake-upbit/server.ts';
import { TEST_KEYS } from '../fake-upbit/test-fixture.ts';
import { UpbitClient } from './client.ts';
import { RateLimiter } from './rate-limiter.ts';
import type { ExchangeObservation } from './transport.ts';

let fake: FakeUpbit | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function observed(faults: Partial<FakeUpbit['faults']> = {}) {
  fake = await FakeUpbit.start({ keys: { [TEST_KEYS.accessKey]: TEST_KEYS.secretKey } });
  Object.assign(fake.faults, faults);
  const seen: ExchangeObservation[] = [];
  const client = new UpbitClient({
    baseUrl: fake.url,
    credentials: TEST_KEYS,
    limiter: new RateLimiter({ windowMs: 1000, baseBackoffMs: 10, maxBackoffMs: 50 }),
    timeoutMs: 2000,
    maxAttempts: 3,
    observe: (o) => seen.push(o),
  });
  return { client, seen };
}

describe('exchange request observer', () => {
  it('sees each answer with its endpoint, status and Remaining-Req header', async () => {
    const { client, seen } = await observed();
    await client.tickers(['KRW-BTC']);
    await client.accounts();
    expect(seen.map((o) => `${o.endpoint} ${o.code}`)).toEqual([
      'GET /v1/ticker 200',
      'GET /v1/accounts 200',
    ]);
    for (const o of seen) expect(o.remainingReq).toMatch(/group=[\w-]+; min=\d+; sec=\d+/);
    expect(JSON.stringify(seen)).not.toContain(TEST_KEYS.secretKey);
  });

  it('sees every attempt of a retried call, failures included', async () => {
    const { client, seen } = await observed({ serverErrorsNext: 2 });
    await client.tickers(['KRW-BTC']);
    expect(seen.map((o) => o.code)).toEqual(['503', '503', '200']); // the fake answers 5xx faults with 503
  });

  it('feeds kubetrade_exchange_requests_total and kubetrade_exchange_remaining_requests', async () => {
    const registry = new Registry();
    const metrics = new StatusMetrics(registry);
    metrics.observeExchange({
      endpoint: 'POST /v1/orders',
      code: '201',
      remainingReq: 'group=order; min=199; sec=7',
    });
    metrics.observeExchange({
      endpoint: 'POST /v1/orders',
      code: '429',
      remainingReq: 'group=order; min=198; sec=0',
    });
    metrics.observeExchange({ endpoint: 'GET /v1/ticker', code: 'timeout', remainingReq: null });
    const text = await registry.metrics();
    expect(text).toContain('kubetrade_exchange_requests_total{endpoint="POST /v1/orders",code="201"} 1');
    expect(text).toContain('kubetrade_exchange_requests_total{endpoint="POST /v1/orders",code="429"} 1');
    expect(text).toContain('kubetrade_exchange_requests_total{endpoint="GET /v1/ticker",code="timeout"} 1');
    expect(text).toContain('kubetrade_exchange_remaining_requests{group="order"} 0');
  });
});
