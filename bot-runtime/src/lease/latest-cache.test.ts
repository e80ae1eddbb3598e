import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { LatestCache } from './latest-cache.ts';

describe('LatestCache', () => {
  it('a Redis failure is a cache miss, never an error for trading', async () => {
    const down = {
      set: async () => {
        throw new Error('Connection is closed.');
      },
      get: async () => {
        throw new Error('Connection is closed.');
      },
    } as unknown as Redis;
    const cache = new LatestCache(down, { ttlMs: 1_000 });
    expect(await cache.setTicker('KRW-BTC', { price: 1 })).toBe(false);
    expect(await cache.getTicker('KRW-BTC')).toBeUndefined();
  });

  it('writes JSON with the TTL under the prefix', async () => {
    const calls: unknown[][] = [];
    const redis = {
      set: async (...args: unknown[]) => {
        calls.push(args);
        return 'OK';
      },
    } as unknown as Redis;
    await new LatestCache(redis, { keyPrefix: 'p', ttlMs: 120_000 }).setSignals('b1', [{ action: 'BUY' }]);
    expect(calls).toEqual([['p:signals:b1', '[{"action":"BUY"}]', 'PX', 120_000]]);
  });
});
