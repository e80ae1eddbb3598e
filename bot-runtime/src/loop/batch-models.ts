// Batched model inference, shared by the backtest (one block of steps per call: one onnxruntime call
// per block instead of one awaited call per candle) and the wall-clock runners (one step per call).
// The rows themselves stay the dominant cost: the baseline LightGBM (150 trees) costs ~4 µs of CPU a
// row on real feature rows whatever the session options (PERFORMANCE.md).
//
// A sequence model (the LSTM, `sequenceLength` K > 1) reads the last K feature rows of a market: a
// FeatureWindow per market is fed every 5m candle — warm-up included, so the first traded decision
// already has its K rows — and a slot is scored only once its window holds K contiguous complete
// rows (engines/feature-window.ts); until then the slot has no p(up) and a reason saying why.
import { FeatureWindow } from '../engines/feature-window.ts';
import { FEATURE_NAMES, isComplete } from '../engines/features.ts';
import type { MarketState } from '../engines/market-state.ts';
import { sequenceWarmingUp } from '../engines/ml.ts';

/** What the loop needs of the ML model and RL policy: batched inference (see engines/). */
export interface BatchModels {
  ml?: {
    predictBatch(rows: Float32Array): Promise<Float32Array>;
    /** Feature rows per input (engines/ml.ts); 1 when absent. */
    readonly sequenceLength?: number;
    /** Settles which model serves the next batch (a hot reload) before its inputs are assembled. */
    refresh?(): Promise<void>;
  };
  rl?: { act(rows: Float32Array): Promise<Float32Array> };
}

const F = FEATURE_NAMES.length;

/** The model inputs of up to `slots` (step, market) slots, captured as the market states advance. */
export class ModelInputs {
  readonly #ml: boolean;
  readonly #rl: boolean;
  /** Sequence length of the ML model the slots were captured for (1 = one row per input). */
  #k: number;
  #windows: FeatureWindow[] | undefined;
  readonly #markets: number;
  readonly #slots: number;
  readonly #feature = new Float32Array(F);
  /** One feature row per slot: the RL input and the ML input of a row model. */
  readonly #rows: Float32Array;
  readonly #rowOk: Uint8Array;
  /** K rows per slot for a sequence model; #seqRows[slot] = rows its market's window held (-1: not traded). */
  #seq: Float32Array;
  readonly #seqOk: Uint8Array;
  readonly #seqRows: Int16Array;

  constructor(markets: number, slots: number, models: BatchModels) {
    this.#ml = models.ml !== undefined;
    this.#rl = models.rl !== undefined;
    this.#markets = markets;
    this.#slots = slots;
    this.#k = this.#ml ? (models.ml?.sequenceLength ?? 1) : 1;
    this.#rows = new Float32Array(this.#ml || this.#rl ? slots * F : 0);
    this.#rowOk = new Uint8Array(slots);
    this.#seq = new Float32Array(0);
    this.#seqOk = new Uint8Array(slots);
    this.#seqRows = new Int16Array(slots);
    this.#resize(this.#k);
  }

  get active(): boolean {
    return this.#ml || this.#rl;
  }

  /**
   * Market `m`'s state has just advanced by the 5m candle opened at `openTime`, in slot `slot`.
   * `traded`: the slot decides (warm-up slots only feed the windows).
   */
  capture(slot: number, m: number, state: MarketState, openTime: number, traded: boolean): void {
    this.skip(slot);
    const windows = this.#windows;
    if (!(traded && this.active) && windows === undefined) return;
    const f = state.features(this.#feature);
    const complete = isComplete(f);
    if (windows !== undefined) {
      const w = windows[m]!;
      w.push(openTime, f, complete);
      if (traded) {
        this.#seqRows[slot] = w.rows;
        if (w.ready) {
          w.copyTo(this.#seq, slot * this.#k * F);
          this.#seqOk[slot] = 1;
        }
      }
    }
    if (traded && complete) {
      this.#rows.set(f, slot * F);
      this.#rowOk[slot] = 1;
    }
  }

  /** The slot holds no candle. */
  skip(slot: number): void {
    this.#rowOk[slot] = 0;
    this.#seqOk[slot] = 0;
    this.#seqRows[slot] = -1;
  }

  /** True while the ML model is a sequence model (its slots can lack a p(up) for a reason). */
  get sequence(): boolean {
    return this.#windows !== undefined;
  }

  /** Why a traded slot of a sequence model has no p(up) (undefined when it has one or is a row model). */
  mlUnavailable(slot: number): string | undefined {
    if (this.#windows === undefined || this.#seqOk[slot] === 1 || this.#seqRows[slot]! < 0) return undefined;
    return sequenceWarmingUp(this.#seqRows[slot]!, this.#k);
  }

  /**
   * Scores slots [0, slots): p(up) into `ml`, [HOLD, BUY, SELL] into `rl` (3 per slot) where the
   * inputs are complete; the others are left as they are (the caller fills NaN).
   */
  async infer(models: BatchModels, slots: number, ml: Float64Array, rl: Float32Array): Promise<void> {
    const rows = compact(this.#rows, this.#rowOk, slots, F);
    if (models.ml && this.#ml) {
      // First settle which model serves this batch: a hot reload must not change the input shape
      // between assembling the inputs and running them.
      await models.ml.refresh?.();
      const k = models.ml.sequenceLength ?? 1;
      if (k !== this.#k) {
        // A hot reload switched to a model with another sequence length after these slots were
        // captured: no ML this time; the windows restart at the new length.
        this.#resize(k);
      } else {
        const input = k === 1 ? rows : compact(this.#seq, this.#seqOk, slots, k * F);
        if (input)
          scatter(await models.ml.predictBatch(input), k === 1 ? this.#rowOk : this.#seqOk, slots, 1, ml);
      }
    }
    if (models.rl && this.#rl && rows) scatter(await models.rl.act(rows), this.#rowOk, slots, 3, rl);
  }

  #resize(k: number): void {
    this.#k = k;
    this.#windows = k > 1 ? Array.from({ length: this.#markets }, () => new FeatureWindow(k, F)) : undefined;
    this.#seq = new Float32Array(k > 1 ? this.#slots * k * F : 0);
    this.#seqOk.fill(0);
  }
}

/** The rows of the slots marked ok, packed; undefined when there are none. */
function compact(src: Float32Array, ok: Uint8Array, slots: number, size: number): Float32Array | undefined {
  let count = 0;
  for (let s = 0; s < slots; s++) if (ok[s] === 1) count++;
  if (count === 0) return undefined;
  const out = new Float32Array(count * size);
  let r = 0;
  for (let s = 0; s < slots; s++)
    if (ok[s] === 1) out.set(src.subarray(s * size, s * size + size), r++ * size);
  return out;
}

/** Model outputs (`width` per packed row) back to their slots. */
function scatter(
  out: Float32Array,
  ok: Uint8Array,
  slots: number,
  width: number,
  into: Float64Array | Float32Array,
): void {
  let r = 0;
  for (let s = 0; s < slots; s++) {
    if (ok[s] !== 1) continue;
    for (let q = 0; q < width; q++) into[s * width + q] = out[r * width + q]!;
    r++;
  }
}
