// The RL layer switch (SPEC "Layer 3", a later phase): a policy trained offline and served as ONNX,
// loaded exactly like the ML model. Contract of the policy file: input = one feature vector
// (./features.ts, FEATURE_NAMES order), output = float32 [HOLD, BUY, SELL] action probabilities.
// The layer takes the most probable action at that probability; a tie for the top -> HOLD.
import type { Action, LayerSignal } from '../types.ts';
import { FEATURE_NAMES } from './features.ts';
import { OnnxModel } from './onnx-model.ts';

export const RL_POLICY_FIELD = 'spec.rl.policyPath';
export const RL_ACTIONS: readonly Action[] = ['HOLD', 'BUY', 'SELL'];

export class RlPolicy {
  readonly #onnx: OnnxModel;

  private constructor(onnx: OnnxModel) {
    this.#onnx = onnx;
  }

  /** Throws ModelError MODEL_MISSING / MODEL_INVALID naming `spec.rl.policyPath`. */
  static async load(path: string | undefined): Promise<RlPolicy> {
    const featureCount = FEATURE_NAMES.length;
    const onnx = await OnnxModel.load({
      field: RL_POLICY_FIELD,
      path,
      featureCount,
      outputWidth: RL_ACTIONS.length,
    });
    return new RlPolicy(onnx);
  }

  /** Action probabilities [HOLD, BUY, SELL] for one feature vector. */
  act(features: Float32Array): Promise<Float32Array> {
    return this.#onnx.run(features);
  }

  close(): Promise<void> {
    return this.#onnx.close();
  }
}

export function rlSignal(scores: ArrayLike<number>): LayerSignal {
  let best = 0;
  let tie = false;
  for (let i = 1; i < RL_ACTIONS.length; i++) {
    const s = scores[i] ?? Number.NEGATIVE_INFINITY;
    const b = scores[best] ?? Number.NEGATIVE_INFINITY;
    if (s > b) {
      best = i;
      tie = false;
    } else if (s === b) tie = true;
  }
  const action = RL_ACTIONS[best] ?? 'HOLD';
  const p = scores[best] ?? 0;
  if (tie || action === 'HOLD')
    return { action: 'HOLD', confidence: 0, reasons: [`RL policy: HOLD (${p.toFixed(3)})`] };
  return { action, confidence: p, reasons: [`RL policy: ${action} p=${p.toFixed(3)}`] };
}
