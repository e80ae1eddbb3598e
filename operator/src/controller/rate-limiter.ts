// client-go's ItemExponentialFailureRateLimiter, which controller-runtime uses by default:
// the n-th consecutive failure of one key waits base * 2^(n-1), capped (5 ms .. 1000 s).

export interface RateLimiterOptions {
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export const DEFAULT_BASE_DELAY_MS = 5;
export const DEFAULT_MAX_DELAY_MS = 1_000_000;

export class ItemExponentialRateLimiter {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly #failures = new Map<string, number>();

  constructor(options: RateLimiterOptions = {}) {
    this.baseDelayMs = options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
    this.maxDelayMs = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  }

  /** Records one more failure of `key` and returns how long to wait before retrying it. */
  when(key: string): number {
    const n = this.#failures.get(key) ?? 0;
    this.#failures.set(key, n + 1);
    // 2^n overflows to Infinity long after the cap applies, so Math.min keeps it finite.
    return Math.min(this.baseDelayMs * 2 ** n, this.maxDelayMs);
  }

  /** Failures recorded for `key` since the last `forget`. */
  retries(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /** Success: the next failure of `key` starts again at the base delay. */
  forget(key: string): void {
    this.#failures.delete(key);
  }
}
