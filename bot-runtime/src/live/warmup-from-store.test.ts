// Live warm-up from collected candles (issue 6 item 6): with the 5m window collected by the
// collector into the store (PGlite) an hour ago, the live feed's first call reads the warm-up from
// the store and asks the local Upbit only for the hour since — counted on the fake — and hands out
// exactly the candles a warm-up from the exchange alone would.
import { applyDefaults } from '@kubetrade/crds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planCollection, runCollection } from '../collect/collector.ts';
import type { FakeUpbit } from '../exchange/fake-upbit/server.ts';
import { UpbitClient } from '../exchange/upbit/client.ts';
import { warmupMs } from '../loop/warmup.ts';
import { TIMEFRAME_MS } from '../market/timeframes.ts';
import { openTradeStore, type TradeStore } from '../store/trade-store.ts';
import { ExchangeCandles, missingRanges } from './exchange-candles.ts';
import { MARKETS, startSyntheticFake } from './live.fixture.ts';

const STEP = TIMEFRAME_MS['5m'];
let fake: FakeUpbit;
let store: TradeStore;
beforeAll(async () => {
  fake = await startSyntheticFake();
  store = await openTradeStore();
}, 30_000);
afterAll(async () => {
  await store?.close();
  await fake?.close();
});

const candleRequests = (): number => fake.log.filter((r) => r.path.includes('/candles/')).length;

describe('live warm-up from collected candles', () => {
  it('reads the collected window from the store and fetches only the missing tail', {
    timeout: 60_000,
  }, async () => {
    const client = new UpbitClient({ baseUrl: fake.url });
    const now = Date.now();
    const since = now - warmupMs(applyDefaults({ markets: MARKETS } as never));
    // `kubetrade collect` ran an hour ago (5m window only: that is what the live loop reads).
    const collectedAt = now - TIMEFRAME_MS['1h'];
    const deps = { client, candles: store.market };
    await runCollection(deps, await planCollection(deps, MARKETS, collectedAt, ['5m']), () => undefined);

    const before = candleRequests();
    const fromStore = new ExchangeCandles(client, store.market);
    const viaStore = await fromStore.closed(MARKETS, since, now);
    const storeRequests = candleRequests() - before;

    const before2 = candleRequests();
    const viaExchange = await new ExchangeCandles(client).closed(MARKETS, since, now);
    const exchangeRequests = candleRequests() - before2;

    // Same candles, far fewer requests: one page per market for the hour since the collection.
    expect(viaStore.map((l) => l.map((c) => [c.openTime, c.close]))).toEqual(
      viaExchange.map((l) => l.map((c) => [c.openTime, c.close])),
    );
    expect(viaStore[0]!.length).toBeGreaterThan(1_000);
    expect(storeRequests).toBe(MARKETS.length);
    expect(exchangeRequests).toBeGreaterThan(4 * storeRequests);
    for (const w of fromStore.warmup) {
      expect(w.stored).toBeGreaterThan(1_000);
      expect(w.fetched).toBeGreaterThan(0);
      expect(w.fetched).toBeLessThanOrEqual(TIMEFRAME_MS['1h'] / STEP);
    }
    // The fetched tail went back into the store: the next restart's warm-up asks the exchange for nothing.
    expect(fromStore.writtenBack).toEqual({ candles: fromStore.warmup.reduce((n, w) => n + w.fetched, 0) });
    const before3 = candleRequests();
    const restarted = new ExchangeCandles(client, store.market);
    const viaRestart = await restarted.closed(MARKETS, since, now);
    expect(candleRequests() - before3).toBe(0);
    expect(restarted.warmup.every((w) => w.fetched === 0)).toBe(true);
    expect(viaRestart.map((l) => l.map((c) => [c.openTime, c.close]))).toEqual(
      viaExchange.map((l) => l.map((c) => [c.openTime, c.close])),
    );

    // A store that cannot be read: the exchange serves the whole window, and the feed says why.
    const refuse = async (): Promise<never> => {
      throw new Error('connection refused');
    };
    const broken = new ExchangeCandles(client, { candles: refuse, upsertCandles: refuse });
    const fallback = await broken.closed(MARKETS, since, now);
    expect(fallback.map((l) => l.length)).toEqual(viaExchange.map((l) => l.length));
    expect(broken.warmup.every((w) => w.storeError === 'connection refused' && w.stored === 0)).toBe(true);
    expect(broken.writtenBack).toEqual({ candles: 0, error: 'connection refused' });
  });

  it('missingRanges: the head before the oldest and the tail after the newest stored candle', () => {
    const c = (t: number) => ({ openTime: t }) as never;
    expect(missingRanges([], 0, 10 * STEP)).toEqual([[0, 10 * STEP]]);
    expect(missingRanges([c(2 * STEP), c(5 * STEP)], 0, 10 * STEP)).toEqual([
      [0, 2 * STEP],
      [6 * STEP, 10 * STEP],
    ]);
    expect(missingRanges([c(0), c(9 * STEP)], 0, 10 * STEP)).toEqual([]);
  });
});
