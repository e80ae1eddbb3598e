// Leader election on a coordination.k8s.io/v1 Lease, the algorithm of client-go's leaderelection:
// - a candidate polls every retryPeriod and takes the Lease when nobody holds it, or when the
//   holder's record has not changed for leaseDuration as seen on OUR clock (never compare with
//   the holder's clock: skew between nodes would hand the Lease to two replicas);
// - the leader renews every retryPeriod; if no renewal succeeds for renewDeadline it steps down
//   (before its Lease can expire for others: renewDeadline < leaseDuration);
// - optimistic concurrency (resourceVersion on update) means at most one writer wins each round;
// - release on graceful shutdown empties holderIdentity and sets leaseDurationSeconds=1 so a
//   follower takes over on its next poll instead of waiting out the lease.
import { isConflict, isNotFound } from './errors.ts';
import type { KubeHttp } from './kube-http.ts';
import { type Logger, silentLogger } from './logger.ts';
import { collectionPath, objectPath, RESOURCES } from './resource.ts';
import { sleep } from './sleep.ts';

export interface LeaderElectionTimings {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

// controller-runtime's defaults.
export const DEFAULT_LEADER_ELECTION_TIMINGS: LeaderElectionTimings = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

export interface LeaderElectorOptions {
  namespace: string;
  name: string;
  identity: string;
  timings?: Partial<LeaderElectionTimings>;
  log?: Logger;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

interface Lease {
  apiVersion: 'coordination.k8s.io/v1';
  kind: 'Lease';
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec?: LeaseSpec;
}

/** Lease times are MicroTime: RFC 3339 with exactly six fractional digits. */
export const microTime = (d: Date): string => d.toISOString().replace(/Z$/, '000Z');

export class LeaderElector {
  readonly identity: string;
  readonly timings: LeaderElectionTimings;
  readonly #http: KubeHttp;
  readonly #opts: LeaderElectorOptions;
  readonly #log: Logger;
  #leader = false;
  #stopped = false;
  #observed: { lease: Lease; at: number } | undefined;
  #wake = new AbortController();
  #running: Promise<void> | undefined;

  constructor(http: KubeHttp, options: LeaderElectorOptions) {
    this.#http = http;
    this.#opts = options;
    this.identity = options.identity;
    this.timings = { ...DEFAULT_LEADER_ELECTION_TIMINGS, ...options.timings };
    if (this.timings.renewDeadlineMs >= this.timings.leaseDurationMs) {
      throw new Error(
        `leader election: renewDeadline (${this.timings.renewDeadlineMs} ms) must be shorter than leaseDuration (${this.timings.leaseDurationMs} ms)`,
      );
    }
    this.#log = (options.log ?? silentLogger()).child({
      lease: `${options.namespace}/${options.name}`,
      identity: options.identity,
    });
  }

  get isLeader(): boolean {
    return this.#leader;
  }

  start(): void {
    this.#running ??= this.#run();
  }

  /** Stops campaigning; a leader releases the Lease unless `release` is false (a simulated crash). */
  async stop({ release = true } = {}): Promise<void> {
    this.#stopped = true;
    this.#wake.abort();
    await this.#running;
    if (this.#leader) {
      this.#leader = false;
      if (release) await this.#release();
      this.#opts.onStoppedLeading();
    }
  }

  async #run(): Promise<void> {
    const { retryPeriodMs, renewDeadlineMs } = this.timings;
    // Campaign: jittered like client-go (factor 1.2) so candidates do not poll in lock-step.
    let acquired = false;
    while (!this.#stopped) {
      acquired = await this.#tryAcquireOrRenew();
      if (acquired) break;
      await sleep(retryPeriodMs * (1 + Math.random() * 0.2), this.#wake.signal);
    }
    if (this.#stopped) {
      // Stopped while the last attempt won the Lease: give it back right away.
      if (acquired) await this.#release();
      return;
    }
    this.#leader = true;
    this.#log.info('became leader');
    this.#opts.onStartedLeading();
    let lastRenew = performance.now();
    while (!this.#stopped) {
      const untilDeadline = renewDeadlineMs - (performance.now() - lastRenew);
      await sleep(Math.max(0, Math.min(retryPeriodMs, untilDeadline)), this.#wake.signal);
      if (this.#stopped) return;
      // Like client-go, no attempt may outlive the renew deadline: a hung request must not keep
      // us "leading" past the point where a follower may take the Lease.
      const remainingMs = renewDeadlineMs - (performance.now() - lastRenew);
      if (remainingMs > 0 && (await this.#tryAcquireOrRenew(remainingMs))) {
        lastRenew = performance.now();
      } else if (performance.now() - lastRenew >= renewDeadlineMs) {
        this.#leader = false;
        this.#log.error('lost leadership: could not renew the lease within the renew deadline', {
          renewDeadlineMs,
        });
        this.#opts.onStoppedLeading();
        return;
      }
    }
  }

  async #tryAcquireOrRenew(deadlineMs = this.timings.renewDeadlineMs): Promise<boolean> {
    const { namespace, name } = this.#opts;
    const path = objectPath(RESOURCES.leases, namespace, name);
    const now = new Date();
    const leaseDurationSeconds = Math.max(1, Math.ceil(this.timings.leaseDurationMs / 1000));
    // GET and PUT share the attempt's budget.
    const timeoutMs = Math.max(1, Math.floor(Math.min(this.timings.renewDeadlineMs, deadlineMs) / 2));
    try {
      let current: Lease;
      try {
        current = await this.#http.request<Lease>({ method: 'GET', path, timeoutMs });
      } catch (err) {
        if (!isNotFound(err)) throw err;
        const created = await this.#http.request<Lease>({
          method: 'POST',
          path: collectionPath(RESOURCES.leases, namespace),
          timeoutMs,
          body: {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name, namespace },
            spec: {
              holderIdentity: this.identity,
              leaseDurationSeconds,
              acquireTime: microTime(now),
              renewTime: microTime(now),
              leaseTransitions: 0,
            },
          },
        });
        this.#observed = { lease: created, at: performance.now() };
        return true;
      }
      const spec = current.spec ?? {};
      if (!this.#observed || recordChanged(this.#observed.lease, current)) {
        this.#observed = { lease: current, at: performance.now() };
      }
      const holder = spec.holderIdentity ?? '';
      const validForMs = (spec.leaseDurationSeconds ?? 0) * 1000;
      if (holder && holder !== this.identity && performance.now() < this.#observed.at + validForMs)
        return false;
      const mine = holder === this.identity;
      const updated = await this.#http.request<Lease>({
        method: 'PUT',
        path,
        timeoutMs,
        body: {
          ...current,
          spec: {
            holderIdentity: this.identity,
            leaseDurationSeconds,
            acquireTime: mine && spec.acquireTime ? spec.acquireTime : microTime(now),
            renewTime: microTime(now),
            leaseTransitions: (spec.leaseTransitions ?? 0) + (mine || !holder ? 0 : 1),
          },
        },
      });
      if (!mine) this.#log.info('acquired the lease', { previousHolder: holder || undefined });
      this.#observed = { lease: updated, at: performance.now() };
      return true;
    } catch (err) {
      if (!isConflict(err)) this.#log.warn('lease request failed', { err });
      return false;
    }
  }

  async #release(): Promise<void> {
    const observed = this.#observed?.lease;
    if (!observed) return;
    const now = microTime(new Date());
    try {
      await this.#http.request({
        method: 'PUT',
        path: objectPath(RESOURCES.leases, this.#opts.namespace, this.#opts.name),
        timeoutMs: this.timings.renewDeadlineMs,
        body: {
          ...observed,
          spec: {
            leaseDurationSeconds: 1,
            acquireTime: now,
            renewTime: now,
            leaseTransitions: observed.spec?.leaseTransitions ?? 0,
          },
        },
      });
      this.#log.info('released the lease');
    } catch (err) {
      // Not fatal: the follower takes over after the lease duration instead of at once.
      this.#log.warn('could not release the lease', { err });
    }
  }
}

function recordChanged(a: Lease, b: Lease): boolean {
  const x = a.spec ?? {};
  const y = b.spec ?? {};
  return (
    x.holderIdentity !== y.holderIdentity ||
    x.renewTime !== y.renewTime ||
    x.leaseTransitions !== y.leaseTransitions
  );
}
