// A fixed-capacity ring of the newest closed candles of one timeframe (the SPEC's history window).
import type { Candle, Timeframe } from '../types.ts';
import type { CandleFields, CandleSeries } from './series.ts';
import { TIMEFRAME_MS } from './timeframes.ts';

export class CandleWindow {
  readonly market: string;
  readonly timeframe: Timeframe;
  readonly capacity: number;
  #start = 0;
  #length = 0;
  /** Slot the next candle goes to. */
  #next = 0;
  readonly #openTime: Float64Array;
  readonly #open: Float64Array;
  readonly #high: Float64Array;
  readonly #low: Float64Array;
  readonly #close: Float64Array;
  readonly #volume: Float64Array;
  readonly #quoteVolume: Float64Array;

  constructor(market: string, timeframe: Timeframe, capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`history window for ${timeframe} must be a positive integer, got ${capacity}`);
    }
    this.market = market;
    this.timeframe = timeframe;
    this.capacity = capacity;
    this.#openTime = new Float64Array(capacity);
    this.#open = new Float64Array(capacity);
    this.#high = new Float64Array(capacity);
    this.#low = new Float64Array(capacity);
    this.#close = new Float64Array(capacity);
    this.#volume = new Float64Array(capacity);
    this.#quoteVolume = new Float64Array(capacity);
  }

  get length(): number {
    return this.#length;
  }

  push(c: CandleFields): void {
    // Slots advance by increment-and-wrap (no modulo: this runs for every candle of a backtest).
    const slot = this.#next;
    this.#next = slot + 1 === this.capacity ? 0 : slot + 1;
    if (this.#length < this.capacity) this.#length++;
    else this.#start = this.#next;
    this.#openTime[slot] = c.openTime;
    this.#open[slot] = c.open;
    this.#high[slot] = c.high;
    this.#low[slot] = c.low;
    this.#close[slot] = c.close;
    this.#volume[slot] = c.volume;
    this.#quoteVolume[slot] = c.quoteVolume;
  }

  /** Candle i, 0 = oldest held, length-1 = newest. */
  at(i: number): Candle | undefined {
    if (i < 0 || i >= this.#length) return undefined;
    const s = (this.#start + i) % this.capacity;
    return {
      market: this.market,
      timeframe: this.timeframe,
      openTime: this.#openTime[s]!,
      open: this.#open[s]!,
      high: this.#high[s]!,
      low: this.#low[s]!,
      close: this.#close[s]!,
      volume: this.#volume[s]!,
      quoteVolume: this.#quoteVolume[s]!,
    };
  }

  latest(): Candle | undefined {
    return this.at(this.#length - 1);
  }

  /** Copies the held candles, oldest first, into a CandleSeries. */
  toSeries(): CandleSeries {
    const n = this.#length;
    const pick = (ring: Float64Array): Float64Array => {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = ring[(this.#start + i) % this.capacity]!;
      return out;
    };
    return {
      market: this.market,
      timeframe: this.timeframe,
      length: n,
      openTime: pick(this.#openTime),
      open: pick(this.#open),
      high: pick(this.#high),
      low: pick(this.#low),
      close: pick(this.#close),
      volume: pick(this.#volume),
      quoteVolume: pick(this.#quoteVolume),
    };
  }

  /**
   * Candles missing inside the span the window covers (gaps the source left). Zero means the window
   * is contiguous; together with `length === capacity` it means the timeframe is complete.
   */
  get missing(): number {
    if (this.#length < 2) return 0;
    const first = this.#openTime[this.#start]!;
    const last = this.#openTime[(this.#start + this.#length - 1) % this.capacity]!;
    return (last - first) / TIMEFRAME_MS[this.timeframe] + 1 - this.#length;
  }

  get complete(): boolean {
    return this.#length === this.capacity && this.missing === 0;
  }
}
