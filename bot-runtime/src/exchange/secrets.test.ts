// Issue 6: "secrets never appear in any log or error (a test greps the logs for the key)". Drives the
// client, broker and feed through every failure we know, collects everything they logged or threw
// (messages, stacks, util.inspect of errors and of the client itself, console output) and greps it.
import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UpbitBroker } from '../execution/upbit-broker.ts';
import type { OrderIntent } from '../types.ts';
import { type Harness, startHarness, TEST_KEYS } from './fake-upbit/test-fixture.ts';
import { credentialsFromEnv } from './upbit/auth.ts';
import { UpbitClient } from './upbit/client.ts';
import { UpbitTickerFeed } from './upbit/ticker-feed.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
  vi.restoreAllMocks();
});

function intent(id: string, quoteAmount = 100_000): OrderIntent {
  return {
    clientOrderId: id,
    bot: 'b',
    revision: 'r',
    arm: 'a',
    market: 'KRW-BTC',
    side: 'buy',
    quoteAmount,
    time: 0,
    confidence: 0.9,
    signal: { market: 'KRW-BTC', time: 0, action: 'BUY', confidence: 0.9, reasons: [], layers: {} },
  };
}

describe('credentials never leak', () => {
  it('no log line, error message, stack or inspected object contains the secret key, the access key or a bearer token', async () => {
    const printed: string[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
        printed.push(String(chunk));
        return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof stream.write);
    }
    const env = { UPBIT_ACCESS_KEY: TEST_KEYS.accessKey, UPBIT_SECRET_KEY: TEST_KEYS.secretKey };
    h = await startHarness(
      { limits: { ticker: 1, default: 30, order: 8, candle: 10 } },
      { timeoutMs: 150, maxAttempts: 2 },
    );
    const client = UpbitClient.fromEnv(
      { baseUrl: h.fake.url, timeoutMs: 150, maxAttempts: 2, log: (l) => h.logs.push(l) },
      env,
    );
    const broker = new UpbitBroker(client, { minOrderKRW: 5000 });
    const thrown: unknown[] = [];
    const attempt = async (p: () => Promise<unknown>) => {
      try {
        await p();
      } catch (error) {
        thrown.push(error);
      }
    };

    await attempt(() => Promise.all(Array.from({ length: 4 }, () => client.tickers(['KRW-BTC'])))); // 429s
    h.fake.faults.serverErrorsNext = 5;
    await attempt(() => client.accounts()); // 5xx, retried then thrown
    await attempt(() =>
      client.placeOrder({ market: 'KRW-BTC', side: 'bid', ordType: 'price', price: 10, identifier: 'kt-s1' }),
    );
    h.fake.faults.loseOrderResponsesNext = 1;
    await attempt(() => broker.submit(intent('kt-s2')));
    h.fake.faults.latencyMs = 400;
    await attempt(() => broker.submit(intent('kt-s3'))); // timeout, reconcile times out too
    h.fake.faults.latencyMs = 0;
    await attempt(() =>
      new UpbitClient({
        baseUrl: h.fake.url,
        credentials: { accessKey: TEST_KEYS.accessKey, secretKey: `${TEST_KEYS.secretKey}x` },
      }).accounts(),
    );
    await attempt(() =>
      new UpbitClient({ baseUrl: 'http://127.0.0.1:9', credentials: TEST_KEYS, maxAttempts: 1 }).accounts(),
    );
    await attempt(async () => credentialsFromEnv({ UPBIT_ACCESS_KEY: TEST_KEYS.accessKey }));
    h.fake.faults.blocked = true;
    await attempt(() => client.accounts());
    await attempt(() => client.accounts());
    const logs: string[] = [];
    const feed = new UpbitTickerFeed({
      url: `ws://127.0.0.1:9/websocket/v1`,
      markets: ['KRW-BTC'],
      types: ['ticker'],
      pingIntervalMs: 50,
      pongTimeoutMs: 50,
      reconnectBaseMs: 10,
      reconnectMaxMs: 20,
      log: (l) => logs.push(l),
    });
    feed.start();
    await new Promise((r) => setTimeout(r, 100));
    feed.stop();

    expect(thrown.length).toBeGreaterThanOrEqual(8);
    expect(h.logs.length).toBeGreaterThan(0);
    const everything = [
      ...h.logs,
      ...logs,
      ...printed,
      ...thrown.flatMap((e) => [
        String(e),
        (e as Error).stack ?? '',
        inspect(e, { depth: 10, showHidden: true }),
        JSON.stringify(e),
      ]),
      inspect(client, { depth: 10, showHidden: true }),
      inspect(broker, { depth: 10, showHidden: true }),
    ].join('\n');
    expect(everything).toContain('EXCHANGE_'); // the grep really saw the errors
    expect(everything).not.toContain(TEST_KEYS.secretKey);
    expect(everything).not.toContain(TEST_KEYS.accessKey);
    expect(everything).not.toMatch(/Bearer\s+ey/);
    expect(everything).not.toContain(Buffer.from(TEST_KEYS.accessKey).toString('base64url').slice(0, 20));
  });
});
