// The layer signals of one market at one decision time, shared by every arm that uses the same
// layer: the SPEC's A/B split plus an all-layers arm computes technical and multiTimeframe twice
// and ml twice per market and step without it (the decision is a pure function of the snapshot,
// the strategy config and the model outputs, so sharing cannot change it; loop/golden pins that).
// The driver keeps one memo per market and passes it in DecisionContext.memo; a memo answers only
// for the snapshot object, decision time, config object and model outputs it was filled from.
import type { LayerSignal } from '../types.ts';
import type { StrategyConfig } from './config.ts';
import type { MarketSnapshot } from './readings.ts';

/** `undefined` is a valid layer answer ("no data"), so an unset slot is this marker. */
export const NOT_YET = Symbol('not computed');
export type MemoSlot = LayerSignal | undefined | typeof NOT_YET;

export class LayerMemo {
  #state: MarketSnapshot | undefined;
  #time = Number.NaN;
  #config: StrategyConfig | undefined;
  technical: MemoSlot = NOT_YET;
  multiTimeframe: MemoSlot = NOT_YET;
  /** technical folded with multiTimeframe (the enhanced engine), the common prefix of arms. */
  enhanced: MemoSlot = NOT_YET;
  ml: MemoSlot = NOT_YET;
  mlProbability = Number.NaN;
  rl: MemoSlot = NOT_YET;
  readonly rlScores = new Float64Array(3);

  /** Clears the slots unless they were filled for this snapshot, time and config. */
  bind(state: MarketSnapshot, config: StrategyConfig): void {
    if (this.#state === state && this.#time === state.time && this.#config === config) return;
    this.#state = state;
    this.#time = state.time;
    this.#config = config;
    this.technical = NOT_YET;
    this.multiTimeframe = NOT_YET;
    this.enhanced = NOT_YET;
    this.ml = NOT_YET;
    this.rl = NOT_YET;
  }
}
