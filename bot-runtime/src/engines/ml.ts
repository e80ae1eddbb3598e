// The ML layer: a binary classifier served as ONNX that gives p(up) — the probability that the label
// defined in ../cli/export-features.ts (LABEL) is 1 — for one feature vector (./features.ts), or,
// for a sequence model (the LSTM, input [N, K, F]), for the last K feature rows of a market, oldest
// first (./feature-window.ts keeps them; K is read from the file).
//
//   mlSignal (the ML arm alone):  p >= buyAbove -> BUY at confidence p;
//                                 p <= sellBelow -> SELL at confidence 1 - p;  otherwise HOLD
//   mlValidate (SPEC: "confirm or veto, never trade alone"): a BUY is vetoed (-> HOLD) when
//                                 p < vetoBelow; a SELL is vetoed when p > 1 - vetoBelow; otherwise
//                                 confirmed unchanged. HOLD passes through. Exactly at the bound
//                                 confirms.
import type { LayerSignal } from '../types.ts';
import type { MlConfig } from './config.ts';
import { FEATURE_NAMES } from './features.ts';
import type { ModelContract, ModelIdentity } from './onnx-contract.ts';
import { OnnxModel } from './onnx-model.ts';

/** Where `spec.ml.modelPath` comes from when it is given; the field named in every load error. */
export const ML_MODEL_FIELD = 'spec.ml.modelPath';

/** What every ML model must declare (models/onnx_contract.py): a classifier on FEATURE_NAMES, in order. */
export const ML_CONTRACT: ModelContract = { kind: 'classifier', featureNames: FEATURE_NAMES };

export class MlModel {
  readonly #onnx: OnnxModel;

  private constructor(onnx: OnnxModel) {
    this.#onnx = onnx;
  }

  get path(): string {
    return this.#onnx.path;
  }

  /** Version and training time from the model's metadata contract. */
  get identity(): ModelIdentity {
    return this.#onnx.identity!;
  }

  /** Feature rows per prediction: 1 (LightGBM), or K for a sequence model (the LSTM's last K rows). */
  get sequenceLength(): number {
    return this.#onnx.sequenceLength;
  }

  /**
   * Throws ModelError MODEL_MISSING / MODEL_INVALID naming `field` and the file (or, with `bytes`,
   * the registry entry `path` names): wrong input shape, output width or feature list is refused.
   */
  static async load(
    path: string | undefined,
    options: { bytes?: Uint8Array; field?: string } = {},
  ): Promise<MlModel> {
    // Width 2: [p(label 0), p(label 1)], the layout skl2onnx/onnxmltools emit with zipmap off.
    const onnx = await OnnxModel.load({
      field: options.field ?? ML_MODEL_FIELD,
      path,
      featureCount: FEATURE_NAMES.length,
      outputWidth: 2,
      contract: ML_CONTRACT,
      // The LSTM (models/lstm_model.py) reads the last K rows of a market: ../loop/model-inputs.ts.
      sequence: true,
      ...(options.bytes ? { bytes: options.bytes } : {}),
    });
    return new MlModel(onnx);
  }

  /** p(up) for one input (one feature vector, or sequenceLength of them oldest first). */
  async predict(features: Float32Array): Promise<number> {
    const out = await this.predictBatch(features);
    return out[0] ?? Number.NaN;
  }

  /** p(up) for each input in `rows` (row-major, sequenceLength x FEATURE_NAMES.length values each; backtests batch). */
  async predictBatch(rows: Float32Array): Promise<Float32Array> {
    const probs = await this.#onnx.run(rows);
    const up = new Float32Array(probs.length / 2);
    for (let i = 0; i < up.length; i++) up[i] = probs[2 * i + 1] ?? Number.NaN;
    return up;
  }

  close(): Promise<void> {
    return this.#onnx.close();
  }
}

export function mlSignal(pUp: number, cfg: MlConfig): LayerSignal {
  const p = pUp.toFixed(3);
  if (pUp >= cfg.buyAbove)
    return { action: 'BUY', confidence: pUp, reasons: [`ML p(up) ${p} >= ${cfg.buyAbove}`] };
  if (pUp <= cfg.sellBelow) {
    return { action: 'SELL', confidence: 1 - pUp, reasons: [`ML p(up) ${p} <= ${cfg.sellBelow}`] };
  }
  return {
    action: 'HOLD',
    confidence: 0,
    reasons: [`ML p(up) ${p} between ${cfg.sellBelow} and ${cfg.buyAbove}`],
  };
}

/** Why a sequence model has no prediction yet: the market has fewer than K contiguous complete rows. */
export function sequenceWarmingUp(rows: number, sequenceLength: number): string {
  return `ML sequence model warming up: ${rows} of ${sequenceLength} contiguous 5m feature rows`;
}

/** Shared (frozen): a HOLD passes validation on ~99 % of a backtest's decisions. */
export const NOTHING_TO_VALIDATE: LayerSignal = Object.freeze({
  action: 'HOLD',
  confidence: 0,
  reasons: Object.freeze(['nothing to validate']) as string[],
}) as LayerSignal;

/** Returns the validated signal and the validation's own record (for Signal.layers.mlValidation). */
export function mlValidate(
  signal: LayerSignal,
  pUp: number,
  cfg: MlConfig,
): { signal: LayerSignal; validation: LayerSignal } {
  if (signal.action === 'HOLD') return { signal, validation: NOTHING_TO_VALIDATE };
  const p = pUp.toFixed(3);
  const vetoed = signal.action === 'BUY' ? pUp < cfg.vetoBelow : pUp > 1 - cfg.vetoBelow;
  if (vetoed) {
    const why = `ML veto: ${signal.action} with p(up) ${p}`;
    return {
      signal: { action: 'HOLD', confidence: 0, reasons: [why, ...signal.reasons] },
      validation: { action: 'HOLD', confidence: 0, reasons: [why] },
    };
  }
  const why = `ML confirms ${signal.action} (p(up) ${p})`;
  return {
    signal: { ...signal, reasons: [...signal.reasons, why] },
    validation: { action: signal.action, confidence: signal.confidence, reasons: [why] },
  };
}
