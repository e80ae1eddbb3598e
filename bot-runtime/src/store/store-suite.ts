// The ONE store test suite, run against PGlite (trade-store.test.ts) and against the real
// PostgreSQL of hack/services.sh (trade-store.int.test.ts), so both engines are held to the same
// behaviour (issue 6: "the same store tests pass on PGlite and on PostgreSQL").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../execution/broker.ts';
import type { Db } from './db.ts';
import { isStoreError } from './errors.ts';
import { loadMigrations, migrate } from './migrate.ts';
import { describeOrderStateMachine } from './order-state-suite.ts';
import { intentFor, signalFor, uniqueName } from './test-data.ts';
import { TradeStore } from './trade-store.ts';

export interface StoreFixture {
  db: Db;
  cleanup(): Promise<void>;
}

export function describeStore(engine: string, makeDb: () => Promise<StoreFixture>): void {
  describe(`trade store on ${engine}`, () => {
    let fixture: StoreFixture;
    let store: TradeStore;

    beforeAll(async () => {
      fixture = await makeDb();
      await migrate(fixture.db);
      store = new TradeStore(fixture.db);
      // PGlite compiles its WASM PostgreSQL on open: 5-20 s on this shared 2-core machine.
    }, 120_000);
    afterAll(async () => {
      await fixture?.cleanup();
    });

    it('applies the migrations once: a second run applies nothing and records each version once', async () => {
      const again = await migrate(fixture.db);
      expect(again.applied).toEqual([]);
      expect(again.alreadyApplied).toEqual(loadMigrations().map((m) => m.version));
      const r = await fixture.db.query<{ n: string }>('SELECT count(*)::text AS n FROM schema_migrations');
      expect(Number(r.rows[0]!.n)).toBe(loadMigrations().length);
    });

    it('refuses to run when an applied migration file was edited', async () => {
      const edited = loadMigrations().map((m) => ({ ...m, checksum: `${m.checksum}x` }));
      await expect(migrate(fixture.db, edited)).rejects.toMatchObject({ code: 'MIGRATION_CHANGED' });
    });

    it('round-trips an intent with exact amounts and its signal', async () => {
      const bot = uniqueName('bot');
      const intent = intentFor(bot, uniqueName('id'), { side: 'sell', quoteAmount: undefined, volume: 0.1 });
      delete intent.quoteAmount;
      const { order, created } = await store.orders.createIntent(intent, 1);
      expect(created).toBe(true);
      expect(order.state).toBe('intent');
      const read = (await store.orders.order(intent.clientOrderId))!;
      expect(read.intent).toEqual(intent);
      expect(read.intent.volume).toBe(0.1);
      expect(read.fencingToken).toBe(1);
    });

    it('is idempotent on the client order id: the same intent twice is one row', async () => {
      const bot = uniqueName('bot');
      const intent = intentFor(bot, uniqueName('id'));
      const first = await store.orders.createIntent(intent, 3);
      const second = await store.orders.createIntent(intent, 3);
      expect(first.created).toBe(true);
      expect(second.created).toBe(false);
      expect(second.order.intent.clientOrderId).toBe(intent.clientOrderId);
      const n = await fixture.db.query<{ n: string }>(
        'SELECT count(*)::text AS n FROM orders WHERE client_order_id = $1',
        [intent.clientOrderId],
      );
      expect(n.rows[0]!.n).toBe('1');
      const [a, b] = await Promise.all([
        store.orders.createIntent(intentFor(bot, `${intent.clientOrderId}-c`), 3),
        store.orders.createIntent(intentFor(bot, `${intent.clientOrderId}-c`), 3),
      ]);
      expect([a.created, b.created].sort()).toEqual([false, true]);
    });

    it('refuses a reused client order id for a different order', async () => {
      const bot = uniqueName('bot');
      const id = uniqueName('id');
      await store.orders.createIntent(intentFor(bot, id), 1);
      await expect(
        store.orders.createIntent(intentFor(bot, id, { market: 'KRW-ETH' }), 1),
      ).rejects.toMatchObject({ code: 'ORDER_ID_CONFLICT' });
    });

    it('fences: after token 2 wrote, token 1 is refused with FENCED and writes nothing', async () => {
      const bot = uniqueName('bot');
      await store.orders.createIntent(intentFor(bot, uniqueName('id')), 1);
      await store.orders.createIntent(intentFor(bot, uniqueName('id')), 2);
      const staleId = uniqueName('id');
      const err = await store.orders.createIntent(intentFor(bot, staleId), 1).catch((e: unknown) => e);
      expect(isStoreError(err, 'FENCED')).toBe(true);
      expect((err as Error).message).toMatch(/token 1 is stale \(newest is 2\)/);
      expect(await store.orders.order(staleId)).toBeUndefined();
      expect(await store.orders.fenceToken(bot)).toBe(2);
      // Fences are per bot: another bot's token 1 is fine.
      const other = await store.orders.createIntent(intentFor(uniqueName('bot'), uniqueName('id')), 1);
      expect(other.created).toBe(true);
    });

    it('refuses NaN and missing amounts before touching the database', async () => {
      const bot = uniqueName('bot');
      await expect(
        store.orders.createIntent(intentFor(bot, uniqueName('id'), { quoteAmount: Number.NaN }), 1),
      ).rejects.toMatchObject({ code: 'INVALID_AMOUNT' });
      const none = intentFor(bot, uniqueName('id'));
      delete none.quoteAmount;
      await expect(store.orders.createIntent(none, 1)).rejects.toMatchObject({ code: 'INVALID_AMOUNT' });
    });

    describeOrderStateMachine(() => ({ store, db: fixture.db }));

    it('records each fill exactly once with exact totals and moves the order to partially_filled', async () => {
      const bot = uniqueName('bot');
      const id = uniqueName('id');
      await store.orders.createIntent(intentFor(bot, id), 1);
      await store.orders.transition(id, 'submitted');
      const fill = {
        clientOrderId: id,
        market: 'KRW-BTC',
        side: 'buy' as const,
        price: 100,
        volume: 0.1,
        fee: 0.05,
        time: 1,
      };
      expect((await store.fills.recordFill(fill)).written).toBe(true);
      expect((await store.fills.recordFill(fill)).written).toBe(false);
      const second = await store.fills.recordFill({ ...fill, volume: 0.2, time: 2 }, 'upbit-trade-2');
      expect(second.written).toBe(true);
      expect((await store.fills.recordFill({ ...fill, volume: 0.2, time: 2 }, 'upbit-trade-2')).written).toBe(
        false,
      );
      // 0.1 + 0.2 is 0.30000000000000004 in doubles; NUMERIC keeps it exact.
      expect(second.order.filledVolume).toBe(0.3);
      expect(second.order.filledQuote).toBe(30);
      expect(second.order.fees).toBe(0.1);
      expect(second.order.state).toBe('partially_filled');
      const logs = await store.fills.tradeLogs({ clientOrderId: id });
      expect(logs.map((l) => [l.volume, l.price, l.source])).toEqual([
        [0.1, 100, 'broker'],
        [0.2, 100, 'broker'],
      ]);
      expect(logs[0]!.layers.technical?.reasons).toEqual(['RSI 27.1 < 30', 'volume 2.3x']);
      expect(logs[0]).toMatchObject({
        bot,
        revision: 'rev-1',
        arm: 'enhanced',
        market: 'KRW-BTC',
        side: 'buy',
        confidence: 0.9,
      });
    });

    it("applies the exchange's view: missing volume written once at its average price, state advanced", async () => {
      const bot = uniqueName('bot');
      const id = uniqueName('id');
      const { order } = await store.orders.createIntent(intentFor(bot, id), 1);
      const partial = {
        clientOrderId: id,
        market: 'KRW-BTC',
        side: 'buy' as const,
        price: 1000,
        volume: 0.5,
        fee: 0.25,
        time: 5,
      };
      await store.fills.recordFill(partial);
      const exchange: Order = {
        intent: order.intent,
        state: 'filled',
        filledVolume: 1.5,
        filledQuote: 500 + 1300,
        fees: 0.9,
        updatedAt: Date.UTC(2026, 10, 20, 0, 6),
      };
      const applied = await store.fills.applyExchangeOrder(exchange, 'upbit-uuid-1');
      expect(applied.fillsWritten).toBe(1);
      expect(applied.order.state).toBe('filled');
      expect(applied.order.exchangeOrderId).toBe('upbit-uuid-1');
      expect(applied.order.filledVolume).toBe(1.5);
      const again = await store.fills.applyExchangeOrder(exchange);
      expect(again.fillsWritten).toBe(0);
      const logs = await store.fills.tradeLogs({ clientOrderId: id });
      expect(logs).toHaveLength(2);
      expect(logs[1]).toMatchObject({ volume: 1, price: 1300, fee: 0.65, source: 'reconcile' });
      const stale = await store.fills.applyExchangeOrder({
        ...exchange,
        filledVolume: 1,
        state: 'partially_filled',
      });
      expect(stale.mismatch).toMatch(/exchange reports 1 filled/);
      expect(stale.order.state).toBe('filled');
    });

    it('upserts candles by market, timeframe and open time and reports coverage', async () => {
      const market = uniqueName('KRW-T');
      const base = Date.UTC(2026, 10, 1);
      const candle = (i: number, close: number) => ({
        market,
        timeframe: '5m' as const,
        openTime: base + i * 300_000,
        open: 100,
        high: 110,
        low: 90,
        close,
        volume: 1.25,
        quoteVolume: 125.5,
      });
      await store.market.upsertCandles([0, 1, 2].map((i) => candle(i, 101)));
      await store.market.upsertCandles([candle(2, 105), candle(3, 106)]);
      const rows = await store.market.candles(market, '5m', base, base + 4 * 300_000);
      expect(rows.map((c) => c.close)).toEqual([101, 101, 105, 106]);
      expect(rows[0]).toEqual(candle(0, 101));
      expect(await store.market.candleCoverage(market, '5m')).toEqual({
        count: 4,
        oldest: base,
        newest: base + 3 * 300_000,
      });
      expect(await store.market.candleCoverage(market, '1h')).toEqual({ count: 0 });
    });

    it("stores every layer's signal per cycle plus the decision, idempotently", async () => {
      const bot = uniqueName('bot');
      const signal = signalFor('KRW-ETH', Date.UTC(2026, 10, 20, 1));
      await store.market.recordSignal(bot, 'rev-1', 'enhanced', signal);
      await store.market.recordSignal(bot, 'rev-1', 'enhanced', signal);
      const rows = await store.market.signals(bot);
      expect(rows.map((r) => [r.layer, r.action, r.confidence])).toEqual([
        ['decision', 'BUY', 0.9],
        ['multiTimeframe', 'BUY', 0.9],
        ['technical', 'BUY', 0.65],
      ]);
    });

    it('keeps positions, equity snapshots and KST daily returns', async () => {
      const bot = uniqueName('bot');
      await store.performance.savePosition({
        bot,
        arm: 'ml',
        market: 'KRW-SOL',
        volume: 2.5,
        avgPrice: 250_000,
        updatedAt: 1,
      });
      await store.performance.savePosition({
        bot,
        arm: 'ml',
        market: 'KRW-XRP',
        volume: 0,
        avgPrice: 0,
        updatedAt: 1,
      });
      expect((await store.performance.positions(bot)).map((p) => [p.market, p.volume, p.avgPrice])).toEqual([
        ['KRW-SOL', 2.5, 250_000],
      ]);
      await store.performance.recordEquity({
        bot,
        arm: 'ml',
        time: 1000,
        revision: 'r',
        equityKRW: 5_000_000,
        cashKRW: 10,
      });
      await store.performance.recordEquity({
        bot,
        arm: 'ml',
        time: 2000,
        revision: 'r',
        equityKRW: 4_900_000,
        cashKRW: 10,
      });
      expect((await store.performance.latestEquity(bot, 'ml'))?.equityKRW).toBe(4_900_000);
      // 2026-11-19T15:30Z is 00:30 on 2026-11-20 in Seoul (UTC+9): a KST day, not a UTC day.
      const t = Date.UTC(2026, 10, 19, 15, 30);
      await store.performance.recordDailyEquity(bot, 'ml', 'r', t, 5_000_000, 4_950_000);
      const day = await store.performance.recordDailyEquity(
        bot,
        'ml',
        'r',
        t + 3_600_000,
        4_000_000,
        4_900_000,
      );
      expect(day).toMatchObject({ date: '2026-11-20', startEquityKRW: 5_000_000, endEquityKRW: 4_900_000 });
      expect(day.returnPct).toBeCloseTo(-2, 12);
      expect((await store.performance.dailyReturns(bot, 'ml', 3)).map((d) => d.date)).toEqual(['2026-11-20']);
    });

    it("gives a restart the bot's books: equity history, the ledger's day start, the newest decision", async () => {
      const bot = uniqueName('bot');
      // 2026-11-20 00:30 KST; the next KST day starts 23.5 h later.
      const t = Date.UTC(2026, 10, 19, 15, 30);
      for (const [arm, time, equityKRW] of [
        ['tech', t + 300_000, 5_100_000],
        ['ml', t, 5_000_000],
        ['tech', t, 5_000_000],
      ] as const)
        await store.performance.recordEquity({ bot, arm, time, revision: 'r', equityKRW, cashKRW: 1 });
      expect((await store.performance.equityHistory(bot)).map((s) => [s.time - t, s.arm])).toEqual([
        [0, 'ml'],
        [0, 'tech'],
        [300_000, 'tech'],
      ]);
      await store.performance.recordDailyEquity(bot, 'tech', 'r', t, 4_000_000, 5_100_000);
      // The day itself: its stored start; the next KST day (no row yet): where the last one ended.
      expect(await store.performance.dayStartEquity(bot, t + 3_600_000)).toEqual(
        new Map([['tech', 4_000_000]]),
      );
      expect(await store.performance.dayStartEquity(bot, t + 86_400_000)).toEqual(
        new Map([['tech', 5_100_000]]),
      );
      expect(await store.performance.dayStartEquity(bot, t - 86_400_000)).toEqual(new Map());

      expect(await store.orders.latestDecisionTime(bot)).toBeUndefined();
      await store.orders.createIntent(intentFor(bot, uniqueName('o'), { time: t }), 1);
      await store.orders.createIntent(intentFor(bot, uniqueName('o'), { time: t + 300_000 }), 1);
      expect(await store.orders.latestDecisionTime(bot)).toBe(t + 300_000);
    });
  });
}
