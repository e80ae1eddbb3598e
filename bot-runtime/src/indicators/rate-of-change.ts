// Rate of change in percent over `period` candles, as TA-Lib's ROC: ((x / x[-period]) - 1) * 100,
// 0 when the old value is 0. Layer 2 uses it for momentum (spec.engine.multiTimeframe.momentumPeriod).
import { assertPeriod, nanArray } from './talib-math.ts';

export class RateOfChange {
  readonly period: number;
  readonly #ring: Float64Array;
  #count = 0;
  #slot = 0;
  #value = Number.NaN;

  constructor(period = 10) {
    assertPeriod('ROC', period);
    this.period = period;
    this.#ring = new Float64Array(period);
  }

  update(x: number): number {
    const slot = this.#slot;
    this.#slot = slot + 1 === this.period ? 0 : slot + 1;
    const old = this.#ring[slot]!;
    this.#ring[slot] = x;
    this.#count++;
    if (this.#count <= this.period) return Number.NaN;
    this.#value = old !== 0 ? (x / old - 1) * 100 : 0;
    return this.#value;
  }

  get value(): number {
    return this.#value;
  }

  get ready(): boolean {
    return this.#count > this.period;
  }
}

export function rocBatch(values: Float64Array, period = 10): Float64Array {
  assertPeriod('ROC', period);
  const out = nanArray(values.length);
  for (let i = period; i < values.length; i++) {
    const old = values[i - period]!;
    out[i] = old !== 0 ? (values[i]! / old - 1) * 100 : 0;
  }
  return out;
}
