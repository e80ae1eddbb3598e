// The RL layer (SPEC "Layer 3"): a policy trained offline (models/rl/, PPO) and served as ONNX.
// Contract of the policy file: input = one feature vector (./features.ts, FEATURE_NAMES order),
// output = float32 [HOLD, BUY, SELL] probabilities, metadata kind `policy` (./onnx-contract.ts).
// The layer takes the most probable action at that probability; a tie for the top -> HOLD.
// A policy that fails its checks (./rl-checks.ts) is refused at load, naming the file and why.
import { existsSync } from 'node:fs';
import type { Action, LayerSignal } from '../types.ts';
import type { RlConfig } from './config.ts';
import { ModelError } from './errors.ts';
import { FEATURE_NAMES } from './features.ts';
import type { ModelContract, ModelIdentity } from './onnx-contract.ts';
import { OnnxModel } from './onnx-model.ts';
import { policyOutputProblem, probeRows } from './rl-checks.ts';

export const RL_POLICY_FIELD = 'spec.rl.policyPath';
export const RL_ACTIONS: readonly Action[] = ['HOLD', 'BUY', 'SELL'];
/** What every policy must declare (models/onnx_contract.py): a policy on FEATURE_NAMES, in order. */
export const RL_CONTRACT: ModelContract = { kind: 'policy', featureNames: FEATURE_NAMES };
/** The policy shipped in models/baseline/ (trained by `python -m models.rl.train`, see its card). */
export const BUNDLED_RL_POLICY = 'rl-policy-krw.onnx';

/** spec.rl.policyPath if set, else the bundled policy in `bundledDir` if it exists, else undefined. */
export function resolvePolicyPath(rl: RlConfig, bundledDir: string): string | undefined {
  if (rl.policyPath !== undefined && rl.policyPath !== '') return rl.policyPath;
  const bundled = `${bundledDir}${BUNDLED_RL_POLICY}`;
  return existsSync(bundled) ? bundled : undefined;
}

export class RlPolicy {
  readonly #onnx: OnnxModel;

  private constructor(onnx: OnnxModel) {
    this.#onnx = onnx;
  }

  get path(): string {
    return this.#onnx.path;
  }

  /** Version and training time from the policy's metadata contract. */
  get identity(): ModelIdentity {
    return this.#onnx.identity!;
  }

  /**
   * Throws ModelError MODEL_MISSING / MODEL_INVALID naming `spec.rl.policyPath` and the file: wrong
   * input shape, output width, kind or feature list (loader), or outputs that are not probabilities.
   */
  static async load(path: string | undefined): Promise<RlPolicy> {
    const onnx = await OnnxModel.load({
      field: RL_POLICY_FIELD,
      path,
      featureCount: FEATURE_NAMES.length,
      outputWidth: RL_ACTIONS.length,
      contract: RL_CONTRACT,
    });
    const probe = probeRows();
    let problem: string | undefined;
    try {
      problem = policyOutputProblem(await onnx.run(probe.rows), probe.labels, RL_ACTIONS.length);
    } catch (e) {
      problem = `running it on the probe rows failed: ${(e as Error).message}`;
    }
    if (problem !== undefined) {
      await onnx.close();
      throw new ModelError('MODEL_INVALID', RL_POLICY_FIELD, path, problem);
    }
    return new RlPolicy(onnx);
  }

  /** Action probabilities [HOLD, BUY, SELL] per row, for row-major feature vectors. */
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
