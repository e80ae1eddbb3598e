// A small cache of the latest ticker per market and the latest signals per bot in Redis (SET with
// a TTL, JSON), for the dashboard and other readers. A cache: a miss or a Redis failure is never
// an error for trading, the value is simply absent.
import type { Redis } from 'ioredis';

export class LatestCache {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly ttlMs: number;

  /** `ttlMs`: how long a value stays readable without a refresh (e.g. two trading cycles). */
  constructor(redis: Redis, opts: { keyPrefix?: string; ttlMs: number }) {
    this.redis = redis;
    this.prefix = opts.keyPrefix ?? 'kubetrade';
    this.ttlMs = opts.ttlMs;
  }

  setTicker(market: string, ticker: unknown): Promise<boolean> {
    return this.set(`${this.prefix}:ticker:${market}`, ticker);
  }

  getTicker<T>(market: string): Promise<T | undefined> {
    return this.get<T>(`${this.prefix}:ticker:${market}`);
  }

  setSignals(bot: string, signals: unknown): Promise<boolean> {
    return this.set(`${this.prefix}:signals:${bot}`, signals);
  }

  getSignals<T>(bot: string): Promise<T | undefined> {
    return this.get<T>(`${this.prefix}:signals:${bot}`);
  }

  private async set(key: string, value: unknown): Promise<boolean> {
    try {
      return (await this.redis.set(key, JSON.stringify(value), 'PX', this.ttlMs)) === 'OK';
    } catch {
      return false;
    }
  }

  private async get<T>(key: string): Promise<T | undefined> {
    try {
      const raw = await this.redis.get(key);
      return raw === null ? undefined : (JSON.parse(raw) as T);
    } catch {
      return undefined;
    }
  }
}
