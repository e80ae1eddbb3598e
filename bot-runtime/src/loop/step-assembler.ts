// One step's input for TradingCore, assembled the same way by every wall-clock runner (paper from a
// MarketSource, live from the exchange's candles): which markets have a fresh 5m candle, their
// snapshots, and — only when an arm reads a model — their model inputs (./batch-models.ts, the
// same capture as the backtest's), scored as one batch (one onnxruntime call per step, not per
// market). Warm-up steps feed a sequence model's windows too, so its first traded step has them.
import { type BatchModels, ModelInputs } from './batch-models.ts';
import type { MarketFeed } from './market-feed.ts';
import { newStepInput, type StepInput } from './trading-core.ts';

export class StepAssembler {
  readonly input: StepInput;
  readonly #models: BatchModels | undefined;
  readonly #inputs: ModelInputs | undefined;
  readonly #markets: number;

  constructor(markets: number, models: BatchModels | undefined) {
    this.#markets = markets;
    this.#models = models;
    // One slot per market: a step is a block of one.
    this.#inputs = models && (models.ml || models.rl) ? new ModelInputs(markets, markets, models) : undefined;
    this.input = newStepInput(markets);
  }

  /** Starts the step that decides at `time` (the close of the candles opened at time - 5m). */
  begin(time: number, trade: boolean): void {
    const input = this.input;
    input.time = time;
    input.trade = trade;
    for (let m = 0; m < this.#markets; m++) {
      input.fresh[m] = 0;
      input.mlProbability[m] = Number.NaN;
      input.mlUnavailable[m] = undefined;
      for (let q = 0; q < 3; q++) input.rlScores[m * 3 + q] = Number.NaN;
      this.#inputs?.skip(m);
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
    this.#inputs?.capture(m, m, feed.state, openTime, input.trade);
  }

  /** Scores the inputs collected since begin() in one batch; returns the finished input. */
  async finish(): Promise<StepInput> {
    const inputs = this.#inputs;
    const models = this.#models;
    if (inputs && models && this.input.trade) {
      await inputs.infer(models, this.#markets, this.input.mlProbability, this.input.rlScores);
      for (let m = 0; m < this.#markets; m++) this.input.mlUnavailable[m] = inputs.mlUnavailable(m);
    }
    return this.input;
  }
}
