// kubetrade's own metrics about bots, computed from the cache at scrape time (no bookkeeping that
// could drift from what the informer holds).
import type { KubernetesObject } from '@kubernetes/client-node';
import { PHASES, type TradingBot } from '@kubetrade/crds';
import { Gauge, type Registry } from 'prom-client';

export interface BotMetrics {
  reconciled(namespace: string, name: string, at: Date): void;
  gone(namespace: string, name: string): void;
}

/** Phase label for bots the operator has not written a status for yet. */
export const PHASE_UNKNOWN = 'Unknown';

export function registerBotMetrics(
  registry: Registry,
  listBots: () => Array<TradingBot | KubernetesObject>,
): BotMetrics {
  new Gauge({
    name: 'kubetrade_bots',
    help: 'TradingBots by status.phase, from the operator cache',
    labelNames: ['phase'],
    registers: [registry],
    collect() {
      const counts = new Map<string, number>([...PHASES, PHASE_UNKNOWN].map((p) => [p, 0]));
      for (const bot of listBots()) {
        const phase = (bot as TradingBot).status?.phase ?? PHASE_UNKNOWN;
        counts.set(phase, (counts.get(phase) ?? 0) + 1);
      }
      for (const [phase, n] of counts) this.set({ phase }, n);
    },
  });
  // The issue asks for "the time of the last successful reconcile (a wedged controller keeps
  // counting reconciles)". Writing it into status on every reconcile would cost a write per bot per
  // resync, against "zero writes in steady state"; as a gauge an alert can still fire on
  // `time() - kubetrade_reconcile_last_success_timestamp_seconds > 2 * sync period`.
  const lastSuccess = new Gauge({
    name: 'kubetrade_reconcile_last_success_timestamp_seconds',
    help: 'Unix time of the last successful reconcile of a TradingBot',
    labelNames: ['namespace', 'name'],
    registers: [registry],
  });
  return {
    reconciled: (namespace, name, at) => lastSuccess.set({ namespace, name }, at.getTime() / 1000),
    gone: (namespace, name) => lastSuccess.remove({ namespace, name }),
  };
}
