import { describe, expect, it } from 'vitest';
import type { ArmConfig } from './config.ts';
import { decide } from './decide.ts';
import type { MarketSnapshot, MultiTimeframeReadings, TechnicalReadings } from './readings.ts';
import { ENHANCED_ARM, ML_ARM, seedConfig } from './seed-config.fixture.ts';

const config = seedConfig();
const NEUTRAL_T: TechnicalReadings = { rsi: 50, macdHist: 0, percentB: 0.5, volumeRatio: 1, candleBody: 0 };
// Layer 1: RSI + MACD + Bollinger BUY = 3 votes -> 0.85; two votes (RSI + MACD) -> 0.65.
const T_BUY3: TechnicalReadings = { ...NEUTRAL_T, rsi: 25, macdHist: 1, percentB: 0.1 };
const T_BUY2: TechnicalReadings = { ...NEUTRAL_T, rsi: 25, macdHist: 1 };
const T_SELL3: TechnicalReadings = { ...NEUTRAL_T, rsi: 75, macdHist: -1, percentB: 0.9 };
const M_UP_STRONG_BUY: MultiTimeframeReadings = { trendPct: 1, momentumPct: 1, entryRsi: 40 };
const M_SIDEWAYS_BUY: MultiTimeframeReadings = { trendPct: 0, momentumPct: 0, entryRsi: 40 };
const M_NO_DATA: MultiTimeframeReadings = { trendPct: Number.NaN, momentumPct: 0, entryRsi: 40 };

function snap(technical: TechnicalReadings, multiTimeframe: MultiTimeframeReadings): MarketSnapshot {
  return {
    market: 'KRW-BTC',
    time: 1_700_000_000_000,
    close: 100,
    technical,
    multiTimeframe,
    completeness: { '5m': 1, '15m': 1, '1h': 1, '1d': 1 },
  };
}
const NO_VALIDATION: ArmConfig = { ...ENHANCED_ARM, mlValidation: false };

describe('decide: the enhanced arm', () => {
  it('layers agree: 0.85 and 0.90 -> capped 0.95, confirmed by ML', () => {
    const s = decide(snap(T_BUY3, M_UP_STRONG_BUY), ENHANCED_ARM, { config, mlProbability: 0.6 });
    expect(s).toMatchObject({ action: 'BUY', confidence: 0.95, market: 'KRW-BTC', time: 1_700_000_000_000 });
    expect(s.layers.technical?.confidence).toBe(0.85);
    expect(s.layers.multiTimeframe?.confidence).toBe(0.9);
    expect(s.layers.enhanced?.confidence).toBe(0.95);
    expect(s.layers.mlValidation?.action).toBe('BUY');
  });

  it('ML vetoes a BUY when p(up) < vetoBelow', () => {
    const s = decide(snap(T_BUY3, M_UP_STRONG_BUY), ENHANCED_ARM, { config, mlProbability: 0.3 });
    expect(s.action).toBe('HOLD');
    expect(s.layers.mlValidation?.action).toBe('HOLD');
  });

  it('fails closed when the arm validates with ML but there is no prediction', () => {
    const s = decide(snap(T_BUY3, M_UP_STRONG_BUY), ENHANCED_ARM, { config });
    expect(s.action).toBe('HOLD');
    expect(s.reasons[0]).toContain('fail closed');
  });

  it('layer 2 no data -> layer 1 alone (0.65 passes minConfidence 0.6)', () => {
    const s = decide(snap(T_BUY2, M_NO_DATA), NO_VALIDATION, { config });
    expect(s).toMatchObject({ action: 'BUY', confidence: 0.65 });
    expect(s.layers.multiTimeframe).toBeUndefined();
  });

  it('conflict 0.85 SELL vs 0.90 BUY -> 0.54 < minConfidence -> HOLD', () => {
    const s = decide(snap(T_SELL3, M_UP_STRONG_BUY), NO_VALIDATION, { config });
    expect(s.layers.enhanced).toMatchObject({ action: 'BUY' });
    expect(s.layers.enhanced?.confidence).toBeCloseTo(0.54, 12);
    expect(s.action).toBe('HOLD');
  });
});

describe('decide: minConfidence boundary', () => {
  it.each([
    ['confidence exactly minConfidence 0.6 acts', 0.6, 'BUY'],
    ['confidence just below minConfidence holds', 0.6001, 'HOLD'],
  ])('%s', (_name, minConfidence, action) => {
    // Layer 2 alone: SIDEWAYS + WEAK + BUY = 0.60.
    const cfg = {
      ...config,
      engine: { ...config.engine, combine: { ...config.engine.combine, minConfidence } },
    };
    const arm: ArmConfig = { name: 'mtf', layers: ['multiTimeframe'], mlValidation: false };
    expect(decide(snap(NEUTRAL_T, M_SIDEWAYS_BUY), arm, { config: cfg }).action).toBe(action);
  });
});

describe('decide: the ML arm and the RL switch', () => {
  it.each([
    [0.7, 'BUY', 0.7],
    [0.58, 'HOLD', 0], // a BUY at 0.58 is below minConfidence 0.6
    [0.6, 'BUY', 0.6], // exactly minConfidence acts
    [0.5999, 'HOLD', 0],
    [0.4, 'SELL', 0.6], // 1 - p = 0.6: exactly minConfidence acts
    [0.4001, 'HOLD', 0],
    [0.2, 'SELL', 0.8],
  ])('ML arm, p(up) %f -> %s', (p, action, confidence) => {
    const s = decide(snap(NEUTRAL_T, M_NO_DATA), ML_ARM, { config, mlProbability: p });
    expect(s.action).toBe(action);
    expect(s.confidence).toBeCloseTo(confidence, 12);
  });

  it('ML arm with no prediction holds', () => {
    expect(decide(snap(T_BUY3, M_UP_STRONG_BUY), ML_ARM, { config }).action).toBe('HOLD');
  });

  it('an rl layer follows the policy output [HOLD, BUY, SELL]', () => {
    const arm: ArmConfig = { name: 'rl', layers: ['rl'], mlValidation: false };
    const s = decide(snap(NEUTRAL_T, M_NO_DATA), arm, { config, rlScores: [0.1, 0.2, 0.7] });
    expect(s).toMatchObject({ action: 'SELL', confidence: 0.7 });
    expect(decide(snap(NEUTRAL_T, M_NO_DATA), arm, { config, rlScores: [0.4, 0.3, 0.3] }).action).toBe(
      'HOLD',
    );
    expect(decide(snap(NEUTRAL_T, M_NO_DATA), arm, { config, rlScores: [0.2, 0.4, 0.4] }).action).toBe(
      'HOLD',
    );
  });

  it('technical + ml layers fold with the combiner: agreement boosts', () => {
    const arm: ArmConfig = { name: 'tml', layers: ['ml', 'technical'], mlValidation: false };
    const s = decide(snap(T_BUY2, M_NO_DATA), arm, { config, mlProbability: 0.75 });
    expect(s.action).toBe('BUY');
    expect(s.confidence).toBeCloseTo(((0.65 + 0.75) / 2) * 1.2, 12);
  });
});

describe('decide: a sequence model still warming up (no p(up) yet)', () => {
  const why = 'ML sequence model warming up: 4 of 12 contiguous 5m feature rows';

  it('the ML arm holds and says why', () => {
    const s = decide(snap(T_BUY3, M_UP_STRONG_BUY), ML_ARM, { config, mlUnavailable: why });
    expect(s.action).toBe('HOLD');
    expect(s.reasons).toEqual(['no layer has data yet (ml)', why]);
    expect(s.layers.ml).toBeUndefined();
  });

  it('ML validation fails closed and names the warm-up', () => {
    const s = decide(snap(T_BUY3, M_UP_STRONG_BUY), ENHANCED_ARM, { config, mlUnavailable: why });
    expect(s.action).toBe('HOLD');
    expect(s.reasons[0]).toBe(`ML validation has no prediction (${why}): fail closed`);
  });

  it('an arm without the ml layer or validation ignores it', () => {
    const s = decide(snap(T_BUY3, M_UP_STRONG_BUY), NO_VALIDATION, { config, mlUnavailable: why });
    expect(s.action).toBe('BUY');
    expect(s.reasons.join(' ')).not.toContain('warming up');
  });
});
