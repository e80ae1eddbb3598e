import { applyDefaults, type ResolvedSpec } from '@kubetrade/crds';
import { describe, expect, it } from 'vitest';
import { type ArmConfig, checkLayerTimeframes, type StrategyConfig } from './config.ts';
import { ENHANCED_ARM, ML_ARM, seedConfig } from './seed-config.fixture.ts';

describe('engine config vs the TradingBot schema (crds/)', () => {
  it('a fully-defaulted spec is a StrategyConfig, and its defaults are the SPEC seed values', () => {
    const spec: ResolvedSpec = applyDefaults({});
    const strategy: StrategyConfig = spec; // compile-time check: the engine slice matches the schema
    const seed = seedConfig();
    expect(strategy.engine).toEqual(seed.engine);
    expect(strategy.ml).toMatchObject(seed.ml);
    expect(strategy.risk.feePct).toBe(seed.risk.feePct);
  });

  it('the default arms are the enhanced arm with ML validation and the plain ML arm', () => {
    const arms: ArmConfig[] = applyDefaults({}).capital.split;
    expect(arms.map(({ name, layers, mlValidation }) => ({ name, layers, mlValidation }))).toEqual([
      ENHANCED_ARM,
      ML_ARM,
    ]);
  });
});

describe('checkLayerTimeframes', () => {
  it('accepts the timeframes the runtime keeps', () => {
    expect(() => checkLayerTimeframes(seedConfig().engine.multiTimeframe)).not.toThrow();
  });

  it('refuses a schema-valid unit the runtime does not keep, naming the field', () => {
    const cfg = { ...seedConfig().engine.multiTimeframe, trend: '4h' };
    expect(() => checkLayerTimeframes(cfg)).toThrow(/spec\.engine\.multiTimeframe\.trend = 4h/);
  });
});
