import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ItemExponentialRateLimiter } from './rate-limiter.ts';
import { WorkQueue } from './work-queue.ts';

describe('WorkQueue', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('de-duplicates a key that is already waiting', async () => {
    const q = new WorkQueue();
    q.add('ns/a');
    q.add('ns/b');
    q.add('ns/a');
    expect(q.length).toBe(2);
    expect(await q.get()).toBe('ns/a');
    expect(await q.get()).toBe('ns/b');
  });

  it('never hands the same key to two workers, and re-runs a key added during processing', async () => {
    const q = new WorkQueue();
    q.add('ns/a');
    const first = await q.get();
    expect(first).toBe('ns/a');
    q.add('ns/a');
    q.add('ns/a');
    // While ns/a is processing, a second worker must not get it.
    expect(q.length).toBe(0);
    let second: string | undefined = 'none';
    const waiting = q.get().then((k) => {
      second = k;
    });
    await Promise.resolve();
    expect(second).toBe('none');
    expect(q.processing()).toEqual(['ns/a']);
    q.done('ns/a');
    await waiting;
    expect(second).toBe('ns/a');
    q.done('ns/a');
    expect(q.length).toBe(0);
  });

  it('does not re-run a finished key nobody added again', async () => {
    const q = new WorkQueue();
    q.add('ns/a');
    q.done((await q.get())!);
    expect(q.length).toBe(0);
    expect(q.processing()).toEqual([]);
  });

  it('retries failures after 5, 10, 20 ms ... and forgets on success', async () => {
    const retried = vi.fn();
    const q = new WorkQueue({ observer: { retried } });
    const seen: number[] = [];
    for (const want of [5, 10, 20, 40]) {
      const t0 = Date.now();
      q.addRateLimited('ns/a');
      await vi.advanceTimersByTimeAsync(want - 1);
      expect(q.length).toBe(0);
      await vi.advanceTimersByTimeAsync(1);
      expect(q.length).toBe(1);
      seen.push(Date.now() - t0);
      q.done((await q.get())!);
    }
    expect(seen).toEqual([5, 10, 20, 40]);
    expect(retried).toHaveBeenCalledTimes(4);
    q.forget('ns/a');
    q.addRateLimited('ns/a');
    await vi.advanceTimersByTimeAsync(5);
    expect(q.length).toBe(1);
  });

  it('caps the back-off at the limiter maximum', async () => {
    const q = new WorkQueue({
      rateLimiter: new ItemExponentialRateLimiter({ baseDelayMs: 5, maxDelayMs: 30 }),
    });
    for (let i = 0; i < 5; i++) q.rateLimiter.when('ns/a');
    q.addRateLimited('ns/a');
    await vi.advanceTimersByTimeAsync(29);
    expect(q.length).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(q.length).toBe(1);
  });

  it('addAfter adds once the delay passed and keeps the earliest time per key', async () => {
    const q = new WorkQueue();
    q.addAfter('ns/a', 1000);
    q.addAfter('ns/a', 300);
    q.addAfter('ns/a', 5000);
    await vi.advanceTimersByTimeAsync(299);
    expect(q.length).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(q.length).toBe(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(q.length).toBe(1);
  });

  it('shutDown stops handing out keys and resolves only after in-flight keys are done', async () => {
    const q = new WorkQueue();
    q.add('ns/a');
    q.add('ns/b');
    q.addAfter('ns/c', 100);
    const inFlight = (await q.get())!;
    let drained = false;
    const shutdown = q.shutDown().then(() => {
      drained = true;
    });
    // ns/b was queued but not started: dropped (the next leader re-lists it).
    expect(await q.get()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1000);
    expect(q.length).toBe(0);
    expect(drained).toBe(false);
    q.add('ns/d');
    expect(q.length).toBe(0);
    q.done(inFlight);
    await shutdown;
    expect(drained).toBe(true);
  });

  it('shutDown wakes idle workers', async () => {
    const q = new WorkQueue();
    const idle = q.get();
    await q.shutDown();
    expect(await idle).toBeUndefined();
  });

  it('reports depth, adds, queue and work durations', async () => {
    let clock = 0;
    const depths: number[] = [];
    const queued: number[] = [];
    const worked: number[] = [];
    const added = vi.fn();
    const q = new WorkQueue({
      now: () => clock,
      observer: {
        added,
        depth: (n) => depths.push(n),
        queued: (s) => queued.push(s),
        worked: (s) => worked.push(s),
      },
    });
    q.add('ns/a');
    q.add('ns/a');
    clock = 250;
    const key = (await q.get())!;
    clock = 1250;
    q.done(key);
    expect(added).toHaveBeenCalledTimes(1);
    expect(depths).toEqual([0, 1, 0]);
    expect(queued).toEqual([0.25]);
    expect(worked).toEqual([1]);
  });
});
