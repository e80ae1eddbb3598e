// Per-cycle performance reporting shared by `kubetrade run` in paper and live mode: in a pod
// (KUBETRADE_BOT_NAMESPACE/NAME set by the operator) each cycle's figures go to the bot's
// status.performance; elsewhere only to the metrics. A write still in flight when the next cycle
// ends is not queued — the next report carries everything the skipped one would have — and
// finish() reports the final figures once the loop has stopped. Each report names the ML model
// serving at that moment (status.performance.model, from the same board as kubetrade_model_info,
// so a hot reload shows in the next report); the RL policy is put on that board at start-up.
import type { ResolvedSpec } from '@kubetrade/crds';
import type { Registry } from 'prom-client';
import type { TradingCore } from '../loop/trading-core.ts';
import { exposePolicyMetrics, ModelMetrics } from '../model-registry/model-metrics.ts';
import { performanceReport } from '../report/performance-report.ts';
import type { PerformanceReport } from '../status/performance.ts';
import { RuntimeStatus } from '../status/runtime-status.ts';

export class CycleStatusReporter {
  readonly status: RuntimeStatus;
  readonly #revision: string;
  readonly #models: ModelMetrics;
  #inFlight: Promise<unknown> | undefined;

  constructor(
    spec: ResolvedSpec,
    registry: Registry,
    revision: string,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.status = RuntimeStatus.fromEnv(spec, registry, env);
    this.#revision = revision;
    this.#models = ModelMetrics.of(registry);
    exposePolicyMetrics(spec, registry);
  }

  /** The core's figures and the ML model serving now. */
  report(core: TradingCore): PerformanceReport {
    const ml = this.#models.ml;
    return {
      ...performanceReport(core, this.#revision),
      ...(ml ? { model: { name: ml.name, version: ml.version, trainedAt: ml.trainedAt } } : {}),
    };
  }

  /** After a cycle: report unless the previous report is still being written. */
  cycle(core: TradingCore): void {
    if (this.#inFlight) return;
    this.#inFlight = this.status.cycle(this.report(core)).finally(() => {
      this.#inFlight = undefined;
    });
  }

  /** After the loop stopped: wait for a write in flight, then report the final figures. */
  async finish(core: TradingCore): Promise<void> {
    await this.#inFlight;
    await this.status.cycle(this.report(core));
  }
}
