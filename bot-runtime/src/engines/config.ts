// The engine's slice of the TradingBot spec (the field contract agreed with crds/). The runtime gets
// a fully-defaulted ResolvedSpec from @kubetrade/crds; these interfaces name only the fields the
// engines read, so a ResolvedSpec is assignable to them structurally and the engines stay testable
// without the whole spec. Defaults live in crds/ only (STYLE.md rule 2) — never repeat them here.
import { isTimeframe } from '../market/timeframes.ts';
import type { LayerName } from '../types.ts';

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
  // Strings, not Timeframe: the schema accepts every Upbit candle unit (1m..4h), the runtime keeps
  // only 5m/15m/1h/1d — checkLayerTimeframes refuses the rest at start instead of never warming up.
  trend: string;
  momentum: string;
  entry: string;
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

export class UnsupportedTimeframeError extends Error {
  readonly code = 'UNSUPPORTED_TIMEFRAME';
  readonly field: string;

  constructor(field: string, value: string) {
    super(
      `UNSUPPORTED_TIMEFRAME: ${field} = ${value}: the runtime keeps 5m, 15m, 1h and 1d candles; use one of those`,
    );
    this.name = 'UnsupportedTimeframeError';
    this.field = field;
  }
}

/** Throws UnsupportedTimeframeError naming the spec field when layer 2 asks for a timeframe the runtime lacks. */
export function checkLayerTimeframes(cfg: MultiTimeframeConfig): void {
  for (const key of ['trend', 'momentum', 'entry'] as const) {
    if (!isTimeframe(cfg[key]))
      throw new UnsupportedTimeframeError(`spec.engine.multiTimeframe.${key}`, cfg[key]);
  }
}
