// Simple moving average with TA-Lib's running sum (ta_SMA.c): add the newest, divide, then drop the
// oldest — the same operation order, so the streaming and batch forms equal TA-Lib bit for bit.
import { assertPeriod, nanArray } from './talib-math.ts';

export class Sma {
  readonly period: number;
  readonly #ring: Float64Array;
  #count = 0;
  #slot = 0;
  #total = 0;
  #value = Number.NaN;

  constructor(period: number) {
    assertPeriod('SMA', period);
    this.period = period;
    this.#ring = new Float64Array(period);
  }

  /** Feeds one value; returns the average of the last `period` values (NaN until there are that many). */
  update(x: number): number {
    const p = this.period;
    // Ring index kept by increment-and-wrap: a modulo by a variable costs more than the rest.
    const slot = this.#slot;
    this.#slot = slot + 1 === p ? 0 : slot + 1;
    this.#count++;
    this.#ring[slot] = x;
    this.#total += x;
    if (this.#count < p) return Number.NaN;
    this.#value = this.#total / p;
    // The oldest value leaves the sum after the division, as in ta_SMA.c; it sits in the next slot.
    this.#total -= this.#ring[this.#slot]!;
    return this.#value;
  }

  get value(): number {
    return this.#value;
  }

  get ready(): boolean {
    return this.#count >= this.period;
  }
}

export function smaBatch(values: Float64Array, period: number): Float64Array {
  assertPeriod('SMA', period);
  const n = values.length;
  const out = nanArray(n);
  if (n < period) return out;
  let total = 0;
  for (let i = 0; i < period - 1; i++) total += values[i]!;
  let trailing = 0;
  for (let i = period - 1; i < n; i++) {
    total += values[i]!;
    out[i] = total / period;
    total -= values[trailing++]!;
  }
  return out;
}
