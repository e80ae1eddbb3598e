// The enhanced engine of SPEC.md: combines layer 1 (technical) and layer 2 (multi-timeframe).
//
//   layer 2 undefined (no data yet)      -> layer 1 alone, unchanged (SPEC "known issue 1")
//   both HOLD                            -> HOLD
//   same action (BUY+BUY / SELL+SELL)    -> that action, mean(c1, c2) x agreementBoost (1.2),
//                                           capped at maxConfidence (0.95)
//   BUY vs SELL (conflict)               -> the more confident layer's action, its confidence x
//                                           conflictPenalty (0.6); equal confidences -> HOLD
//   one layer HOLD, the other a signal   -> the signal at its own confidence (no boost, no
//                                           penalty): a HOLD is "no opinion", not disagreement
// The minConfidence gate is applied once, by `decide`, after every layer and ML validation.
import type { LayerSignal } from '../types.ts';
import type { CombineConfig } from './config.ts';

export function combineSignals(
  l1: LayerSignal,
  l2: LayerSignal | undefined,
  cfg: CombineConfig,
): LayerSignal {
  if (l2 === undefined) return { ...l1, reasons: ['layer 2 has no data: layer 1 alone', ...l1.reasons] };
  // Fixed reasons are shared frozen arrays: the combiner runs on most decisions of a backtest.
  if (l1.action === 'HOLD' && l2.action === 'HOLD')
    return { action: 'HOLD', confidence: 0, reasons: BOTH_HOLD };
  if (l1.action === l2.action) {
    const boosted = Math.min(((l1.confidence + l2.confidence) / 2) * cfg.agreementBoost, cfg.maxConfidence);
    return { action: l1.action, confidence: boosted, reasons: [`layers agree on ${l1.action}`] };
  }
  if (l1.action === 'HOLD' || l2.action === 'HOLD') {
    const only = l1.action === 'HOLD' ? l2 : l1;
    const reasons = l1.action === 'HOLD' ? LAYER_2_ALONE : LAYER_1_ALONE;
    return { action: only.action, confidence: only.confidence, reasons };
  }
  if (l1.confidence === l2.confidence) return { action: 'HOLD', confidence: 0, reasons: EQUAL_CONFLICT };
  const stronger = l1.confidence > l2.confidence ? l1 : l2;
  return {
    action: stronger.action,
    confidence: stronger.confidence * cfg.conflictPenalty,
    reasons: [`layers conflict: ${stronger.action} x ${cfg.conflictPenalty}`],
  };
}

const BOTH_HOLD = Object.freeze(['both HOLD']) as string[];
const LAYER_1_ALONE = Object.freeze(['layer 1 alone (other HOLD)']) as string[];
const LAYER_2_ALONE = Object.freeze(['layer 2 alone (other HOLD)']) as string[];
const EQUAL_CONFLICT = Object.freeze(['layers conflict with equal confidence']) as string[];
