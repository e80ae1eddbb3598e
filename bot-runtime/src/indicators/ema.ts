// Exponential moving average seeded like TA-Lib (ta_EMA.c, default compatibility): the first value
// is the simple average of the first `period` inputs, then prev + (x - prev) * 2 / (period + 1).
import { assertPeriod, emaK, nanArray } from './talib-math.ts';

export class Ema {
  readonly period: number;
  readonly #k: number;
  #count = 0;
  #seedSum = 0;
  #value = Number.NaN;

  constructor(period: number) {
    assertPeriod('EMA', period);
    this.period = period;
    this.#k = emaK(period);
  }

  update(x: number): number {
    this.#count++;
    if (this.#count < this.period) {
      this.#seedSum += x;
      return Number.NaN;
    }
    if (this.#count === this.period) {
      this.#seedSum += x;
      this.#value = this.#seedSum / this.period;
    } else {
      this.#value = (x - this.#value) * this.#k + this.#value;
    }
    return this.#value;
  }

  get value(): number {
    return this.#value;
  }

  get ready(): boolean {
    return this.#count >= this.period;
  }
}

/**
 * EMA of values[from..] seeded with the mean of values[seedStart..seedStart+period-1]; output from
 * index seedStart+period-1. TA-Lib's MACD seeds its fast EMA late this way (see macd.ts).
 */
export function emaInto(values: Float64Array, period: number, seedStart: number, out: Float64Array): void {
  const k = emaK(period);
  const first = seedStart + period - 1;
  if (first >= values.length) return;
  let sum = 0;
  for (let i = seedStart; i <= first; i++) sum += values[i]!;
  let prev = sum / period;
  out[first] = prev;
  for (let i = first + 1; i < values.length; i++) {
    prev = (values[i]! - prev) * k + prev;
    out[i] = prev;
  }
}

export function emaBatch(values: Float64Array, period: number): Float64Array {
  assertPeriod('EMA', period);
  const out = nanArray(values.length);
  emaInto(values, period, 0, out);
  return out;
}
