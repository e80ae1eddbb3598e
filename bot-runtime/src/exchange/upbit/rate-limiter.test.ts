import { describe, expect, it } from 'vitest';
import { isExchangeError } from '../errors.ts';
import { parseRemainingReq, RateLimiter } from './rate-limiter.ts';

function fakeTime() {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    deps: {
      now: () => now,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        now += ms;
      },
      random: () => 0.5,
    },
    sleeps,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const cfg = { windowMs: 1000, baseBackoffMs: 100, maxBackoffMs: 1000 };

describe('Remaining-Req', () => {
  it.each([
    ['group=default; min=1800; sec=29', { group: 'default', sec: 29 }],
    ['group=order;sec=0;min=100', { group: 'order', sec: 0 }],
    ['  group=candle ; sec=7 ', { group: 'candle', sec: 7 }],
  ])('parses %s', (header, expected) => {
    expect(parseRemainingReq(header)).toEqual(expected);
  });

  it.each([[null], [''], ['group=x'], ['sec=3'], ['group=x; sec=-1'], ['group=x; sec=abc']])(
    'ignores %s',
    (header) => {
      expect(parseRemainingReq(header)).toBeUndefined();
    },
  );
});

describe('RateLimiter', () => {
  it('waits for the rest of the window when a group has no requests left, and only that group', async () => {
    const t = fakeTime();
    const limiter = new RateLimiter(cfg, t.deps);
    limiter.observe('group=order; min=1800; sec=0');
    t.advance(300);
    await limiter.acquire('default', 'GET /v1/accounts');
    expect(t.sleeps).toEqual([]);
    await limiter.acquire('order', 'POST /v1/orders');
    expect(t.sleeps).toEqual([700]);
  });

  it('spends the remaining budget before waiting', async () => {
    const t = fakeTime();
    const limiter = new RateLimiter(cfg, t.deps);
    limiter.observe('group=default; sec=2');
    await limiter.acquire('default', 'x');
    await limiter.acquire('default', 'x');
    expect(t.sleeps).toEqual([]);
    await limiter.acquire('default', 'x');
    expect(t.sleeps).toEqual([1000]);
  });

  it("paces a first burst by Upbit's documented limits before any header arrived", async () => {
    const t = fakeTime();
    const limiter = new RateLimiter({ ...cfg, initialLimits: { order: 2 } }, t.deps);
    for (let i = 0; i < 5; i++) await limiter.acquire('order', 'POST /v1/orders');
    expect(t.sleeps).toEqual([1000, 1000]);
    await limiter.acquire('candle', 'GET /v1/candles/days'); // no known limit: not paced
    expect(t.sleeps).toHaveLength(2);
  });

  it('backs off exponentially with jitter, capped', async () => {
    const t = fakeTime();
    const limiter = new RateLimiter(cfg, { ...t.deps, random: () => 1 });
    for (let attempt = 0; attempt < 6; attempt++) await limiter.backoff(attempt);
    expect(t.sleeps).toEqual([100, 200, 400, 800, 1000, 1000]);
    const low = fakeTime();
    await new RateLimiter(cfg, { ...low.deps, random: () => 0 }).backoff(3);
    expect(low.sleeps).toEqual([400]);
  });

  it('refuses every call after a 418 until unblocked', async () => {
    const limiter = new RateLimiter(cfg, fakeTime().deps);
    limiter.block('GET /v1/ticker');
    await expect(limiter.acquire('default', 'POST /v1/orders')).rejects.toSatisfy((e) =>
      isExchangeError(e, 'EXCHANGE_BLOCKED'),
    );
    limiter.unblock();
    await expect(limiter.acquire('default', 'POST /v1/orders')).resolves.toBeUndefined();
  });
});
