// One place that says how the runtime talks to Redis: reconnect with capped exponential back-off,
// and NO offline queue. Queued commands would be sent late, after the lease they were meant to
// renew may have expired; failing fast while disconnected lets the lease and the dependency gate
// fail closed instead (DESIGN.md "Money safety first").
import { Redis, type RedisOptions } from 'ioredis';

export interface RedisClientOptions {
  /** First reconnect delay; doubled per attempt up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** A command without a reply after this long fails (a half-open TCP connection never answers). */
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Shown in CLIENT LIST; tests use it to kill exactly their own connection. */
  connectionName?: string;
}

/** Reconnect delay for attempt `times` (1-based): min x 2^(times-1), capped. */
export function backoffMs(times: number, minMs: number, maxMs: number): number {
  return Math.min(maxMs, minMs * 2 ** Math.max(0, times - 1));
}

export function connectRedis(url: string, opts: RedisClientOptions = {}): Redis {
  const min = opts.minBackoffMs ?? 100;
  const max = opts.maxBackoffMs ?? 5_000;
  const options: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: opts.commandTimeoutMs ?? 2_000,
    connectTimeout: opts.connectTimeoutMs ?? 2_000,
    retryStrategy: (times) => backoffMs(times, min, max),
    // Only the connection matters here; a READONLY replica or a LOADING server is "down" to us.
    reconnectOnError: () => false,
    ...(opts.connectionName ? { connectionName: opts.connectionName } : {}),
  };
  const redis = new Redis(url, options);
  // Errors are reported through the lease (lost) and the dependency gate (down); an unhandled
  // 'error' event would otherwise crash the process on every failed reconnect.
  redis.on('error', () => undefined);
  return redis;
}
