import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ReplaySource } from '../../market/replay-source.ts';
import { SyntheticMarket } from '../../market/synthetic-market.ts';
import { UpbitClient } from '../upbit/client.ts';
import { FakeUpbit } from './server.ts';

const UPBIT_DAYS = fileURLToPath(new URL('../../../../../shared/data/upbit/days', import.meta.url));

let fake: FakeUpbit | undefined;
afterEach(async () => {
  await fake?.close();
});

describe('FakeMarket from a MarketSource', () => {
  it('serves the runtime SyntheticMarket coherently: each 1h candle is its twelve 5m candles', async () => {
    const now = Date.UTC(2026, 10, 24, 12, 0);
    const source = new SyntheticMarket({ seed: 7, markets: ['KRW-BTC'], start: now - 2 * 86_400_000 });
    fake = await FakeUpbit.start({ data: await source.load({ to: now }) });
    const client = new UpbitClient({ baseUrl: fake.url });
    const hours = await client.candleHistory('KRW-BTC', '1h', 5, now);
    const fives = await client.candleHistory('KRW-BTC', '5m', 60, now);
    expect(hours).toHaveLength(5);
    hours.forEach((h, k) => {
      const parts = fives.slice(k * 12, k * 12 + 12);
      expect(parts[0]!.openTime).toBe(h.openTime);
      expect(h.open).toBe(parts[0]!.open);
      expect(h.close).toBe(parts[11]!.close);
      expect(h.high).toBe(Math.max(...parts.map((p) => p.high)));
      expect(h.low).toBe(Math.min(...parts.map((p) => p.low)));
    });
    expect(fake.market.price('KRW-BTC')).toBe(fives.at(-1)!.close);
  });

  it('replays ../shared/data/upbit/days through ReplaySource and orders fill at the last real close', async () => {
    const data = await (await ReplaySource.open(UPBIT_DAYS, { markets: ['KRW-ETH'] })).load();
    fake = await FakeUpbit.start({ data, keys: { 'replay-access-1': 'replay-secret-1' } });
    const client = new UpbitClient({
      baseUrl: fake.url,
      credentials: { accessKey: 'replay-access-1', secretKey: 'replay-secret-1' },
    });
    const days = await client.candleHistory('KRW-ETH', '1d', 400, Date.UTC(2024, 0, 1));
    expect(days).toHaveLength(392);
    expect(days[0]!.openTime).toBe(Date.UTC(2022, 11, 5));
    const placed = await client.placeOrder({
      market: 'KRW-ETH',
      side: 'bid',
      ordType: 'price',
      price: 10_000,
      identifier: 'kt-replay',
    });
    const order = await client.order({ uuid: placed.uuid });
    expect(order!.trades[0]!.price).toBe(days.at(-1)!.close);
  });
});
