// kubetrade_rollbacks_total{namespace,name}: one increment per automatic rollback, so an alert can
// page on `increase(...) > 0` even when the phase flips back after a spec change.
import { Counter, type Registry } from 'prom-client';

export const ROLLBACKS_METRIC = 'kubetrade_rollbacks_total';

export interface RollbackMetrics {
  rolledBack(namespace: string, name: string): void;
}

export function registerRollbackMetrics(registry: Registry): RollbackMetrics {
  const counter =
    (registry.getSingleMetric(ROLLBACKS_METRIC) as Counter<'namespace' | 'name'> | undefined) ??
    new Counter({
      name: ROLLBACKS_METRIC,
      help: 'Automatic rollbacks of a TradingBot to its stable revision (drawdown rule)',
      labelNames: ['namespace', 'name'],
      registers: [registry],
    });
  return { rolledBack: (namespace, name) => counter.inc({ namespace, name }) };
}
