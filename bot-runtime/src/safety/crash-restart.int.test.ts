// The runtime SIGKILLed at each step around an order and restarted (issue 6, "what it must
// show"): exactly one order on the exchange, and the trade log matches the exchange's trades.
// The exchange is the local fake Upbit (it lives in this process and outlives every crash);
// PostgreSQL is the real one, in a schema of this test's own.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Harness, startHarness, TEST_KEYS } from '../exchange/fake-upbit/test-fixture.ts';
import { migrate } from '../store/migrate.ts';
import type { PgDb } from '../store/pg-db.ts';
import { createTestSchema, type TestSchema } from '../store/test-schema.ts';
import { TradeStore } from '../store/trade-store.ts';

let h: Harness;
let schema: TestSchema;
let db: PgDb;
let store: TradeStore;

beforeAll(async () => {
  // Two trades per market buy: one at placement, one per advance(), so a restart can find a
  // partially filled order that finished while the runtime was dead.
  h = await startHarness({ book: { fillSteps: 2, balances: { KRW: 100_000_000 } } });
  schema = await createTestSchema(inject('databaseUrl'));
  db = schema.connect({ maxConnections: 2 });
  await migrate(db);
  store = new TradeStore(db);
}, 60_000);
afterAll(async () => {
  await db?.close();
  await schema?.drop();
  await h?.close();
});

function runRuntime(
  bot: string,
  token: number,
  crashAt: string,
): Promise<{ code: number | null; signal: string | null; out: string }> {
  const cfg = {
    fakeUrl: h.fake.url,
    accessKey: TEST_KEYS.accessKey,
    secretKey: TEST_KEYS.secretKey,
    databaseUrl: inject('databaseUrl'),
    schema: schema.schema,
    bot,
    token,
    crashAt,
  };
  const child = spawn(
    process.execPath,
    [join(import.meta.dirname, 'fixtures', 'order-runner.ts'), JSON.stringify(cfg)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out });
    });
  });
}

describe('SIGKILL around an order, then restart', () => {
  for (const crashAt of ['after-intent', 'after-send', 'lost-response', 'after-submitted'] as const) {
    it(`killed ${crashAt}: exactly one order on the exchange, trade log = exchange trades`, async () => {
      const bot = `crash-${crashAt}`;
      const id = `kt-crash-${bot}`;
      if (crashAt === 'lost-response') h.fake.faults.loseOrderResponsesNext = 1;
      const first = await runRuntime(bot, 1, crashAt);
      expect(first.signal, first.out).toBe('SIGKILL');
      h.fake.faults.loseOrderResponsesNext = 0;
      // While the runtime is dead (and between its starts) the exchange fills the rest of what it has.
      h.fake.book.advance();
      const second = await runRuntime(bot, 2, 'none');
      expect(second.code, second.out).toBe(0);
      h.fake.book.advance();
      const third = await runRuntime(bot, 3, 'none');
      expect(third.code, third.out).toBe(0);

      const onExchange = h.fake.book.find({ identifier: id });
      expect(onExchange, 'the order exists on the exchange').toBeDefined();
      expect(onExchange!.state).toBe('done');
      const stored = (await store.orders.order(id))!;
      expect(stored.state).toBe('filled');
      expect(stored.exchangeOrderId).toBe(onExchange!.uuid);
      const logs = await store.fills.tradeLogs({ clientOrderId: id });
      expect(logs.map((l) => [l.fillKey, l.volume, l.price])).toEqual(
        onExchange!.trades.map((t) => [`${id}:trade:${t.uuid}`, t.volume, t.price]),
      );
      // Another start changes nothing.
      const fourth = await runRuntime(bot, 4, 'none');
      expect(fourth.code, fourth.out).toBe(0);
      expect(await store.fills.tradeLogs({ clientOrderId: id })).toHaveLength(onExchange!.trades.length);
    });
  }

  it('exactly one order per decision overall: the exchange spent the KRW of four orders, not more', () => {
    const krw = h.fake.book.accounts().find((a) => a.currency === 'KRW')!;
    const spent = 100_000_000 - krw.balance - krw.locked;
    // Four decisions of 1,000,000 KRW plus Upbit's 0.05% fee each.
    expect(spent).toBeCloseTo(4 * 1_000_000 * 1.0005, 0);
  });
});
