// A reflector + indexer in one: lists, then watches from the list's resourceVersion, and keeps an
// in-memory cache (namespace/name -> object) that reconcilers read instead of the apiserver.
// The loop is ours because client-node's ListWatch cannot be trusted to stay alive (decision
// 0002): every way a watch can end leads back into this loop —
//   server closed the stream (timeoutSeconds) -> watch again from the last resourceVersion
//   410 Gone (start or ERROR event)          -> full re-list, then watch
//   connection error / HTTP error             -> back-off 1 s doubling to 30 s, then watch
//   no event or bookmark for inactivityMs     -> abort, watch again from the last resourceVersion
//   every resyncPeriodMs                      -> full re-list, then `resync` for every object
import type { KubernetesObject } from '@kubernetes/client-node';
import { isGone, KubeApiError } from './errors.ts';
import {
  DEFAULT_INFORMER_TIMINGS,
  type InformerHandler,
  type InformerOptions,
  type InformerStats,
  type InformerTimings,
} from './informer-options.ts';
import type { KubeHttp, WatchEvent } from './kube-http.ts';
import { type Logger, silentLogger } from './logger.ts';
import { keyOf } from './object-key.ts';
import { ObjectStore, type StoreEvent } from './object-store.ts';
import { apiVersionOf, collectionPath, type ResourceRef } from './resource.ts';
import { sleep } from './sleep.ts';

export type { InformerHandler, InformerOptions, InformerStats, InformerTimings };
export { DEFAULT_INFORMER_TIMINGS };

type Stop = 'inactive' | 'resync' | 'stopped';

export class Informer<T extends KubernetesObject = KubernetesObject> {
  readonly resource: ResourceRef;
  readonly namespace: string;
  readonly labelSelector: string | undefined;
  readonly timings: InformerTimings;
  readonly stats: InformerStats = { lists: 0, watches: 0, goneRelists: 0, inactivityRestarts: 0, errors: 0 };
  readonly #http: KubeHttp;
  readonly #log: Logger;
  readonly #handlers = new Set<InformerHandler<T>>();
  readonly #store = new ObjectStore<T>();
  #resourceVersion: string;
  #needsList: boolean;
  #synced = false;
  #onSynced: Array<() => void> = [];
  #running: Promise<void> | undefined;
  #stopped = false;
  #watchAbort: { controller: AbortController; reason?: Stop } | undefined;
  #sleepAbort = new AbortController();
  #resyncTimer: NodeJS.Timeout | undefined;
  #resyncDue = false;

  constructor(http: KubeHttp, resource: ResourceRef, options: InformerOptions = {}) {
    this.#http = http;
    this.resource = resource;
    this.namespace = options.namespace ?? '';
    this.labelSelector = options.labelSelector || undefined;
    this.timings = { ...DEFAULT_INFORMER_TIMINGS, ...options.timings };
    this.#log = (options.log ?? silentLogger()).child({
      informer: resource.plural,
      watchNamespace: this.namespace,
    });
    this.#resourceVersion = options.initialResourceVersion ?? '';
    this.#needsList = !options.initialResourceVersion;
  }

  get lastResourceVersion(): string {
    return this.#resourceVersion;
  }

  get(namespace: string, name: string): T | undefined {
    return this.#store.get(keyOf({ namespace, name }));
  }

  getByKey(key: string): T | undefined {
    return this.#store.get(key);
  }

  /** Cached objects, of one namespace or all. */
  list(namespace?: string): T[] {
    const all = [...this.#store.values()];
    return namespace === undefined ? all : all.filter((o) => (o.metadata?.namespace ?? '') === namespace);
  }

  keys(): string[] {
    return this.#store.keys();
  }

  hasSynced(): boolean {
    return this.#synced;
  }

  waitForSync(): Promise<void> {
    if (this.#synced) return Promise.resolve();
    return new Promise((resolve) => this.#onSynced.push(resolve));
  }

  /** Registers event handlers; returns a function that removes them. */
  addHandler(handler: InformerHandler<T>): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  start(): void {
    if (this.#running) return;
    this.#stopped = false;
    this.#sleepAbort = new AbortController();
    if (this.timings.resyncPeriodMs > 0) {
      this.#resyncTimer = setInterval(() => this.#requestResync(), this.timings.resyncPeriodMs);
      this.#resyncTimer.unref();
    }
    this.#running = this.#run();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#resyncTimer);
    this.#sleepAbort.abort();
    this.#abortWatch('stopped');
    await this.#running;
    this.#running = undefined;
  }

  async #run(): Promise<void> {
    let backoffMs = this.timings.backoffInitialMs;
    while (!this.#stopped) {
      try {
        if (this.#needsList || this.#resyncDue) await this.#relist();
        if (this.#resyncDue || this.#stopped) continue;
        const sawEvents = await this.#watchOnce();
        if (sawEvents) backoffMs = this.timings.backoffInitialMs;
      } catch (err) {
        if (this.#stopped) break;
        if (isGone(err)) {
          // Our resourceVersion fell out of the apiserver's window: only a fresh list is consistent.
          this.stats.goneRelists++;
          this.#log.info('resourceVersion too old (410 Gone); re-listing', {
            resourceVersion: this.#resourceVersion,
          });
          this.#needsList = true;
          continue;
        }
        this.stats.errors++;
        this.#log.warn('list/watch failed; retrying after back-off', { err, backoffMs });
        await sleep(backoffMs, this.#sleepAbort.signal);
        backoffMs = Math.min(backoffMs * 2, this.timings.backoffMaxMs);
      }
    }
  }

  async #relist(): Promise<void> {
    const resync = this.#resyncDue;
    this.#resyncDue = false;
    const items: T[] = [];
    let resourceVersion = '';
    let cont: string | undefined;
    do {
      const page = await this.#http.request<{
        items?: T[];
        metadata?: { resourceVersion?: string; continue?: string };
      }>({
        method: 'GET',
        path: collectionPath(this.resource, this.namespace),
        query: { limit: this.timings.listPageSize, continue: cont, labelSelector: this.labelSelector },
        // stop() must not wait for a slow list to finish.
        signal: this.#sleepAbort.signal,
      });
      items.push(...(page.items ?? []));
      // All pages of one list share the first page's snapshot resourceVersion.
      if (!cont) resourceVersion = page.metadata?.resourceVersion ?? '';
      cont = page.metadata?.continue || undefined;
    } while (cont);
    this.stats.lists++;
    this.#replace(items, resourceVersion);
    if (resync) for (const obj of this.#store.values()) this.#emit((h) => h.resync?.(obj));
  }

  #replace(items: T[], resourceVersion: string): void {
    // Lists leave apiVersion/kind off the items; restore them so handlers see whole objects.
    const apiVersion = apiVersionOf(this.resource);
    for (const item of items) {
      item.apiVersion ??= apiVersion;
      item.kind ??= this.resource.kind;
    }
    const events = this.#store.replace(items);
    this.#resourceVersion = resourceVersion;
    this.#needsList = false;
    for (const event of events) this.#dispatch(event);
    if (!this.#synced) {
      this.#synced = true;
      for (const resolve of this.#onSynced.splice(0)) resolve();
    }
  }

  /** One watch; resolves true if it delivered events. Throws on errors (incl. 410). */
  async #watchOnce(): Promise<boolean> {
    const controller = new AbortController();
    const state: { controller: AbortController; reason?: Stop } = { controller };
    this.#watchAbort = state;
    let sawEvents = false;
    let timer: NodeJS.Timeout | undefined;
    const armInactivity = () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.#abortWatch('inactive'), this.timings.inactivityTimeoutMs);
    };
    armInactivity();
    const t = this.timings.watchTimeoutSeconds;
    this.stats.watches++;
    try {
      await this.#http.watch(
        collectionPath(this.resource, this.namespace),
        {
          resourceVersion: this.#resourceVersion,
          allowWatchBookmarks: true,
          timeoutSeconds: Math.floor(t + Math.random() * t),
          labelSelector: this.labelSelector,
        },
        (event) => {
          armInactivity();
          sawEvents = true;
          this.#apply(event);
        },
        controller.signal,
      );
    } catch (err) {
      if (!state.reason) throw err;
    } finally {
      clearTimeout(timer);
      this.#watchAbort = undefined;
    }
    if (state.reason === 'inactive') {
      this.stats.inactivityRestarts++;
      this.#log.warn('watch silent for too long; restarting it from the last resourceVersion', {
        inactivityTimeoutMs: this.timings.inactivityTimeoutMs,
        resourceVersion: this.#resourceVersion,
      });
    }
    return sawEvents;
  }

  #apply(event: WatchEvent): void {
    if (event.type === 'ERROR') {
      const status = event.object as { code?: number; message?: string; reason?: string };
      throw new KubeApiError(
        status.code === 410 ? 'KubeGone' : 'KubeRequestFailed',
        status.code ?? 0,
        `watch of ${this.resource.plural} failed: ${status.message ?? 'ERROR event'}`,
        status.reason ?? '',
      );
    }
    const obj = event.object as unknown as T;
    if (event.type === 'ADDED' || event.type === 'MODIFIED') this.#dispatch(this.#store.upsert(obj));
    else if (event.type === 'DELETED') this.#dispatch(this.#store.remove(obj));
    const rv = obj.metadata?.resourceVersion;
    if (rv) this.#resourceVersion = rv;
  }

  #dispatch(event: StoreEvent<T> | undefined): void {
    if (event?.type === 'add') this.#emit((h) => h.add?.(event.obj));
    else if (event?.type === 'update') this.#emit((h) => h.update?.(event.old, event.obj));
    else if (event?.type === 'delete') this.#emit((h) => h.delete?.(event.obj));
  }

  #emit(call: (h: InformerHandler<T>) => void): void {
    for (const handler of this.#handlers) {
      try {
        call(handler);
      } catch (err) {
        // A broken handler must not stop the cache from following the apiserver.
        this.#log.error('informer handler threw', { err });
      }
    }
  }

  #requestResync(): void {
    this.#resyncDue = true;
    this.#abortWatch('resync');
  }

  #abortWatch(reason: Stop): void {
    const w = this.#watchAbort;
    if (!w || w.reason) return;
    w.reason = reason;
    w.controller.abort();
  }
}
