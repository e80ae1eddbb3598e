// The last K feature rows of one market, for a sequence model (the LSTM, models/lstm_model.py). It
// keeps exactly what the trainer's `sequences()` feeds: K rows of consecutive 5m candles, each
// complete (the export drops incomplete rows), oldest first. A gap in the 5m series or an
// incomplete row starts the window over, as the trainer never built a sequence across either.
import { TIMEFRAME_MS } from '../market/timeframes.ts';

const STEP_MS = TIMEFRAME_MS['5m'];

export class FeatureWindow {
  readonly length: number;
  readonly width: number;
  readonly #rows: Float32Array;
  /** Rows pushed since the last restart (may exceed `length`: the ring keeps the newest). */
  #count = 0;
  #lastOpen = Number.NaN;

  /** `length` rows of `width` features (FEATURE_NAMES.length). */
  constructor(length: number, width: number) {
    if (!Number.isInteger(length) || length < 1) throw new RangeError(`window length ${length} is not >= 1`);
    this.length = length;
    this.width = width;
    this.#rows = new Float32Array(length * width);
  }

  /** The row of the 5m candle opened at `openTime`; `complete` = every feature finite. */
  push(openTime: number, row: Float32Array, complete: boolean): void {
    if (!complete) {
      this.#count = 0;
      this.#lastOpen = Number.NaN;
      return;
    }
    if (openTime !== this.#lastOpen + STEP_MS) this.#count = 0;
    this.#rows.set(row, (this.#count % this.length) * this.width);
    this.#count++;
    this.#lastOpen = openTime;
  }

  /** Contiguous complete rows held now, at most `length`. */
  get rows(): number {
    return Math.min(this.#count, this.length);
  }

  get ready(): boolean {
    return this.#count >= this.length;
  }

  /** Writes the window, oldest row first, at `out[offset..]` (length x width values); needs `ready`. */
  copyTo(out: Float32Array, offset: number): void {
    const w = this.width;
    const start = this.#count % this.length;
    // The ring's oldest row sits at `start`: the tail [start, length) first, then [0, start).
    out.set(this.#rows.subarray(start * w), offset);
    out.set(this.#rows.subarray(0, start * w), offset + (this.length - start) * w);
  }
}
