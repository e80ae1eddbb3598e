// What an informer can be told (timings, scope) and what it tells (handlers, stats). Every
// timing is injectable so tests run the same loop in milliseconds.
import type { Logger } from './logger.ts';

export interface InformerTimings {
  /** Server-side watch timeout; each watch asks for a random value in [t, 2t) like client-go. */
  watchTimeoutSeconds: number;
  /** No event or bookmark for this long -> restart the watch (measured: a quiet watch's first bookmark came at 61 s). */
  inactivityTimeoutMs: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** Full re-list + resync of every key; 0 disables it. */
  resyncPeriodMs: number;
  listPageSize: number;
}

export const DEFAULT_INFORMER_TIMINGS: InformerTimings = {
  watchTimeoutSeconds: 300,
  inactivityTimeoutMs: 70_000,
  backoffInitialMs: 1000,
  backoffMaxMs: 30_000,
  resyncPeriodMs: 10 * 60_000,
  listPageSize: 500,
};

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  timings?: Partial<InformerTimings>;
  log?: Logger;
  /**
   * Resume watching from this resourceVersion instead of listing first (the cache starts empty
   * and is not synced until a list happens; a too-old version is answered with 410 -> re-list).
   */
  initialResourceVersion?: string;
}

export interface InformerHandler<T> {
  add?(obj: T): void;
  update?(oldObj: T, newObj: T): void;
  delete?(obj: T): void;
  /** Periodic resync: called for every cached object after each resync re-list. */
  resync?(obj: T): void;
}

export interface InformerStats {
  lists: number;
  watches: number;
  goneRelists: number;
  inactivityRestarts: number;
  errors: number;
}
