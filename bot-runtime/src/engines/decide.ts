// One arm's decision for one market: apply the arm's layers (spec.capital.split[].layers), then ML
// validation if the arm asks for it, then the minConfidence gate. Pure: model outputs are computed
// by the caller (so a backtest can batch them) and passed in the context.
//
// Layers are evaluated in the fixed order technical, multiTimeframe, ml, rl and folded with the
// enhanced combiner (./combine.ts): [technical, multiTimeframe] is exactly SPEC's enhanced engine;
// a single layer is that layer alone; a layer with no data (layer 2 warming up, no model output)
// is skipped like SPEC's "layer 2 has no data". No layer with data -> HOLD.
// Fail closed: an arm with mlValidation but no ML output for this market holds.
// minConfidence: confidence < minConfidence -> HOLD; exactly minConfidence acts.
import type { LayerName, LayerSignal, Signal } from '../types.ts';
import { combineSignals } from './combine.ts';
import type { ArmConfig, StrategyConfig } from './config.ts';
import { mlSignal, mlValidate } from './ml.ts';
import { multiTimeframeSignal } from './multi-timeframe.ts';
import type { MarketSnapshot } from './readings.ts';
import { rlSignal } from './rl.ts';
import { technicalSignal } from './technical.ts';

export interface DecisionContext {
  config: StrategyConfig;
  /** p(up) from the ML model for this market and time; undefined when no model output exists. */
  mlProbability?: number | undefined;
  /** RL policy output [HOLD, BUY, SELL]; undefined when no policy output exists. */
  rlScores?: ArrayLike<number> | undefined;
}

const LAYER_ORDER: readonly LayerName[] = ['technical', 'multiTimeframe', 'ml', 'rl'];

function layerSignal(layer: LayerName, state: MarketSnapshot, ctx: DecisionContext): LayerSignal | undefined {
  const { engine, ml } = ctx.config;
  switch (layer) {
    case 'technical':
      return technicalSignal(state, engine.technical);
    case 'multiTimeframe':
      return multiTimeframeSignal(state, engine.multiTimeframe);
    case 'ml':
      return ctx.mlProbability === undefined || Number.isNaN(ctx.mlProbability)
        ? undefined
        : mlSignal(ctx.mlProbability, ml);
    case 'rl':
      return ctx.rlScores === undefined ? undefined : rlSignal(ctx.rlScores);
  }
}

export function decide(state: MarketSnapshot, arm: ArmConfig, ctx: DecisionContext): Signal {
  const layers: Signal['layers'] = {};
  let combined: LayerSignal | undefined;
  const active = LAYER_ORDER.filter((l) => arm.layers.includes(l));
  for (const name of active) {
    const s = layerSignal(name, state, ctx);
    if (s === undefined) continue;
    layers[name] = s;
    combined = combined === undefined ? s : combineSignals(combined, s, ctx.config.engine.combine);
  }
  if (active.length > 1 && combined !== undefined) layers.enhanced = combined;
  let result: LayerSignal = combined ?? {
    action: 'HOLD',
    confidence: 0,
    reasons: [`no layer has data yet (${active.join(', ')})`],
  };

  if (arm.mlValidation) {
    const p = ctx.mlProbability;
    if (p === undefined || Number.isNaN(p)) {
      const why = 'ML validation has no prediction: fail closed';
      layers.mlValidation = { action: 'HOLD', confidence: 0, reasons: [why] };
      if (result.action !== 'HOLD')
        result = { action: 'HOLD', confidence: 0, reasons: [why, ...result.reasons] };
    } else {
      const v = mlValidate(result, p, ctx.config.ml);
      layers.mlValidation = v.validation;
      result = v.signal;
    }
  }

  const min = ctx.config.engine.combine.minConfidence;
  if (result.action !== 'HOLD' && result.confidence < min) {
    result = {
      action: 'HOLD',
      confidence: 0,
      reasons: [
        `${result.action} confidence ${result.confidence.toFixed(3)} < minConfidence ${min}`,
        ...result.reasons,
      ],
    };
  }
  return { ...result, market: state.market, time: state.time, layers };
}
