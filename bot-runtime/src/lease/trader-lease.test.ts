// The lease's fail-closed arithmetic with a stub Redis and an injected clock (the real Redis
// behaviour is in lease.int.test.ts): the holder stops believing it holds the lease at
// (send time of the last successful acquire/renew) + ttl - drift, whatever its timers do.
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { backoffMs } from './redis-client.ts';
import { ACQUIRE, EXTEND } from './scripts.ts';
import { TraderLease } from './trader-lease.ts';

function stubRedis(answers: { acquire: number[]; extend?: number[]; fail?: boolean }) {
  const calls: string[] = [];
  const redis = {
    async eval(script: string) {
      if (answers.fail) throw new Error('Connection is closed.');
      if (script === ACQUIRE) {
        calls.push('acquire');
        return answers.acquire.shift() ?? 0;
      }
      if (script === EXTEND) {
        calls.push('extend');
        return answers.extend?.shift() ?? 0;
      }
      calls.push('release');
      return 1;
    },
  } as unknown as Redis;
  return { redis, calls };
}

describe('TraderLease (stub Redis, injected clock)', () => {
  it('holds from the send time of the acquisition until ttl - drift, not a millisecond longer', async () => {
    let now = 1_000_000;
    const { redis } = stubRedis({ acquire: [7] });
    const lease = new TraderLease(redis, { bot: 'b', ttlMs: 1_000, renewEveryMs: 10_000, now: () => now });
    await lease.start();
    expect(lease.fencingToken()).toBe(7);
    // Redlock's drift allowance: 1% of the TTL + 2 ms = 12 ms.
    now += 1_000 - 12 - 1;
    expect(lease.isHeld()).toBe(true);
    now += 1;
    expect(lease.isHeld()).toBe(false);
    expect(() => lease.fencingToken()).toThrow(/trader lease/);
    await lease.stop({ release: false });
  });

  it('never holds when Redis cannot be reached, and says why', async () => {
    const { redis } = stubRedis({ acquire: [], fail: true });
    const lease = new TraderLease(redis, { bot: 'b', ttlMs: 1_000, renewEveryMs: 10_000 });
    await lease.start();
    expect(lease.isHeld()).toBe(false);
    expect(lease.reason()).toBe(
      'bot b: trader lease not held (another runtime holds it, or not acquired yet); last Redis error: Connection is closed.',
    );
    await lease.stop();
  });

  it('a contender that gets 0 from the acquire script does not hold the lease', async () => {
    const { redis, calls } = stubRedis({ acquire: [0] });
    const lease = new TraderLease(redis, { bot: 'b', ttlMs: 1_000, renewEveryMs: 10_000 });
    await lease.start();
    expect(lease.isHeld()).toBe(false);
    expect(calls).toEqual(['acquire']);
    await lease.stop();
    // Stopping without holding releases nothing (never deletes another holder's key).
    expect(calls).toEqual(['acquire']);
  });

  it('defaults: 15 s lease, renewed every 5 s', () => {
    const lease = new TraderLease(stubRedis({ acquire: [] }).redis, { bot: 'b' });
    expect([lease.ttlMs, lease.renewEveryMs]).toEqual([15_000, 5_000]);
  });
});

describe('backoffMs', () => {
  it('doubles from the minimum and stays at the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((n) => backoffMs(n, 100, 5_000))).toEqual([
      100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000,
    ]);
  });
});
