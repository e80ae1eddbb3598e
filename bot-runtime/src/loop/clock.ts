// The injected clock (DESIGN.md "the clock is injected", NautilusTrader-style): backtests run on a
// simulated clock that jumps from decision to decision as fast as the CPU allows; `kubetrade run`
// waits on the wall clock, optionally sped up for demos. Strategy code never reads Date.now().

export interface Clock {
  /** Current time, epoch ms. */
  now(): number;
  /** Resolves once now() >= time, or early (returning false) when `signal` aborts. */
  sleepUntil(time: number, signal?: AbortSignal): Promise<boolean>;
}

/** Time moves only when the driver says so; sleeping jumps instantly. */
export class SimulatedClock implements Clock {
  #now: number;
  constructor(start: number) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  set(time: number): void {
    this.#now = time;
  }
  async sleepUntil(time: number, signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return false;
    if (time > this.#now) this.#now = time;
    return true;
  }
}

/**
 * Wall-clock time, optionally scaled: with `speed` 60, one real second is one simulated minute
 * (a demo of the synthetic market). `start` is the simulated time at construction.
 */
export class ScaledClock implements Clock {
  readonly #start: number;
  readonly #wallStart: number;
  readonly #speed: number;
  readonly #wall: () => number;

  constructor(options: { start?: number; speed?: number; wall?: () => number } = {}) {
    this.#wall = options.wall ?? Date.now;
    this.#wallStart = this.#wall();
    this.#start = options.start ?? this.#wallStart;
    this.#speed = options.speed ?? 1;
    if (!(this.#speed > 0)) throw new RangeError(`clock speed must be > 0, got ${this.#speed}`);
  }

  now(): number {
    return this.#start + (this.#wall() - this.#wallStart) * this.#speed;
  }

  sleepUntil(time: number, signal?: AbortSignal): Promise<boolean> {
    const wait = Math.max(0, (time - this.now()) / this.#speed);
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve(false);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
      }, wait);
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve(false);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
