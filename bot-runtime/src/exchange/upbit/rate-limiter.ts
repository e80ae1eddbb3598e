// Client-side rate limiting from Upbit's `Remaining-Req: group=default; min=1800; sec=29` header
// (docs.upbit.com "요청 수 제한"): every group has its own per-second budget; when `sec` reaches 0
// the next call of that group waits for the window to pass instead of earning a 429. A 429 backs off
// exponentially with jitter; a 418 (blocked for ignoring 429s) stops every call until `unblock()`.
import { ExchangeError } from '../errors.ts';

/**
 * Upbit's documented per-second budget per group (docs.upbit.com "요청 수 제한": orders 8/s, other
 * exchange calls 30/s, each quotation group 10/s). The client starts from these before any header
 * arrives, so a first burst is paced instead of answered with 429s; the fake enforces the same table.
 */
export const UPBIT_GROUP_LIMITS: Readonly<Record<string, number>> = {
  order: 8,
  default: 30,
  candle: 10,
  ticker: 10,
  market: 10,
};

export interface RateLimiterConfig {
  /** Length of Upbit's counting window; its header counts per second. */
  windowMs: number;
  /** First 429 back-off; doubles per attempt up to maxBackoffMs, then +-50% jitter. */
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** Budget per group before the exchange has said anything (UPBIT_GROUP_LIMITS); none: unpaced. */
  initialLimits?: Readonly<Record<string, number>>;
}

export const UPBIT_RATE_LIMITS: RateLimiterConfig = {
  windowMs: 1000,
  baseBackoffMs: 250,
  maxBackoffMs: 8000,
  initialLimits: UPBIT_GROUP_LIMITS,
};

export interface RemainingReq {
  group: string;
  sec: number;
}

/** Parses `group=default; min=1800; sec=29` (order and spacing tolerant; `min` is deprecated). */
export function parseRemainingReq(header: string | null | undefined): RemainingReq | undefined {
  if (!header) return undefined;
  const fields = new Map<string, string>();
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const group = fields.get('group');
  const sec = Number(fields.get('sec'));
  if (!group || !Number.isInteger(sec) || sec < 0) return undefined;
  return { group, sec };
}

export interface LimiterDeps {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

const realDeps: LimiterDeps = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

interface GroupBudget {
  remaining: number;
  windowEnd: number;
}

export class RateLimiter {
  readonly #cfg: RateLimiterConfig;
  readonly #deps: LimiterDeps;
  readonly #groups = new Map<string, GroupBudget>();
  #blocked: { at: number; endpoint: string } | undefined;
  /** Total time spent waiting (window waits + back-offs), for metrics and tests. */
  waitedMs = 0;
  backoffs = 0;

  constructor(cfg: RateLimiterConfig = UPBIT_RATE_LIMITS, deps: Partial<LimiterDeps> = {}) {
    this.#cfg = cfg;
    this.#deps = { ...realDeps, ...deps };
  }

  get blocked(): boolean {
    return this.#blocked !== undefined;
  }

  /** Waits until `group` may send; throws EXCHANGE_BLOCKED after a 418 so nothing is sent. */
  async acquire(group: string, endpoint: string): Promise<void> {
    this.#throwIfBlocked(endpoint);
    const now = this.#deps.now();
    let budget = this.#groups.get(group);
    if (!budget || now >= budget.windowEnd) {
      const limit = this.#cfg.initialLimits?.[group];
      if (limit === undefined) {
        this.#groups.delete(group);
        return;
      }
      budget = { remaining: limit, windowEnd: now + this.#cfg.windowMs };
      this.#groups.set(group, budget);
    }
    if (budget.remaining > 0) {
      // Count our own call so concurrent callers do not all spend the last slot.
      budget.remaining -= 1;
      return;
    }
    const wait = budget.windowEnd - now;
    this.waitedMs += wait;
    await this.#deps.sleep(wait);
    // Look again rather than assume a fresh window: answers that arrived meanwhile may have told
    // how much of the exchange's current second is left (measured: a burst of 15 earned 429s when
    // waiters discarded that and all went at once), and callers that waited together take turns.
    return this.acquire(group, endpoint);
  }

  /**
   * Records the server's view of the group's budget from a response header. The window restarts at
   * every observation: whether Upbit counts in fixed seconds or a sliding second, a full window after
   * the newest answer is always past the one that answer was counted in (keeping an older window end
   * let a fifth call in a limit-3 test slip into the same server second and earn a 429).
   */
  observe(header: string | null | undefined): void {
    const r = parseRemainingReq(header);
    if (!r) return;
    this.#groups.set(r.group, { remaining: r.sec, windowEnd: this.#deps.now() + this.#cfg.windowMs });
  }

  /** Exponential back-off with jitter after a 429, so many clients do not retry in lock-step. */
  async backoff(attempt: number): Promise<void> {
    const ceiling = Math.min(this.#cfg.maxBackoffMs, this.#cfg.baseBackoffMs * 2 ** attempt);
    const delay = Math.round(ceiling * (0.5 + this.#deps.random() * 0.5));
    this.backoffs += 1;
    this.waitedMs += delay;
    await this.#deps.sleep(delay);
  }

  block(endpoint: string): void {
    this.#blocked ??= { at: this.#deps.now(), endpoint };
  }

  /** A person (or the operator after the block period) lifts the stop. */
  unblock(): void {
    this.#blocked = undefined;
  }

  #throwIfBlocked(endpoint: string): void {
    if (!this.#blocked) return;
    throw new ExchangeError(
      'EXCHANGE_BLOCKED',
      endpoint,
      `the exchange answered 418 on ${this.#blocked.endpoint} at ${new Date(this.#blocked.at).toISOString()}: trading stopped; check the request rate, wait out the block, then restart the runtime`,
      { status: 418 },
    );
  }
}
