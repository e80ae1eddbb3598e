// Per-cycle performance reporting shared by `kubetrade run` in paper and live mode: in a pod
// (KUBETRADE_BOT_NAMESPACE/NAME set by the operator) each cycle's figures go to the bot's
// status.performance; elsewhere only to the metrics. A write still in flight when the next cycle
// ends is not queued — the next report carries everything the skipped one would have — and
// finish() reports the final figures once the loop has stopped.
import type { ResolvedSpec } from '@kubetrade/crds';
import type { Registry } from 'prom-client';
import type { TradingCore } from '../loop/trading-core.ts';
import { performanceReport } from '../report/performance-report.ts';
import { RuntimeStatus } from '../status/runtime-status.ts';

export class CycleStatusReporter {
  readonly status: RuntimeStatus;
  readonly #revision: string;
  #inFlight: Promise<unknown> | undefined;

  constructor(
    spec: ResolvedSpec,
    registry: Registry,
    revision: string,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.status = RuntimeStatus.fromEnv(spec, registry, env);
    this.#revision = revision;
  }

  /** After a cycle: report unless the previous report is still being written. */
  cycle(core: TradingCore): void {
    if (this.#inFlight) return;
    this.#inFlight = this.status.cycle(performanceReport(core, this.#revision)).finally(() => {
      this.#inFlight = undefined;
    });
  }

  /** After the loop stopped: wait for a write in flight, then report the final figures. */
  async finish(core: TradingCore): Promise<void> {
    await this.#inFlight;
    await this.status.cycle(performanceReport(core, this.#revision));
  }
}
