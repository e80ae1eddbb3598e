// client-go's rate-limited work queue, the heart of level-triggered reconciling:
// - a key waiting in the queue is never queued twice (events for one object collapse into one run);
// - a key being processed is never handed to a second worker; if it is added meanwhile, it is
//   queued again when the first run calls `done` (so the newest state is always reconciled);
// - failures come back after a per-key exponential back-off, successes `forget` it;
// - `addAfter` implements requeue-after; the earliest pending time per key wins.
import { ItemExponentialRateLimiter } from './rate-limiter.ts';

/** What the queue reports; the manager binds these to the workqueue_* Prometheus metrics. */
export interface QueueObserver {
  added(): void;
  depth(n: number): void;
  /** Seconds a key waited in the queue before a worker took it. */
  queued(seconds: number): void;
  /** Seconds a worker spent on a key. */
  worked(seconds: number): void;
  retried(): void;
}

export interface WorkQueueOptions {
  rateLimiter?: ItemExponentialRateLimiter;
  observer?: Partial<QueueObserver>;
  /** Monotonic clock in ms; injectable for tests. */
  now?: () => number;
}

interface Waiter {
  resolve: (key: string | undefined) => void;
}

export class WorkQueue {
  readonly rateLimiter: ItemExponentialRateLimiter;
  readonly #queue: string[] = [];
  readonly #dirty = new Set<string>();
  readonly #processing = new Map<string, number>();
  readonly #addedAt = new Map<string, number>();
  readonly #delayed = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  readonly #waiters: Waiter[] = [];
  readonly #observer: Partial<QueueObserver>;
  readonly #now: () => number;
  #shuttingDown = false;
  #drained: (() => void) | undefined;

  constructor(options: WorkQueueOptions = {}) {
    this.rateLimiter = options.rateLimiter ?? new ItemExponentialRateLimiter();
    this.#observer = options.observer ?? {};
    this.#now = options.now ?? (() => performance.now());
    // Export the series from the start, so dashboards see 0 rather than nothing.
    this.#observer.depth?.(0);
  }

  get length(): number {
    return this.#queue.length;
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Keys currently handed out to workers (for tests and debugging). */
  processing(): string[] {
    return [...this.#processing.keys()];
  }

  add(key: string): void {
    if (this.#shuttingDown || this.#dirty.has(key)) return;
    this.#observer.added?.();
    this.#dirty.add(key);
    this.#addedAt.set(key, this.#now());
    if (this.#processing.has(key)) return;
    const waiter = this.#waiters.shift();
    if (waiter) {
      this.#handOut(key);
      waiter.resolve(key);
      return;
    }
    this.#queue.push(key);
    this.#observer.depth?.(this.#queue.length);
  }

  /** Adds `key` once `delayMs` has passed; an earlier pending time for the same key wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.#shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const at = this.#now() + delayMs;
    const pending = this.#delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, delayMs);
    this.#delayed.set(key, { at, timer });
  }

  /** Re-adds a failed key after its exponential back-off. */
  addRateLimited(key: string): void {
    this.#observer.retried?.();
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** The key succeeded: its next failure starts at the base back-off again. */
  forget(key: string): void {
    this.rateLimiter.forget(key);
  }

  /** Waits for the next key; `undefined` once the queue is shutting down. */
  get(): Promise<string | undefined> {
    if (this.#shuttingDown) return Promise.resolve(undefined);
    const key = this.#queue.shift();
    if (key !== undefined) {
      this.#observer.depth?.(this.#queue.length);
      this.#handOut(key);
      return Promise.resolve(key);
    }
    return new Promise((resolve) => this.#waiters.push({ resolve }));
  }

  /** The worker finished `key`; if it was added meanwhile it goes back into the queue. */
  done(key: string): void {
    const started = this.#processing.get(key);
    if (started === undefined) return;
    this.#processing.delete(key);
    this.#observer.worked?.((this.#now() - started) / 1000);
    if (this.#dirty.has(key) && !this.#shuttingDown) {
      const waiter = this.#waiters.shift();
      if (waiter) {
        this.#handOut(key);
        waiter.resolve(key);
      } else {
        this.#queue.push(key);
        this.#observer.depth?.(this.#queue.length);
      }
    }
    if (this.#shuttingDown && this.#processing.size === 0) this.#drained?.();
  }

  /**
   * Stops handing out keys (queued and delayed ones are dropped: the next leader re-lists them)
   * and resolves once every key in flight is `done`.
   */
  shutDown(): Promise<void> {
    this.#shuttingDown = true;
    for (const { timer } of this.#delayed.values()) clearTimeout(timer);
    this.#delayed.clear();
    this.#queue.length = 0;
    this.#observer.depth?.(0);
    for (const waiter of this.#waiters.splice(0)) waiter.resolve(undefined);
    if (this.#processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#drained = resolve;
    });
  }

  #handOut(key: string): void {
    this.#dirty.delete(key);
    const now = this.#now();
    this.#observer.queued?.((now - (this.#addedAt.get(key) ?? now)) / 1000);
    this.#addedAt.delete(key);
    this.#processing.set(key, now);
  }
}
