// The single-trader lease of one bot (DESIGN.md "Money safety first": only one runtime may trade a
// bot at a time). Redis holds `<prefix>:lease:<bot>` = holder id with a TTL; the holder renews it;
// every acquisition gets a new fencing token from `<prefix>:fence:<bot>` (INCR), which the trade
// store checks before writing an order intent (store/orders-repo.ts), because the exchange cannot.
//
// Fail closed: the holder only believes it holds the lease until (time it SENT the last successful
// acquire/renew) + ttl - drift. If Redis is unreachable or slow, that moment passes without a
// renewal and the holder declares the lease lost, before any other runtime can have acquired it.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ACQUIRE, EXTEND, RELEASE } from './scripts.ts';

export interface LeaseConfig {
  bot: string;
  /** Namespace of the keys (tests use a unique one each). */
  keyPrefix?: string;
  /**
   * Lease time: how long a crashed or paused holder blocks the bot. 15 s like Kubernetes leader
   * election's default leaseDuration (and DESIGN.md's "leader fail-over <= 15 s" for the operator).
   */
  ttlMs?: number;
  /** Renew (or retry acquiring) this often; default ttl / 3, so two renewals can fail before expiry. */
  renewEveryMs?: number;
  /** Safety margin for clock drift and timer lateness: Redlock's 1% of the TTL + 2 ms by default. */
  driftMs?: number;
  /** Unique per process; default a random UUID. */
  holderId?: string;
  /**
   * The newest fencing token the trade store has seen for this bot (store/orders-repo.ts
   * fenceToken), read before each acquisition: a new token is always above it (scripts.ts ACQUIRE).
   * When it cannot be read (the store is down) no acquisition is attempted: a token that could be
   * below the fence would be useless, and nothing can be traded without the store anyway.
   */
  tokenFloor?: () => Promise<number>;
  now?: () => number;
}

export type LeaseEvent =
  | { type: 'acquired'; token: number }
  | { type: 'lost'; token: number; reason: string }
  | { type: 'released'; token: number };

export class LeaseError extends Error {
  readonly code = 'LEASE_NOT_HELD';
  constructor(message: string) {
    super(message);
    this.name = 'LeaseError';
  }
}

export class TraderLease {
  readonly bot: string;
  readonly holderId: string;
  readonly ttlMs: number;
  readonly renewEveryMs: number;
  private readonly redis: Redis;
  private readonly leaseKey: string;
  private readonly fenceKey: string;
  private readonly driftMs: number;
  private readonly now: () => number;
  private readonly tokenFloor: (() => Promise<number>) | undefined;
  private readonly listeners = new Set<(e: LeaseEvent) => void>();
  private token = 0;
  private validUntil = 0;
  private held = false;
  private running = false;
  private tickTimer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  /** The last failed Redis call ('' after a success). */
  private lastError = '';
  /** Why the lease was last lost ('' while held or never held). */
  private lostReason = '';

  constructor(redis: Redis, cfg: LeaseConfig) {
    this.redis = redis;
    this.bot = cfg.bot;
    const prefix = cfg.keyPrefix ?? 'kubetrade';
    this.leaseKey = `${prefix}:lease:${cfg.bot}`;
    this.fenceKey = `${prefix}:fence:${cfg.bot}`;
    this.ttlMs = cfg.ttlMs ?? 15_000;
    this.renewEveryMs = cfg.renewEveryMs ?? Math.floor(this.ttlMs / 3);
    this.driftMs = cfg.driftMs ?? Math.ceil(this.ttlMs * 0.01) + 2;
    this.holderId = cfg.holderId ?? randomUUID();
    this.now = cfg.now ?? Date.now;
    this.tokenFloor = cfg.tokenFloor;
  }

  on(listener: (e: LeaseEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether this runtime may trade now: acquired, and the TTL cannot have run out since. */
  isHeld(): boolean {
    return this.held && this.now() < this.validUntil;
  }

  /** The fencing token to write order intents with; throws LEASE_NOT_HELD when not held. */
  fencingToken(): number {
    if (!this.isHeld()) {
      throw new LeaseError(`${this.reason()}; this runtime must not create orders`);
    }
    return this.token;
  }

  /** Why the lease is not held (for /readyz), or '' when it is. */
  reason(): string {
    if (this.isHeld()) return '';
    const why = this.lostReason
      ? `bot ${this.bot}: trader lease lost: ${this.lostReason}`
      : `bot ${this.bot}: trader lease not held (another runtime holds it, or not acquired yet)`;
    return this.lastError ? `${why}; last Redis error: ${this.lastError}` : why;
  }

  /** Starts acquiring/renewing in the background; resolves after the first attempt. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.tick();
  }

  /**
   * Stops renewing. With `release` (the default, graceful shutdown) the key is deleted if still
   * ours, so another runtime takes over at once instead of after the TTL.
   */
  async stop({ release = true } = {}): Promise<void> {
    this.running = false;
    clearTimeout(this.tickTimer);
    clearTimeout(this.expiryTimer);
    const token = this.token;
    const wasHeld = this.held;
    this.held = false;
    if (release && wasHeld) {
      await this.redis.eval(RELEASE, 1, this.leaseKey, this.holderId).catch(() => undefined);
      this.emit({ type: 'released', token });
    }
  }

  private async tick(): Promise<void> {
    if (!this.running) return;
    let sentAt = this.now();
    try {
      if (this.held) {
        const ok = Number(await this.redis.eval(EXTEND, 1, this.leaseKey, this.holderId, String(this.ttlMs)));
        this.lastError = '';
        if (ok === 1) this.confirm(sentAt);
        else this.lose('another runtime holds the lease (renewal refused)');
      } else {
        const floor = await this.floor();
        // The TTL counts from when the acquire was SENT, after the floor's round trip.
        sentAt = this.now();
        const token = Number(
          await this.redis.eval(
            ACQUIRE,
            2,
            this.leaseKey,
            this.fenceKey,
            this.holderId,
            String(this.ttlMs),
            String(floor),
          ),
        );
        this.lastError = '';
        if (token > 0) {
          this.token = token;
          this.held = true;
          this.lostReason = '';
          this.confirm(sentAt);
          this.emit({ type: 'acquired', token });
        }
      }
    } catch (err) {
      // No renewal: the expiry timer declares the lease lost when the TTL could have run out.
      this.lastError = (err as Error).message;
    }
    if (this.running) this.tickTimer = setTimeout(() => void this.tick(), this.renewEveryMs);
  }

  private async floor(): Promise<number> {
    if (!this.tokenFloor) return 0;
    try {
      return await this.tokenFloor();
    } catch (err) {
      throw new Error(`cannot read the store's fencing token, not acquiring: ${(err as Error).message}`);
    }
  }

  private confirm(sentAt: number): void {
    this.validUntil = sentAt + this.ttlMs - this.driftMs;
    clearTimeout(this.expiryTimer);
    this.expiryTimer = setTimeout(
      () => {
        if (this.held && this.now() >= this.validUntil) {
          this.lose(`not renewed within its TTL${this.lastError ? ` (Redis: ${this.lastError})` : ''}`);
        }
      },
      Math.max(0, this.validUntil - this.now()),
    );
  }

  private lose(reason: string): void {
    if (!this.held) return;
    this.held = false;
    this.lostReason = reason;
    clearTimeout(this.expiryTimer);
    this.emit({ type: 'lost', token: this.token, reason });
  }

  private emit(e: LeaseEvent): void {
    for (const l of this.listeners) l(e);
  }
}
