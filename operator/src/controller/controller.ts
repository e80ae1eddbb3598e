// A controller: events from the primary informer (and from owned children, mapped to their
// owner) become keys in a rate-limited work queue; `concurrency` workers call `reconcile(key)`.
// The outcome -> requeue policy mapping lives in `outcomeOf` (one place, like kube-rs's
// error_policy) and every outcome is counted in controller_runtime_reconcile_total.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Informer, InformerHandler } from './informer.ts';
import type { Logger } from './logger.ts';
import type { ControllerMetrics, ReconcileResult as ResultLabel } from './metrics.ts';
import { objectKey, parseKey } from './object-key.ts';
import { controllerOwnerKey } from './owner-ref.ts';
import { ItemExponentialRateLimiter, type RateLimiterOptions } from './rate-limiter.ts';
import { apiVersionOf } from './resource.ts';
import { WorkQueue } from './work-queue.ts';

export interface ReconcileRequest {
  key: string;
  namespace: string;
  name: string;
}

export interface ReconcileResult {
  /** Reconcile this key again after this many ms (resets its failure back-off). */
  requeueAfter?: number;
  /** Reconcile again after the key's rate-limited back-off (without counting as an error). */
  requeue?: boolean;
}

export interface ReconcileContext {
  /** Carries controller, namespace and name on every line. */
  log: Logger;
}

export type Reconcile = (
  req: ReconcileRequest,
  ctx: ReconcileContext,
  // biome-ignore lint/suspicious/noConfusingVoidType: a reconcile that returns nothing means success.
) => Promise<ReconcileResult | undefined | void>;

export interface ControllerOptions<T extends KubernetesObject = KubernetesObject> {
  /** Names the queue and the metric labels; unique per manager. */
  name: string;
  primary: Informer<T>;
  /** Informers of child kinds; a child event enqueues its controlling owner of the primary kind. */
  owns?: Informer[];
  /** Other sources: map an object to the keys of primaries to reconcile (e.g. a referenced Secret). */
  watches?: Array<{ informer: Informer; map: (obj: KubernetesObject) => string[] }>;
  reconcile: Reconcile;
  /** Workers; one key is never reconciled by two of them at once. */
  concurrency?: number;
  rateLimiter?: RateLimiterOptions;
}

export interface ControllerDeps {
  metrics: ControllerMetrics;
  log: Logger;
}

interface Outcome {
  label: ResultLabel;
  requeue: (queue: WorkQueue, key: string) => void;
}

/** The single mapping from what reconcile did to what the queue does next. */
// biome-ignore lint/suspicious/noConfusingVoidType: a reconcile that returns nothing means success.
export function outcomeOf(result: ReconcileResult | undefined | void, error: unknown): Outcome {
  if (error !== undefined) return { label: 'error', requeue: (q, k) => q.addRateLimited(k) };
  if (result?.requeueAfter !== undefined && result.requeueAfter > 0) {
    const after = result.requeueAfter;
    return {
      label: 'requeue_after',
      requeue: (q, k) => {
        q.forget(k);
        q.addAfter(k, after);
      },
    };
  }
  if (result?.requeue) return { label: 'requeue', requeue: (q, k) => q.addRateLimited(k) };
  return { label: 'success', requeue: (q, k) => q.forget(k) };
}

export class Controller<T extends KubernetesObject = KubernetesObject> {
  readonly name: string;
  readonly concurrency: number;
  readonly #options: ControllerOptions<T>;
  readonly #deps: ControllerDeps;
  readonly #log: Logger;
  #queue: WorkQueue | undefined;
  #unsubscribe: Array<() => void> = [];
  #workers: Promise<void>[] = [];

  constructor(options: ControllerOptions<T>, deps: ControllerDeps) {
    this.#options = options;
    this.#deps = deps;
    this.name = options.name;
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.#log = deps.log.child({ controller: options.name });
  }

  get running(): boolean {
    return this.#queue !== undefined;
  }

  /** Every informer this controller reads; the manager starts them and waits for their sync. */
  informers(): Informer[] {
    const o = this.#options;
    return [o.primary as unknown as Informer, ...(o.owns ?? []), ...(o.watches ?? []).map((w) => w.informer)];
  }

  enqueue(key: string): void {
    this.#queue?.add(key);
  }

  /** Waits for the caches, enqueues every primary object and starts the workers. */
  async start(): Promise<void> {
    if (this.#queue) return;
    const queue = new WorkQueue({
      rateLimiter: new ItemExponentialRateLimiter(this.#options.rateLimiter),
      observer: this.#deps.metrics.queueObserver(this.name),
    });
    this.#queue = queue;
    await Promise.all(this.informers().map((i) => i.waitForSync()));
    if (this.#queue !== queue) return;
    this.#subscribe();
    for (const obj of this.#options.primary.list()) queue.add(objectKey(obj));
    this.#workers = Array.from({ length: this.concurrency }, () => this.#work(queue));
    this.#log.info('controller started', { workers: this.concurrency });
  }

  /** Stops taking keys and waits for reconciles in flight to finish. */
  async stop(): Promise<void> {
    const queue = this.#queue;
    if (!queue) return;
    this.#queue = undefined;
    for (const off of this.#unsubscribe.splice(0)) off();
    await queue.shutDown();
    await Promise.all(this.#workers.splice(0));
    this.#log.info('controller stopped');
  }

  #subscribe(): void {
    const { primary, owns = [], watches = [] } = this.#options;
    const enqueueKeys = (keys: Array<string | undefined>) => {
      for (const key of keys) if (key) this.enqueue(key);
    };
    this.#unsubscribe.push(primary.addHandler(handlerFor((obj) => [objectKey(obj)])));
    const owner = { apiVersion: apiVersionOf(primary.resource), kind: primary.resource.kind };
    for (const informer of owns) {
      this.#unsubscribe.push(informer.addHandler(handlerFor((obj) => [controllerOwnerKey(obj, owner)])));
    }
    for (const { informer, map } of watches) this.#unsubscribe.push(informer.addHandler(handlerFor(map)));

    function handlerFor<O extends KubernetesObject>(
      map: (obj: O) => Array<string | undefined>,
    ): InformerHandler<O> {
      return {
        add: (obj) => enqueueKeys(map(obj)),
        // The old object too: a child whose owner reference changed must wake its former owner.
        update: (oldObj, newObj) => enqueueKeys([...map(oldObj), ...map(newObj)]),
        delete: (obj) => enqueueKeys(map(obj)),
        resync: (obj) => enqueueKeys(map(obj)),
      };
    }
  }

  async #work(queue: WorkQueue): Promise<void> {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        await this.#reconcileOne(queue, key);
      } finally {
        queue.done(key);
      }
    }
  }

  async #reconcileOne(queue: WorkQueue, key: string): Promise<void> {
    const { metrics } = this.#deps;
    const ref = parseKey(key);
    const log = this.#log.child({ namespace: ref.namespace, name: ref.name });
    const started = performance.now();
    // biome-ignore lint/suspicious/noConfusingVoidType: a reconcile that returns nothing means success.
    let result: ReconcileResult | undefined | void;
    let error: unknown;
    try {
      result = await this.#options.reconcile({ key, ...ref }, { log });
    } catch (err) {
      error = err ?? new Error('reconcile threw a nullish value');
    }
    const seconds = (performance.now() - started) / 1000;
    metrics.reconcileTime.observe({ controller: this.name }, seconds);
    const outcome = outcomeOf(result, error);
    metrics.reconcileTotal.inc({ controller: this.name, result: outcome.label });
    if (outcome.label === 'error') {
      metrics.reconcileErrors.inc({ controller: this.name });
      log.error('reconcile failed; retrying with back-off', {
        err: error,
        retries: queue.rateLimiter.retries(key),
      });
    } else {
      log.debug('reconciled', { result: outcome.label, durationMs: Math.round(seconds * 1000) });
    }
    outcome.requeue(queue, key);
  }
}
