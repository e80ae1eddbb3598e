import { describe, expect, it } from 'vitest';
import { DEFAULT_BASE_DELAY_MS, DEFAULT_MAX_DELAY_MS, ItemExponentialRateLimiter } from './rate-limiter.ts';

describe('ItemExponentialRateLimiter', () => {
  it('doubles from 5 ms per consecutive failure of one key (controller-runtime defaults)', () => {
    const limiter = new ItemExponentialRateLimiter();
    const delays = Array.from({ length: 6 }, () => limiter.when('ns/a'));
    expect(delays).toEqual([5, 10, 20, 40, 80, 160]);
    expect(limiter.retries('ns/a')).toBe(6);
  });

  it('caps the delay at 1000 s and never overflows', () => {
    const limiter = new ItemExponentialRateLimiter();
    let last = 0;
    for (let i = 0; i < 2000; i++) last = limiter.when('ns/a');
    expect(last).toBe(DEFAULT_MAX_DELAY_MS);
    expect(DEFAULT_MAX_DELAY_MS).toBe(1000 * 1000);
    expect(DEFAULT_BASE_DELAY_MS).toBe(5);
  });

  it('keeps keys independent and forgets on success', () => {
    const limiter = new ItemExponentialRateLimiter({ baseDelayMs: 1, maxDelayMs: 8 });
    limiter.when('a');
    limiter.when('a');
    expect(limiter.when('b')).toBe(1);
    expect(limiter.when('a')).toBe(4);
    expect(limiter.when('a')).toBe(8);
    expect(limiter.when('a')).toBe(8);
    limiter.forget('a');
    expect(limiter.retries('a')).toBe(0);
    expect(limiter.when('a')).toBe(1);
  });
});
