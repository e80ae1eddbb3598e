// The collected candles as a MarketSource: real Binance candles written to the store (PGlite, the
// embedded default) come back as the same 5m/15m/1h series the replay files give, within the range.
import { resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ReplaySource } from '../market/replay-source.ts';
import { candlesOf } from '../market/series.ts';
import { openTradeStore, type TradeStore } from '../store/trade-store.ts';
import { StoreMarketSource } from './store-source.ts';

const DATA = resolve(import.meta.dirname, '../../../../shared/data/binance');
const MARKET = 'USDT-BTC';
const range = { from: Date.parse('2025-06-01T00:00:00Z'), to: Date.parse('2025-06-03T00:00:00Z') };
let store: TradeStore;

// PGlite boots a WebAssembly PostgreSQL: seconds, more on a loaded machine.
beforeAll(async () => {
  store = await openTradeStore();
}, 60_000);
afterAll(() => store?.close());

it('gives back the stored 5m, 15m and 1h series of each market, and nothing for a market never collected', async () => {
  const replay = await ReplaySource.open(DATA, { markets: [MARKET] });
  const files = (await replay.load(range)).get(MARKET)!;
  for (const tf of ['5m', '15m', '1h'] as const) await store.market.upsertCandles([...candlesOf(files[tf]!)]);

  const source = new StoreMarketSource(store.market, [MARKET, 'USDT-DOGE']);
  const data = await source.load(range);
  expect([...data.keys()]).toEqual([MARKET]);
  const stored = data.get(MARKET)!;
  for (const tf of ['5m', '15m', '1h'] as const) {
    expect(stored[tf]!.length, tf).toBe(files[tf]!.length);
    expect(Array.from(stored[tf]!.close)).toEqual(Array.from(files[tf]!.close));
    expect(Array.from(stored[tf]!.openTime)).toEqual(Array.from(files[tf]!.openTime));
  }
  expect(stored['5m']!.length).toBe(2 * 288);
  const later = await source.load({ from: range.from + 86_400_000 });
  expect(later.get(MARKET)!['5m']!.length).toBe(288);
});
