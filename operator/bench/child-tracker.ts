// Watches a namespace the way the benchmark needs: when does each bot have all seven children
// and a status for its generation? Built on the controller core's Informer (list + watch).
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { TradingBot } from '@kubetrade/crds';
import { Informer, KubeHttp, RESOURCES } from '../src/controller/index.ts';
import { CHILD_KINDS } from '../src/tradingbot/cache.ts';
import { MANAGED_SELECTOR, TRADINGBOTS } from '../src/tradingbot/index.ts';
import { LABEL_BOT } from '../src/tradingbot/names.ts';

const CHILD_RESOURCES = [
  RESOURCES.configMaps,
  RESOURCES.deployments,
  RESOURCES.cronJobs,
  RESOURCES.services,
  RESOURCES.serviceAccounts,
  RESOURCES.roles,
  RESOURCES.roleBindings,
];

export class ChildTracker {
  readonly #children: Informer[];
  readonly #bots: Informer<KubernetesObject & TradingBot>;
  /** bot name -> kinds seen */
  readonly #seen = new Map<string, Set<string>>();
  #waiters: Array<() => void> = [];

  constructor(kubeConfig: KubeConfig, namespace: string) {
    const http = new KubeHttp(kubeConfig);
    this.#children = CHILD_RESOURCES.map(
      (r) => new Informer(http, r, { namespace, labelSelector: MANAGED_SELECTOR }),
    );
    this.#bots = new Informer(http, TRADINGBOTS, { namespace });
    for (const informer of this.#children) {
      informer.addHandler({
        add: (o) => {
          const bot = o.metadata?.labels?.[LABEL_BOT] ?? '';
          const kinds = this.#seen.get(bot) ?? new Set();
          kinds.add(o.kind ?? informer.resource.kind);
          this.#seen.set(bot, kinds);
          this.#wake();
        },
      });
    }
    this.#bots.addHandler({ add: () => this.#wake(), update: () => this.#wake() });
  }

  async start(): Promise<void> {
    for (const i of [...this.#children, this.#bots]) i.start();
    await Promise.all([...this.#children, this.#bots].map((i) => i.waitForSync()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#children, this.#bots].map((i) => i.stop()));
  }

  childrenPresent(bot: string): boolean {
    return (this.#seen.get(bot)?.size ?? 0) >= CHILD_KINDS.length;
  }

  statusWritten(bot: string): boolean {
    const b = this.#bots.list().find((o) => o.metadata?.name === bot);
    return !!b && b.status?.observedGeneration === b.metadata.generation;
  }

  /** Bots with every child and a status for their generation. */
  reconciledCount(): number {
    return this.#bots.list().filter((b) => {
      const name = b.metadata?.name ?? '';
      return this.childrenPresent(name) && b.status?.observedGeneration === b.metadata.generation;
    }).length;
  }

  /** Resolves when `done()` holds, re-checking on every watch event. */
  until(done: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (done()) resolve();
        else this.#waiters.push(check);
      };
      check();
    });
  }

  #wake(): void {
    const waiters = this.#waiters.splice(0);
    for (const w of waiters) w();
  }
}
