// The manager starts everything in the order controller-runtime does: metrics/health server,
// informers (on every replica, so a follower that takes over starts with warm caches), leader
// election, and controllers only while this replica leads.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { Gauge } from 'prom-client';
import { CountedObjectApi, countedConfiguration } from './api-clients.ts';
import { Controller, type ControllerOptions } from './controller.ts';
import { EventRecorder } from './event-recorder.ts';
import { HealthServer } from './health-server.ts';
import { Informer, type InformerTimings } from './informer.ts';
import { KubeHttp } from './kube-http.ts';
import { type LeaderElectionTimings, LeaderElector } from './leader-election.ts';
import { Logger } from './logger.ts';
import { ControllerMetrics } from './metrics.ts';
import { RequestCounter } from './request-counter.ts';
import type { ResourceRef } from './resource.ts';

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  /** Defaults to `<POD_NAME or hostname>_<random>`. */
  identity?: string;
  timings?: Partial<LeaderElectionTimings>;
}

export interface ManagerOptions {
  kubeConfig: KubeConfig;
  log?: Logger;
  /** `host:port` for /healthz, /readyz, /metrics; `false` serves nothing (tests). */
  bindAddress?: string | false;
  /** `false` runs controllers at once (single replica, tests). */
  leaderElection?: LeaderElectionOptions | false;
  /** Default namespace for informers; '' watches all namespaces. */
  watchNamespace?: string;
  informerTimings?: Partial<InformerTimings>;
  /** Called when leadership is lost after it was held (main.ts exits the process). */
  onLostLeadership?: () => void;
}

export class Manager {
  readonly log: Logger;
  readonly metrics = new ControllerMetrics();
  readonly requests: RequestCounter;
  readonly http: KubeHttp;
  readonly kubeConfig: KubeConfig;
  readonly elector: LeaderElector | undefined;
  readonly #options: ManagerOptions;
  readonly #informers = new Map<string, Informer>();
  readonly #controllers: Controller[] = [];
  #server: HealthServer | undefined;
  #started = false;
  #stopping = false;
  #address: string | undefined;
  readonly #identity: string;

  constructor(options: ManagerOptions) {
    this.#options = options;
    this.kubeConfig = options.kubeConfig;
    this.log = options.log ?? new Logger();
    this.requests = new RequestCounter(this.metrics.restRequests);
    this.#registerInformerMetrics();
    this.http = new KubeHttp(options.kubeConfig, this.requests);
    const le = options.leaderElection;
    this.#identity =
      (le ? le.identity : undefined) || `${process.env.POD_NAME || hostname()}_${randomUUID()}`;
    if (le) {
      const identity = this.#identity;
      const status = { name: le.name };
      this.metrics.leaderStatus.set(status, 0);
      this.elector = new LeaderElector(this.http, {
        ...le,
        identity,
        log: this.log,
        onStartedLeading: () => {
          this.metrics.leaderStatus.set(status, 1);
          this.#startControllers();
        },
        onStoppedLeading: () => {
          this.metrics.leaderStatus.set(status, 0);
          void this.#stopControllers().then(() => {
            if (!this.#stopping) options.onLostLeadership?.();
          });
        },
      });
    }
  }

  /** The URL the health/metrics server listens on, once started. */
  get address(): string | undefined {
    return this.#address;
  }

  get isLeader(): boolean {
    return this.elector ? this.elector.isLeader : this.#started;
  }

  /** A shared informer for `resource` (one per resource + namespace + label selector). */
  informer<T extends KubernetesObject = KubernetesObject>(
    resource: ResourceRef,
    options: { namespace?: string; labelSelector?: string } = {},
  ): Informer<T> {
    const namespace = options.namespace ?? this.#options.watchNamespace ?? '';
    const id = `${resource.group}/${resource.version}/${resource.plural}|${namespace}|${options.labelSelector ?? ''}`;
    let informer = this.#informers.get(id);
    if (!informer) {
      informer = new Informer(this.http, resource, {
        namespace,
        labelSelector: options.labelSelector,
        timings: this.#options.informerTimings,
        log: this.log,
      });
      this.#informers.set(id, informer);
      if (this.#started) informer.start();
    }
    return informer as unknown as Informer<T>;
  }

  addController<T extends KubernetesObject>(options: ControllerOptions<T>): Controller<T> {
    if (this.#controllers.some((c) => c.name === options.name)) {
      throw new Error(
        `a controller named "${options.name}" is already registered; controller names must be unique`,
      );
    }
    const controller = new Controller(options, { metrics: this.metrics, log: this.log });
    this.#controllers.push(controller as unknown as Controller);
    if (this.#started && this.isLeader) void controller.start();
    return controller;
  }

  /** A client-node API client whose requests are counted (rest_client_requests_total). */
  client<A>(api: new (configuration: ReturnType<typeof countedConfiguration>) => A): A {
    return new api(countedConfiguration(this.kubeConfig, this.requests));
  }

  /** KubernetesObjectApi (server-side apply of any kind) with counted requests. */
  objectApi(): CountedObjectApi {
    return new CountedObjectApi(countedConfiguration(this.kubeConfig, this.requests), this.kubeConfig);
  }

  /** Kubernetes Events written as `controller` from this replica (de-duplicated, never throws). */
  eventRecorder(controller: string): EventRecorder {
    return new EventRecorder(this.http, { controller, instance: this.#identity, log: this.log });
  }

  /** Ready when every informer has listed once (what /readyz reports). */
  ready(): boolean {
    return [...this.#informers.values()].every((i) => i.hasSynced());
  }

  async start(): Promise<void> {
    if (this.#started) return;
    if (this.#options.bindAddress !== false) {
      this.#server = new HealthServer({
        bindAddress: this.#options.bindAddress ?? ':8080',
        registry: this.metrics.registry,
        ready: () => this.ready(),
      });
      this.#address = await this.#server.listen();
      this.log.info('serving /healthz /readyz /metrics', { address: this.#address });
    }
    this.#started = true;
    for (const informer of this.#informers.values()) informer.start();
    if (this.elector) this.elector.start();
    else this.#startControllers();
  }

  /**
   * Stops controllers (reconciles in flight finish), releases the Lease, stops informers and the
   * server. `releaseLease: false` leaves the Lease to expire, as a crash would (tests).
   */
  async stop({ releaseLease = true } = {}): Promise<void> {
    this.#stopping = true;
    await this.#stopControllers();
    await this.elector?.stop({ release: releaseLease });
    await Promise.all([...this.#informers.values()].map((i) => i.stop()));
    await this.#server?.close();
    this.#server = undefined;
    this.http.close();
    this.#started = false;
  }

  // Read at scrape time from each informer's stats: a dashboard can alert on an informer that
  // keeps failing or is not synced, which /readyz alone shows only as one bit.
  #registerInformerMetrics(): void {
    const informers = () => [...this.#informers.values()];
    const labels = (i: Informer) => ({
      resource: i.resource.plural,
      namespace: i.namespace,
      selector: i.labelSelector ?? '',
    });
    this.metrics.registry.registerMetric(
      new Gauge({
        name: 'kubetrade_informer_synced',
        help: '1 once the informer has listed its resource, else 0',
        labelNames: ['resource', 'namespace', 'selector'],
        registers: [],
        collect() {
          this.reset();
          for (const i of informers()) this.set(labels(i), i.hasSynced() ? 1 : 0);
        },
      }),
    );
    this.metrics.registry.registerMetric(
      new Gauge({
        name: 'kubetrade_informer_restarts',
        help: 'List/watch restarts since start, by reason (error, gone = 410 re-list, inactive = silent watch)',
        labelNames: ['resource', 'namespace', 'selector', 'reason'],
        registers: [],
        collect() {
          this.reset();
          for (const i of informers()) {
            this.set({ ...labels(i), reason: 'error' }, i.stats.errors);
            this.set({ ...labels(i), reason: 'gone' }, i.stats.goneRelists);
            this.set({ ...labels(i), reason: 'inactive' }, i.stats.inactivityRestarts);
          }
        },
      }),
    );
  }

  #startControllers(): void {
    for (const c of this.#controllers) {
      c.start().catch((err: unknown) =>
        this.log.error('controller failed to start', { controller: c.name, err }),
      );
    }
  }

  async #stopControllers(): Promise<void> {
    await Promise.all(this.#controllers.map((c) => c.stop()));
  }
}
