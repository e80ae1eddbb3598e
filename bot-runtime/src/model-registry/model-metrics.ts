// The serving model in /metrics: `kubetrade_model_info{model,version}` = 1 for the version served
// now, and `kubetrade_model_trained_timestamp_seconds{model}` (declared by status/status-metrics.ts,
// fed here) = when it was trained — an alert can tell a model that stopped being retrained.
import { Gauge, type Registry } from 'prom-client';
import { MlModel } from '../engines/ml.ts';
import { ServedMlModel, type ServedModelInfo } from './served-model.ts';

const INFO = 'kubetrade_model_info';
const TRAINED = 'kubetrade_model_trained_timestamp_seconds';

function gauge(registry: Registry, name: string, help: string, labelNames: string[]): Gauge {
  // The trained-time gauge may already be registered by StatusMetrics on the same registry.
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Gauge) return existing as Gauge;
  return new Gauge({ name, help, labelNames, registers: [registry] });
}

export class ModelMetrics {
  readonly #info: Gauge;
  readonly #trained: Gauge;

  constructor(registry: Registry) {
    this.#info = gauge(registry, INFO, 'The ML model version the runtime serves (1 = serving)', [
      'model',
      'version',
    ]);
    this.#trained = gauge(registry, TRAINED, 'Unix time the serving ML model was trained', ['model']);
  }

  update(info: ServedModelInfo): void {
    this.#info.reset();
    this.#info.set({ model: info.name, version: info.version }, 1);
    this.#trained.set({ model: info.name }, info.trainedAt / 1000);
  }
}

/** Feeds the model gauges from whatever ML model the runtime serves (a registry-following one switches). */
export function exposeModelMetrics(ml: unknown, name: string, registry: Registry): ModelMetrics | undefined {
  if (ml instanceof ServedMlModel) {
    const metrics = new ModelMetrics(registry);
    metrics.update(ml.info);
    ml.onSwitch((info) => metrics.update(info));
    return metrics;
  }
  if (ml instanceof MlModel) {
    const metrics = new ModelMetrics(registry);
    metrics.update({
      name,
      version: ml.identity.version,
      trainedAt: ml.identity.trainedAt,
      source: ml.path,
    });
    return metrics;
  }
  return undefined;
}
