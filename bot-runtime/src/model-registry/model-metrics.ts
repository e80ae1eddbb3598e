// The models a runtime serves, in /metrics, the start-up log and status.performance:
// `kubetrade_model_info{model,version}` = 1 for the ML model (spec.ml.model, which a hot reload
// switches) and for the RL policy (named after its file), and
// `kubetrade_model_trained_timestamp_seconds{model}` (declared by status/status-metrics.ts, fed
// here) = when each was trained — an alert can tell a model that stopped being retrained. One board
// per metrics registry: `kubetrade run` builds one registry per process, and the status reporter
// reads the ML model's identity from the same board the metrics come from.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { ResolvedSpec } from '@kubetrade/crds';
import { Gauge, type Registry } from 'prom-client';
import { MlModel } from '../engines/ml.ts';
import { checkContract, onnxMetadata } from '../engines/onnx-contract.ts';
import { RL_CONTRACT, resolvePolicyPath } from '../engines/rl.ts';
import { BUNDLED_MODELS_DIR, needsRl } from '../engines/strategy-models.ts';
import { ServedMlModel, type ServedModelInfo } from './served-model.ts';

const INFO = 'kubetrade_model_info';
const TRAINED = 'kubetrade_model_trained_timestamp_seconds';

export type ModelRole = 'ml' | 'rl';

function gauge(registry: Registry, name: string, help: string, labelNames: string[]): Gauge {
  // The trained-time gauge may already be registered by StatusMetrics on the same registry.
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Gauge) return existing as Gauge;
  return new Gauge({ name, help, labelNames, registers: [registry] });
}

/** One JSON line on stderr (the runtime's stdout carries the trading log), as serving.ts logs model events. */
function logServing(role: ModelRole, info: ServedModelInfo): void {
  process.stderr.write(
    `${JSON.stringify({
      time: new Date().toISOString(),
      level: 'info',
      msg: 'model serving',
      role,
      model: info.name,
      version: info.version,
      trainedAt: new Date(info.trainedAt).toISOString(),
      source: info.source,
    })}\n`,
  );
}

const boards = new WeakMap<Registry, ModelMetrics>();

export class ModelMetrics {
  readonly #info: Gauge;
  readonly #trained: Gauge;
  readonly #serving = new Map<ModelRole, ServedModelInfo>();

  constructor(registry: Registry) {
    this.#info = gauge(registry, INFO, 'The model versions the runtime serves (1 = serving)', [
      'model',
      'version',
    ]);
    this.#trained = gauge(registry, TRAINED, 'Unix time each served model was trained', ['model']);
  }

  /** The board of `registry` (created on first use). */
  static of(registry: Registry): ModelMetrics {
    let board = boards.get(registry);
    if (board === undefined) {
      board = new ModelMetrics(registry);
      boards.set(registry, board);
    }
    return board;
  }

  /** A model starts serving in `role` (logged once, at start-up). */
  start(role: ModelRole, info: ServedModelInfo): void {
    logServing(role, info);
    this.update(info, role);
  }

  /** The model serving `role` now (a hot reload calls this again; the switch itself is logged by serving.ts). */
  update(info: ServedModelInfo, role: ModelRole = 'ml'): void {
    const old = this.#serving.get(role);
    if (old !== undefined) {
      this.#info.remove({ model: old.name, version: old.version });
      if (old.name !== info.name) this.#trained.remove({ model: old.name });
    }
    this.#serving.set(role, info);
    this.#info.set({ model: info.name, version: info.version }, 1);
    this.#trained.set({ model: info.name }, info.trainedAt / 1000);
  }

  /** The ML model serving now (status.performance.model), if any arm reads one. */
  get ml(): ServedModelInfo | undefined {
    return this.#serving.get('ml');
  }

  get rl(): ServedModelInfo | undefined {
    return this.#serving.get('rl');
  }
}

/** Feeds the board from whatever ML model the runtime serves (a registry-following one switches). */
export function exposeModelMetrics(ml: unknown, name: string, registry: Registry): ModelMetrics | undefined {
  if (ml instanceof ServedMlModel) {
    const metrics = ModelMetrics.of(registry);
    metrics.start('ml', ml.info);
    ml.onSwitch((info) => metrics.update(info, 'ml'));
    return metrics;
  }
  if (ml instanceof MlModel) {
    const metrics = ModelMetrics.of(registry);
    metrics.start('ml', {
      name,
      version: ml.identity.version,
      trainedAt: ml.identity.trainedAt,
      source: ml.path,
    });
    return metrics;
  }
  return undefined;
}

/**
 * The RL policy's identity from its file's metadata contract (the file RlPolicy.load checked at
 * start: spec.rl.policyPath or the bundled policy), named after the file; undefined when no arm
 * reads the rl layer or the file cannot be read.
 */
export function policyInfo(
  spec: ResolvedSpec,
  bundledDir: string = BUNDLED_MODELS_DIR,
): ServedModelInfo | undefined {
  if (!needsRl(spec.capital.split)) return undefined;
  const path = resolvePolicyPath(spec.rl, bundledDir);
  if (path === undefined) return undefined;
  let checked: ReturnType<typeof checkContract>;
  try {
    checked = checkContract(onnxMetadata(new Uint8Array(readFileSync(path))), RL_CONTRACT);
  } catch {
    return undefined;
  }
  if (!checked.ok) return undefined;
  return {
    name: basename(path).replace(/\.onnx$/, ''),
    version: checked.identity.version,
    trainedAt: checked.identity.trainedAt,
    source: path,
  };
}

/** Puts the RL policy the spec serves on the board (metric + start-up log line); no-op without an rl arm. */
export function exposePolicyMetrics(spec: ResolvedSpec, registry: Registry): ServedModelInfo | undefined {
  const info = policyInfo(spec);
  if (info !== undefined) ModelMetrics.of(registry).start('rl', info);
  return info;
}
