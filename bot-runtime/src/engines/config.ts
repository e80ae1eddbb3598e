// The engine's slice of the TradingBot spec (the field contract agreed with crds/). The runtime gets
// a fully-defaulted ResolvedSpec from @kubetrade/crds; these interfaces name only the fields the
// engines read, so a ResolvedSpec is assignable to them structurally and the engines stay testable
// without the whole spec. Defaults live in crds/ only (STYLE.md rule 2) — never repeat them here.
import type { LayerName, Timeframe } from '../types.ts';

export interface TechnicalConfig {
  rsi: { period: number; oversold: number; overbought: number };
  macd: { fast: number; slow: number; signal: number };
  /** %B <= edge -> BUY vote; %B >= 1 - edge -> SELL vote. */
  bollinger: { period: number; stdDev: number; edge: number };
  /** volume >= volumeSurge x SMA(volume, volumePeriod) votes with the candle's direction. */
  volumeSurge: number;
  volumePeriod: number;
  confidence: { threeOrMore: number; two: number };
}

export interface MultiTimeframeConfig {
  trend: Timeframe;
  momentum: Timeframe;
  entry: Timeframe;
  trendFastPeriod: number;
  trendSlowPeriod: number;
  trendThresholdPct: number;
  momentumPeriod: number;
  momentumThresholdPct: number;
  entryRsiPeriod: number;
  entryRsiBuyBelow: number;
  entryRsiSellAbove: number;
  confidence: { aligned: number; weakMomentum: number; sideways: number };
}

export interface CombineConfig {
  agreementBoost: number;
  conflictPenalty: number;
  maxConfidence: number;
  minConfidence: number;
}

export interface MlConfig {
  model: string;
  modelPath?: string | undefined;
  buyAbove: number;
  sellBelow: number;
  vetoBelow: number;
}

export interface RlConfig {
  policyPath?: string | undefined;
}

export interface EngineConfig {
  technical: TechnicalConfig;
  multiTimeframe: MultiTimeframeConfig;
  combine: CombineConfig;
}

/** One capital arm (spec.capital.split[]): which layers decide for it, and whether ML vets them. */
export interface ArmConfig {
  name: string;
  layers: LayerName[];
  mlValidation: boolean;
}

/** Everything `decide` and the model loaders need: `spec.engine`, `spec.ml`, `spec.rl`, `spec.risk.feePct`. */
export interface StrategyConfig {
  engine: EngineConfig;
  ml: MlConfig;
  rl: RlConfig;
  risk: { feePct: number };
}
