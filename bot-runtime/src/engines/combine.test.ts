import { describe, expect, it } from 'vitest';
import type { Action, LayerSignal } from '../types.ts';
import { combineSignals } from './combine.ts';
import { seedConfig } from './seed-config.fixture.ts';

const cfg = seedConfig().engine.combine;
const sig = (action: Action, confidence: number): LayerSignal => ({ action, confidence, reasons: [] });

describe('enhanced combiner', () => {
  it.each<[string, LayerSignal, LayerSignal | undefined, Action, number]>([
    ['layer 2 no data -> layer 1 alone', sig('BUY', 0.65), undefined, 'BUY', 0.65],
    ['layer 2 no data, layer 1 HOLD -> HOLD', sig('HOLD', 0), undefined, 'HOLD', 0],
    ['agree 0.65 + 0.6 -> mean x 1.2 = 0.75', sig('BUY', 0.65), sig('BUY', 0.6), 'BUY', 0.75],
    ['agree 0.65 + 0.7 -> 0.81 (below the cap)', sig('SELL', 0.65), sig('SELL', 0.7), 'SELL', 0.81],
    ['agree 0.85 + 0.9 -> 1.05 capped at 0.95', sig('BUY', 0.85), sig('BUY', 0.9), 'BUY', 0.95],
    [
      'agree exactly at the cap: mean 0.7917 x 1.2 = 0.95',
      sig('BUY', 0.85),
      sig('BUY', (0.95 / 1.2) * 2 - 0.85),
      'BUY',
      0.95,
    ],
    ['conflict: stronger 0.9 SELL x 0.6 = 0.54', sig('BUY', 0.65), sig('SELL', 0.9), 'SELL', 0.54],
    ['conflict: stronger 0.85 BUY x 0.6 = 0.51', sig('BUY', 0.85), sig('SELL', 0.7), 'BUY', 0.51],
    ['conflict with equal confidences -> HOLD', sig('BUY', 0.65), sig('SELL', 0.65), 'HOLD', 0],
    ['layer 1 HOLD, layer 2 BUY -> layer 2 unchanged', sig('HOLD', 0), sig('BUY', 0.9), 'BUY', 0.9],
    ['layer 1 SELL, layer 2 HOLD -> layer 1 unchanged', sig('SELL', 0.85), sig('HOLD', 0), 'SELL', 0.85],
    ['both HOLD -> HOLD', sig('HOLD', 0), sig('HOLD', 0), 'HOLD', 0],
  ])('%s', (_name, l1, l2, action, confidence) => {
    const s = combineSignals(l1, l2, cfg);
    expect(s.action).toBe(action);
    expect(s.confidence).toBeCloseTo(confidence, 12);
    expect(s.confidence).toBeLessThanOrEqual(cfg.maxConfidence);
  });

  it('uses the configured boost, penalty and cap', () => {
    const tuned = { ...cfg, agreementBoost: 1.1, conflictPenalty: 0.5, maxConfidence: 0.9 };
    expect(combineSignals(sig('BUY', 0.65), sig('BUY', 0.65), tuned).confidence).toBeCloseTo(0.715, 12);
    expect(combineSignals(sig('BUY', 0.85), sig('BUY', 0.9), tuned).confidence).toBe(0.9);
    expect(combineSignals(sig('BUY', 0.8), sig('SELL', 0.6), tuned).confidence).toBeCloseTo(0.4, 12);
  });
});
