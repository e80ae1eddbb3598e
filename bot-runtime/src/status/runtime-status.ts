// The one call the trading loop makes per cycle: `await status.cycle(performanceReport(core, rev))`.
// It updates the rule/confidence/completeness metrics and reports status.performance (at most one
// write, none when unchanged). Outside a cluster (no KUBETRADE_BOT_* env) only the metrics run, so
// `kubetrade run` on a laptop needs no Kubernetes.
import type { ResolvedSpec } from '@kubetrade/crds';
import type { Registry } from 'prom-client';
import { botIdentityFromEnv, ENV_BOT_NAME, ENV_BOT_NAMESPACE, kubeStatusSink } from './kube-status.ts';
import type { PerformanceReport } from './performance.ts';
import { StatusMetrics } from './status-metrics.ts';
import { type ReportOutcome, StatusReporter, type StatusSink } from './status-reporter.ts';

export interface RuntimeStatusOptions {
  spec: ResolvedSpec;
  registry: Registry;
  /** Where status.performance goes; none = metrics only. */
  sink?: StatusSink | undefined;
  now?: () => Date;
}

export class RuntimeStatus {
  readonly metrics: StatusMetrics;
  readonly #spec: ResolvedSpec;
  readonly #reporter: StatusReporter | undefined;
  readonly #now: () => Date;

  constructor(options: RuntimeStatusOptions) {
    this.#spec = options.spec;
    this.#now = options.now ?? (() => new Date());
    this.metrics = new StatusMetrics(options.registry);
    this.metrics.observeSpec(options.spec);
    this.#reporter = options.sink ? new StatusReporter(options.sink, this.#now) : undefined;
  }

  /** In a pod the operator sets KUBETRADE_BOT_NAMESPACE/NAME: report to that bot; else metrics only. */
  static fromEnv(
    spec: ResolvedSpec,
    registry: Registry,
    env: NodeJS.ProcessEnv = process.env,
  ): RuntimeStatus {
    const inCluster = !!(env[ENV_BOT_NAMESPACE] || env[ENV_BOT_NAME]);
    return new RuntimeStatus({
      spec,
      registry,
      sink: inCluster ? kubeStatusSink(botIdentityFromEnv(env)) : undefined,
    });
  }

  get reporting(): boolean {
    return this.#reporter !== undefined;
  }

  /** Once per cycle. Never throws; a failed write comes back as `{ written: false, reason: 'failed' }`. */
  async cycle(report: PerformanceReport): Promise<ReportOutcome | undefined> {
    this.metrics.observeReport(report, this.#spec, this.#now());
    if (!this.#reporter) return undefined;
    const outcome = await this.#reporter.report(report);
    this.metrics.observeStatusWrite(outcome);
    return outcome;
  }
}
