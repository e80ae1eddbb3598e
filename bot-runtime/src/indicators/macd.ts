// MACD as TA-Lib's ta_MACD.c computes it, including its quirk: the fast EMA is seeded with the mean
// of the `fast` inputs ending where the slow EMA's seed ends (index slow-1), not of the first `fast`
// inputs. The signal line is an EMA of the MACD line seeded the same way (its first `signal` values).
// Outputs start at index slow + signal - 2 (33 for 12/26/9), NaN before — as TA-Lib.
import { emaInto } from './ema.ts';
import { assertPeriod, emaK, nanArray } from './talib-math.ts';

export interface MacdValue {
  macd: number;
  signal: number;
  hist: number;
}

export interface MacdParams {
  fast: number;
  slow: number;
  signal: number;
}

export const MACD_DEFAULTS: MacdParams = { fast: 12, slow: 26, signal: 9 };

const WARMING: MacdValue = Object.freeze({ macd: Number.NaN, signal: Number.NaN, hist: Number.NaN });

function ordered(params: MacdParams): MacdParams {
  assertPeriod('MACD fast', params.fast, 2);
  assertPeriod('MACD slow', params.slow, 2);
  assertPeriod('MACD signal', params.signal);
  // TA-Lib swaps the periods when slow < fast.
  return params.slow < params.fast ? { fast: params.slow, slow: params.fast, signal: params.signal } : params;
}

export class Macd {
  readonly params: MacdParams;
  readonly #kFast: number;
  readonly #kSlow: number;
  readonly #kSignal: number;
  readonly #recent: Float64Array;
  #count = 0;
  #slowSum = 0;
  #fast = Number.NaN;
  #slow = Number.NaN;
  #macdCount = 0;
  #signalSum = 0;
  #signal = Number.NaN;
  #value: MacdValue = WARMING;

  constructor(fast = MACD_DEFAULTS.fast, slow = MACD_DEFAULTS.slow, signal = MACD_DEFAULTS.signal) {
    this.params = ordered({ fast, slow, signal });
    this.#kFast = emaK(this.params.fast);
    this.#kSlow = emaK(this.params.slow);
    this.#kSignal = emaK(this.params.signal);
    this.#recent = new Float64Array(this.params.fast);
  }

  update(x: number): MacdValue {
    const { fast, slow, signal } = this.params;
    const i = this.#count++;
    if (this.#count <= slow) {
      this.#recent[i % fast] = x;
      this.#slowSum += x;
      if (this.#count < slow) return WARMING;
      this.#slow = this.#slowSum / slow;
      let sum = 0;
      for (let j = i - fast + 1; j <= i; j++) sum += this.#recent[j % fast]!;
      this.#fast = sum / fast;
    } else {
      this.#slow = (x - this.#slow) * this.#kSlow + this.#slow;
      this.#fast = (x - this.#fast) * this.#kFast + this.#fast;
    }
    const macd = this.#fast - this.#slow;
    this.#macdCount++;
    if (this.#macdCount < signal) {
      this.#signalSum += macd;
      return WARMING;
    }
    if (this.#macdCount === signal) {
      this.#signalSum += macd;
      this.#signal = this.#signalSum / signal;
    } else {
      this.#signal = (macd - this.#signal) * this.#kSignal + this.#signal;
    }
    this.#value = { macd, signal: this.#signal, hist: macd - this.#signal };
    return this.#value;
  }

  get value(): MacdValue {
    return this.#value;
  }

  get ready(): boolean {
    return this.#macdCount >= this.params.signal;
  }
}

export interface MacdSeries {
  macd: Float64Array;
  signal: Float64Array;
  hist: Float64Array;
}

export function macdBatch(
  close: Float64Array,
  fastPeriod = MACD_DEFAULTS.fast,
  slowPeriod = MACD_DEFAULTS.slow,
  signalPeriod = MACD_DEFAULTS.signal,
): MacdSeries {
  const { fast, slow, signal } = ordered({ fast: fastPeriod, slow: slowPeriod, signal: signalPeriod });
  const n = close.length;
  const macd = nanArray(n);
  const sig = nanArray(n);
  const hist = nanArray(n);
  const start = slow - 1;
  if (n < start + signal) return { macd, signal: sig, hist };
  const slowEma = nanArray(n);
  const fastEma = nanArray(n);
  emaInto(close, slow, 0, slowEma);
  emaInto(close, fast, start - fast + 1, fastEma);
  const line = nanArray(n);
  for (let i = start; i < n; i++) line[i] = fastEma[i]! - slowEma[i]!;
  emaInto(line, signal, start, sig);
  const first = start + signal - 1;
  for (let i = first; i < n; i++) {
    macd[i] = line[i]!;
    hist[i] = line[i]! - sig[i]!;
  }
  return { macd, signal: sig, hist };
}
