// Test fixture: the SPEC seed values as a StrategyConfig, so the rule tests read like SPEC.md.
// The runtime itself never uses this — it gets applyDefaults(spec) from @kubetrade/crds; a test in
// config.test.ts checks that crds' defaults equal these values where both exist.
import type { ArmConfig, StrategyConfig } from './config.ts';

export function seedConfig(): StrategyConfig {
  return {
    engine: {
      technical: {
        rsi: { period: 14, oversold: 30, overbought: 70 },
        macd: { fast: 12, slow: 26, signal: 9 },
        bollinger: { period: 20, stdDev: 2, edge: 0.2 },
        volumeSurge: 2.0,
        volumePeriod: 20,
        confidence: { threeOrMore: 0.85, two: 0.65 },
      },
      multiTimeframe: {
        trend: '1h',
        momentum: '15m',
        entry: '5m',
        trendFastPeriod: 20,
        trendSlowPeriod: 50,
        trendThresholdPct: 0.2,
        momentumPeriod: 10,
        momentumThresholdPct: 0.5,
        entryRsiPeriod: 14,
        entryRsiBuyBelow: 45,
        entryRsiSellAbove: 55,
        confidence: { aligned: 0.9, weakMomentum: 0.7, sideways: 0.6 },
      },
      combine: { agreementBoost: 1.2, conflictPenalty: 0.6, maxConfidence: 0.95, minConfidence: 0.6 },
    },
    ml: { model: 'lgbm-krw', buyAbove: 0.55, sellBelow: 0.45, vetoBelow: 0.45 },
    rl: {},
    risk: { feePct: 0.05 },
  };
}

export const ENHANCED_ARM: ArmConfig = {
  name: 'enhanced',
  layers: ['technical', 'multiTimeframe'],
  mlValidation: true,
};
export const ML_ARM: ArmConfig = { name: 'ml', layers: ['ml'], mlValidation: false };
