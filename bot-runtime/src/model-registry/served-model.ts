// Hot reload of the ML model (issue 9): the runtime asks the registry each cycle which version of
// spec.ml.model is promoted — one indexed row, compared by version and sha256 — and loads a newly
// promoted version without restarting. A version that fails the model contract (wrong input shape,
// wrong feature list, not ONNX) is refused with a message naming it, the old model keeps serving, and
// the refused version is not retried until the registry promotes another one. A registry outage
// keeps the old model too (trading safety is the dependency gate's job, not the model's).
import { ModelError } from '../engines/errors.ts';
import { MlModel } from '../engines/ml.ts';
import type { ModelRegistry, PromotedRef } from './registry.ts';

/** The field named in the errors of registry-loaded models. */
export const REGISTRY_FIELD = 'model registry';

export type ServedModelEvent =
  | { kind: 'switched'; model: string; from: string; to: string }
  | { kind: 'refused'; model: string; version: string; error: string }
  | { kind: 'registry-unavailable'; model: string; error: string }
  | { kind: 'registry-recovered'; model: string };

export interface ServedModelInfo {
  name: string;
  version: string;
  /** Epoch ms from the model's metadata contract. */
  trainedAt: number;
  /** `registry` or the file it came from. */
  source: string;
}

export interface ServedModelOptions {
  registry: ModelRegistry;
  /** spec.ml.model: the registry name. */
  name: string;
  /** The model to serve while the registry has no promoted version (spec.ml.modelPath or the bundled file). */
  fallback: () => Promise<MlModel>;
  onEvent?: (e: ServedModelEvent) => void;
}

const label = (name: string, version: string): string => `registry ${name}@${version}`;

async function loadFromRegistry(registry: ModelRegistry, name: string, ref: PromotedRef): Promise<MlModel> {
  let bytes: Uint8Array;
  try {
    bytes = await registry.onnx(name, ref.version);
  } catch (e) {
    throw new ModelError('MODEL_INVALID', REGISTRY_FIELD, label(name, ref.version), (e as Error).message);
  }
  return MlModel.load(label(name, ref.version), { bytes, field: REGISTRY_FIELD });
}

/** The ML model as the loop sees it (`predictBatch`), re-resolved against the registry each call. */
export class ServedMlModel {
  readonly name: string;
  readonly #o: ServedModelOptions;
  #model: MlModel;
  #ref: PromotedRef | undefined;
  #refused: PromotedRef | undefined;
  #registryDown = false;
  /** refresh() ran since the last prediction: the batch was assembled for the model it settled on. */
  #settled = false;
  readonly #listeners: ((info: ServedModelInfo) => void)[] = [];
  readonly #closers: (() => Promise<void>)[] = [];

  private constructor(o: ServedModelOptions, model: MlModel, ref: PromotedRef | undefined) {
    this.name = o.name;
    this.#o = o;
    this.#model = model;
    this.#ref = ref;
  }

  /** At start-up a promoted version that fails the contract refuses to start (ModelError naming it). */
  static async open(o: ServedModelOptions): Promise<ServedMlModel> {
    const ref = await o.registry.promoted(o.name);
    const model = ref ? await loadFromRegistry(o.registry, o.name, ref) : await o.fallback();
    return new ServedMlModel(o, model, ref);
  }

  get info(): ServedModelInfo {
    return {
      name: this.name,
      // The registry's version id when served from it (retrain stamps the same string into the file).
      version: this.#ref?.version ?? this.#model.identity.version,
      trainedAt: this.#model.identity.trainedAt,
      source: this.#ref ? 'registry' : this.#model.path,
    };
  }

  /** Called with the new info after every switch (metrics). */
  onSwitch(listener: (info: ServedModelInfo) => void): void {
    this.#listeners.push(listener);
  }

  /** Loads the promoted version if it changed since the last call; keeps the old model on any failure. */
  async refresh(): Promise<void> {
    this.#settled = true;
    let ref: PromotedRef | undefined;
    try {
      ref = await this.#o.registry.promoted(this.name);
    } catch (e) {
      if (!this.#registryDown)
        this.#emit({ kind: 'registry-unavailable', model: this.name, error: (e as Error).message });
      this.#registryDown = true;
      return;
    }
    if (this.#registryDown) this.#emit({ kind: 'registry-recovered', model: this.name });
    this.#registryDown = false;
    // A demotion (no promoted version) keeps the serving model: nothing better is on offer.
    if (ref === undefined || same(ref, this.#ref) || same(ref, this.#refused)) return;
    let next: MlModel;
    try {
      next = await loadFromRegistry(this.#o.registry, this.name, ref);
    } catch (e) {
      this.#refused = ref;
      this.#emit({ kind: 'refused', model: this.name, version: ref.version, error: (e as Error).message });
      return;
    }
    const old = this.#model;
    const from = this.info.version;
    this.#model = next;
    this.#ref = ref;
    this.#emit({ kind: 'switched', model: this.name, from, to: ref.version });
    for (const l of this.#listeners) l(this.info);
    await old.close();
  }

  /** Feature rows per input of the model serving now (engines/ml.ts). */
  get sequenceLength(): number {
    return this.#model.sequenceLength;
  }

  /** Re-resolves against the registry unless refresh() just did (the loop calls it before assembling). */
  async predictBatch(rows: Float32Array): Promise<Float32Array> {
    if (!this.#settled) await this.refresh();
    this.#settled = false;
    return this.#model.predictBatch(rows);
  }

  /** Runs after the model is released on close() (e.g. closing the registry's connection). */
  onClose(closer: () => Promise<void>): void {
    this.#closers.push(closer);
  }

  async close(): Promise<void> {
    await this.#model.close();
    for (const c of this.#closers) await c();
  }

  #emit(e: ServedModelEvent): void {
    this.#o.onEvent?.(e);
  }
}

function same(a: PromotedRef | undefined, b: PromotedRef | undefined): boolean {
  return a !== undefined && b !== undefined && a.version === b.version && a.sha256 === b.sha256;
}
