// The engines' public surface (issue 5 item 3; the seams in DESIGN.md "How data flows").
export { combineSignals } from './combine.ts';
export {
  type ArmConfig,
  type CombineConfig,
  checkLayerTimeframes,
  type EngineConfig,
  type MlConfig,
  type MultiTimeframeConfig,
  type RlConfig,
  type StrategyConfig,
  type TechnicalConfig,
  UnsupportedTimeframeError,
} from './config.ts';
export { type DecisionContext, decide } from './decide.ts';
export { ModelError, type ModelErrorCode } from './errors.ts';
export { FeatureWindow } from './feature-window.ts';
export {
  FEATURE_NAMES,
  FEATURE_PERIODS,
  type FeatureReadings,
  featureVector,
  isComplete,
  RETURN_HORIZONS,
} from './features.ts';
export { MarketState } from './market-state.ts';
export { ML_MODEL_FIELD, MlModel, mlSignal, mlValidate, sequenceWarmingUp } from './ml.ts';
export { multiTimeframeSignal, multiTimeframeTable } from './multi-timeframe.ts';
export type { MarketSnapshot, MultiTimeframeReadings, TechnicalReadings } from './readings.ts';
export { RL_ACTIONS, RL_POLICY_FIELD, RlPolicy, rlSignal } from './rl.ts';
export {
  BUNDLED_MODELS_DIR,
  loadStrategyModels,
  needsMl,
  needsRl,
  resolveModelPath,
  type StrategyModels,
} from './strategy-models.ts';
export { technicalSignal, technicalVotes } from './technical.ts';
