// Loads the ONNX files a bot's arms need, once, at start. SPEC/issue 5: "a missing or malformed
// model makes the bot refuse to start with a clear message, unless ML is off" — ML is off when no
// arm lists the `ml` layer and no arm has mlValidation; RL likewise for the `rl` layer.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ArmConfig, MlConfig, RlConfig } from './config.ts';
import { MlModel } from './ml.ts';
import { RlPolicy, resolvePolicyPath } from './rl.ts';

export interface StrategyModels {
  ml?: MlModel;
  rl?: RlPolicy;
}

/** Models shipped with the repository (models/baseline/), found when spec.ml.modelPath is unset. */
export const BUNDLED_MODELS_DIR = fileURLToPath(new URL('../../../models/baseline/', import.meta.url));

export function needsMl(arms: readonly ArmConfig[]): boolean {
  return arms.some((a) => a.layers.includes('ml') || a.mlValidation);
}

export function needsRl(arms: readonly ArmConfig[]): boolean {
  return arms.some((a) => a.layers.includes('rl'));
}

/** spec.ml.modelPath if set, else the bundled model named spec.ml.model if it exists, else undefined. */
export function resolveModelPath(ml: MlConfig, bundledDir: string = BUNDLED_MODELS_DIR): string | undefined {
  if (ml.modelPath !== undefined && ml.modelPath !== '') return ml.modelPath;
  const bundled = `${bundledDir}${ml.model}.onnx`;
  return existsSync(bundled) ? bundled : undefined;
}

/** Throws ModelError (MODEL_MISSING | MODEL_INVALID) naming the file and the spec field. */
export async function loadStrategyModels(
  arms: readonly ArmConfig[],
  ml: MlConfig,
  rl: RlConfig,
  bundledDir: string = BUNDLED_MODELS_DIR,
): Promise<StrategyModels> {
  const models: StrategyModels = {};
  if (needsMl(arms)) models.ml = await MlModel.load(resolveModelPath(ml, bundledDir));
  if (needsRl(arms)) models.rl = await RlPolicy.load(resolvePolicyPath(rl, bundledDir));
  return models;
}
