import { describe, expect, it } from 'vitest';
import {
  FEATURE_NAMES,
  type FeatureReadings,
  featureVector,
  isComplete,
  RETURN_HORIZONS,
} from './features.ts';

const readings: FeatureReadings = {
  rsi: 42,
  macd: 3,
  macdHist: -1,
  percentB: 0.25,
  bandWidthPct: 1.5,
  volumeRatio: 2,
  bodyPct: 0.1,
  rangePct: 0.4,
  close: 200,
  returnsPct: [0.01, 0.03, 0.12, 0.48, 2.88],
  trendPct: -0.3,
  trendRsi: 61,
  momentumPct: 0.7,
};

describe('featureVector', () => {
  it('puts every reading under its name, normalised', () => {
    const v = featureVector(readings);
    const at = (name: string): number => v[FEATURE_NAMES.indexOf(name)]!;
    expect(v).toHaveLength(FEATURE_NAMES.length);
    expect(new Set(FEATURE_NAMES).size).toBe(FEATURE_NAMES.length);
    expect(at('rsi')).toBeCloseTo(0.42, 6);
    expect(at('macd_pct')).toBeCloseTo(1.5, 6);
    expect(at('macd_hist_pct')).toBeCloseTo(-0.5, 6);
    expect(at('bb_percent_b')).toBeCloseTo(0.25, 6);
    expect(at('bb_width_pct')).toBeCloseTo(1.5, 6);
    expect(at('volume_ratio_log1p')).toBeCloseTo(Math.log(3), 6);
    expect(at('body_pct')).toBeCloseTo(0.1, 6);
    expect(at('range_pct')).toBeCloseTo(0.4, 6);
    RETURN_HORIZONS.forEach((h, i) => {
      expect(at(`ret_${h}_pct`)).toBeCloseTo(readings.returnsPct[i]!, 6);
    });
    expect(at('trend_pct')).toBeCloseTo(-0.3, 6);
    expect(at('trend_rsi')).toBeCloseTo(0.61, 6);
    expect(at('momentum_pct')).toBeCloseTo(0.7, 6);
  });

  it('keeps a candle without trades finite (log1p of a zero volume ratio is 0)', () => {
    const v = featureVector({ ...readings, volumeRatio: 0 });
    expect(v[FEATURE_NAMES.indexOf('volume_ratio_log1p')]).toBe(0);
    expect(isComplete(v)).toBe(true);
  });

  it('marks a warming-up reading as incomplete', () => {
    expect(isComplete(featureVector({ ...readings, trendRsi: Number.NaN }))).toBe(false);
    expect(isComplete(featureVector({ ...readings, returnsPct: [0.01, 0.03, 0.12, 0.48, Number.NaN] }))).toBe(
      false,
    );
  });
});
