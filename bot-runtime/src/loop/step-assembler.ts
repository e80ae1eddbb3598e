// One step's input for TradingCore, assembled the same way by every wall-clock runner (paper from a
// MarketSource, live from the exchange's candles): which markets have a fresh 5m candle, their
// snapshots, and — only when an arm reads a model and the step trades — their feature rows, scored
// as one batch (one onnxruntime call per step, not per market).
import { FEATURE_NAMES, isComplete } from '../engines/features.ts';
import type { BatchModels } from './batch-models.ts';
import type { MarketFeed } from './market-feed.ts';
import { newStepInput, type StepInput } from './trading-core.ts';

const F = FEATURE_NAMES.length;

export class StepAssembler {
  readonly input: StepInput;
  readonly #models: BatchModels | undefined;
  readonly #markets: number;
  readonly #feature = new Float32Array(F);
  readonly #rows: Float32Array;
  readonly #rowMarket: Int32Array;
  #count = 0;

  constructor(markets: number, models: BatchModels | undefined) {
    this.#markets = markets;
    this.#models = models;
    this.input = newStepInput(markets);
    this.#rows = new Float32Array(markets * F);
    this.#rowMarket = new Int32Array(markets);
  }

  /** Starts the step that decides at `time` (the close of the candles opened at time - 5m). */
  begin(time: number, trade: boolean): void {
    const input = this.input;
    input.time = time;
    input.trade = trade;
    this.#count = 0;
    for (let m = 0; m < this.#markets; m++) {
      input.fresh[m] = 0;
      input.mlProbability[m] = Number.NaN;
      for (let q = 0; q < 3; q++) input.rlScores[m * 3 + q] = Number.NaN;
    }
  }

  /** Market `m`'s candle (opened at `openTime`) has just been pushed into `feed`. */
  add(m: number, feed: MarketFeed, openTime: number, open: number, close: number): void {
    const input = this.input;
    input.fresh[m] = 1;
    input.openTime[m] = openTime;
    input.open[m] = open;
    input.close[m] = close;
    input.snapshots[m] = feed.state.snapshot();
    const models = this.#models;
    if (input.trade && models && (models.ml || models.rl)) {
      feed.state.features(this.#feature);
      if (isComplete(this.#feature)) {
        this.#rows.set(this.#feature, this.#count * F);
        this.#rowMarket[this.#count++] = m;
      }
    }
  }

  /** Scores the rows collected since begin() in one batch; returns the finished input. */
  async finish(): Promise<StepInput> {
    const models = this.#models;
    const rows = this.#count;
    if (rows > 0 && models) {
      const input = this.input;
      const batch = this.#rows.subarray(0, rows * F);
      const p = models.ml ? await models.ml.predictBatch(batch) : undefined;
      const a = models.rl ? await models.rl.act(batch) : undefined;
      for (let r = 0; r < rows; r++) {
        const m = this.#rowMarket[r]!;
        if (p) input.mlProbability[m] = p[r]!;
        if (a) for (let q = 0; q < 3; q++) input.rlScores[m * 3 + q] = a[r * 3 + q]!;
      }
    }
    return this.input;
  }
}
