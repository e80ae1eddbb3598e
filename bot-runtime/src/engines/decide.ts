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
import { type LayerMemo, NOT_YET } from './layer-memo.ts';
import { mlSignal, mlValidate, NOTHING_TO_VALIDATE } from './ml.ts';
import { multiTimeframeSignal } from './multi-timeframe.ts';
import type { MarketSnapshot } from './readings.ts';
import { rlSignal } from './rl.ts';
import { technicalSignal } from './technical.ts';

export interface DecisionContext {
  config: StrategyConfig;
  /** p(up) from the ML model for this market and time; undefined when no model output exists. */
  mlProbability?: number | undefined;
  /** Why there is no p(up), when the driver knows (a sequence model warming up): added to the HOLD's reasons. */
  mlUnavailable?: string | undefined;
  /** RL policy output [HOLD, BUY, SELL]; undefined when no policy output exists. */
  rlScores?: ArrayLike<number> | undefined;
  /** This market's memo (./layer-memo.ts): arms deciding the same market and time share layer signals. */
  memo?: LayerMemo | undefined;
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

/** layerSignal through the memo, when the driver gave one. */
function sharedLayerSignal(
  layer: LayerName,
  state: MarketSnapshot,
  ctx: DecisionContext,
  memo: LayerMemo | undefined,
): LayerSignal | undefined {
  if (memo === undefined) return layerSignal(layer, state, ctx);
  switch (layer) {
    case 'technical':
    case 'multiTimeframe': {
      const hit = memo[layer];
      if (hit !== NOT_YET) return hit;
      const s = layerSignal(layer, state, ctx);
      memo[layer] = s;
      return s;
    }
    case 'ml': {
      const p = ctx.mlProbability ?? Number.NaN;
      if (memo.ml !== NOT_YET && Object.is(memo.mlProbability, p)) return memo.ml;
      const s = layerSignal(layer, state, ctx);
      memo.ml = s;
      memo.mlProbability = p;
      return s;
    }
    case 'rl': {
      const scores = ctx.rlScores;
      if (scores === undefined) return undefined;
      const r = memo.rlScores;
      if (
        memo.rl !== NOT_YET &&
        Object.is(r[0], scores[0]) &&
        Object.is(r[1], scores[1]) &&
        Object.is(r[2], scores[2])
      )
        return memo.rl;
      const s = layerSignal(layer, state, ctx);
      memo.rl = s;
      for (let i = 0; i < 3; i++) r[i] = scores[i] ?? Number.NaN;
      return s;
    }
  }
}

export function decide(state: MarketSnapshot, arm: ArmConfig, ctx: DecisionContext): Signal {
  const layers: Signal['layers'] = {};
  let combined: LayerSignal | undefined;
  const active = activeLayers(arm);
  const memo = ctx.memo;
  memo?.bind(state, ctx.config);
  for (let i = 0; i < active.length; i++) {
    const name = active[i]!;
    const s = sharedLayerSignal(name, state, ctx, memo);
    if (s === undefined) continue;
    layers[name] = s;
    if (combined === undefined) combined = s;
    else if (i === 1 && name === 'multiTimeframe' && memo !== undefined) {
      // technical + multiTimeframe is the prefix of every enhanced arm: folded once per market.
      if (memo.enhanced === NOT_YET) memo.enhanced = combineSignals(combined, s, ctx.config.engine.combine);
      combined = memo.enhanced;
    } else combined = combineSignals(combined, s, ctx.config.engine.combine);
  }
  if (active.length > 1 && combined !== undefined) layers.enhanced = combined;
  let result: LayerSignal = combined ?? {
    action: 'HOLD',
    confidence: 0,
    reasons:
      ctx.mlUnavailable !== undefined && active.includes('ml')
        ? [`no layer has data yet (${active.join(', ')})`, ctx.mlUnavailable]
        : [`no layer has data yet (${active.join(', ')})`],
  };

  if (arm.mlValidation) {
    const p = ctx.mlProbability;
    if (p === undefined || Number.isNaN(p)) {
      const why =
        ctx.mlUnavailable === undefined
          ? 'ML validation has no prediction: fail closed'
          : `ML validation has no prediction (${ctx.mlUnavailable}): fail closed`;
      layers.mlValidation = { action: 'HOLD', confidence: 0, reasons: [why] };
      if (result.action !== 'HOLD')
        result = { action: 'HOLD', confidence: 0, reasons: [why, ...result.reasons] };
    } else if (result.action === 'HOLD') {
      // mlValidate's HOLD case without its result pair: most decisions of a backtest hold.
      layers.mlValidation = NOTHING_TO_VALIDATE;
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
  // The keys of `{ ...result, market, time, layers }` in that order, as one literal (one shape).
  return {
    action: result.action,
    confidence: result.confidence,
    reasons: result.reasons,
    market: state.market,
    time: state.time,
    layers,
  };
}

/** The arm's layers in LAYER_ORDER, computed once per arm object (decide runs ~10^6 times a backtest). */
const activeByArm = new WeakMap<ArmConfig, readonly LayerName[]>();
function activeLayers(arm: ArmConfig): readonly LayerName[] {
  let active = activeByArm.get(arm);
  if (active === undefined || !sameLayers(active, arm.layers)) {
    active = LAYER_ORDER.filter((l) => arm.layers.includes(l));
    activeByArm.set(arm, active);
  }
  return active;
}

/** Guards the cache against an arm whose layers list was edited in place (tests build arms by hand). */
function sameLayers(active: readonly LayerName[], layers: readonly LayerName[]): boolean {
  let n = 0;
  for (const l of LAYER_ORDER) if (layers.includes(l)) if (active[n++] !== l) return false;
  return n === active.length;
}
