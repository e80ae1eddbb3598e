// RSI with Wilder's smoothing exactly as TA-Lib's ta_RSI.c (default, non-Metastock): the first average
// gain/loss is the plain mean of the first `period` changes, then avg = (avg * (period - 1) + change)
// / period; RSI = 100 * gain / (gain + loss), 0 when both are (TA_IS_ZERO) zero. `technicalindicators`
// is not used here: its RSI rounds to 2 decimals (71.85 where TA-Lib and this give 71.8544719555331),
// so it cannot match TA-Lib to 1e-9, and it is slow — over 420,480 candles (4 markets x 1 year of
// 5m) it took 597 ms against 9.5 ms for rsiBatch (median of 3-5 runs, same process, on the shared
// 2-core machine under load, so both absolute figures are inflated).
import { assertPeriod, isZero, nanArray } from './talib-math.ts';

export class Rsi {
  readonly period: number;
  #count = 0;
  #prev = Number.NaN;
  #gain = 0;
  #loss = 0;
  #value = Number.NaN;

  constructor(period = 14) {
    assertPeriod('RSI', period);
    this.period = period;
  }

  update(x: number): number {
    const p = this.period;
    this.#count++;
    if (this.#count === 1) {
      this.#prev = x;
      return Number.NaN;
    }
    const change = x - this.#prev;
    this.#prev = x;
    if (this.#count <= p + 1) {
      if (change < 0) this.#loss -= change;
      else this.#gain += change;
      if (this.#count < p + 1) return Number.NaN;
      this.#loss /= p;
      this.#gain /= p;
    } else {
      this.#loss *= p - 1;
      this.#gain *= p - 1;
      if (change < 0) this.#loss -= change;
      else this.#gain += change;
      this.#loss /= p;
      this.#gain /= p;
    }
    const total = this.#gain + this.#loss;
    this.#value = isZero(total) ? 0 : 100 * (this.#gain / total);
    return this.#value;
  }

  get value(): number {
    return this.#value;
  }

  get ready(): boolean {
    return this.#count > this.period;
  }
}

export function rsiBatch(close: Float64Array, period = 14): Float64Array {
  assertPeriod('RSI', period);
  const n = close.length;
  const out = nanArray(n);
  if (n <= period) return out;
  let gain = 0;
  let loss = 0;
  let prev = close[0]!;
  for (let i = 1; i <= period; i++) {
    const change = close[i]! - prev;
    prev = close[i]!;
    if (change < 0) loss -= change;
    else gain += change;
  }
  loss /= period;
  gain /= period;
  let total = gain + loss;
  out[period] = isZero(total) ? 0 : 100 * (gain / total);
  for (let i = period + 1; i < n; i++) {
    const change = close[i]! - prev;
    prev = close[i]!;
    loss *= period - 1;
    gain *= period - 1;
    if (change < 0) loss -= change;
    else gain += change;
    loss /= period;
    gain /= period;
    total = gain + loss;
    out[i] = isZero(total) ? 0 : 100 * (gain / total);
  }
  return out;
}
