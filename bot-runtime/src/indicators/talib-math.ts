// Numeric conventions copied from TA-Lib's C code (ta_utility.h) so results match it to the last bit
// where the operation order is the same.

/** TA-Lib's PER_TO_K: the EMA smoothing factor 2 / (period + 1). */
export function emaK(period: number): number {
  return 2 / (period + 1);
}

/** TA_IS_ZERO: |v| < 1e-8 counts as zero (RSI with no movement). */
export function isZero(v: number): boolean {
  return -0.00000001 < v && v < 0.00000001;
}

/** TA_IS_ZERO_OR_NEG: v < 1e-8 (variance rounding to a tiny or negative value). */
export function isZeroOrNeg(v: number): boolean {
  return v < 0.00000001;
}

export function assertPeriod(name: string, period: number, min = 1): void {
  if (!Number.isInteger(period) || period < min) {
    throw new RangeError(`${name} period must be an integer >= ${min}, got ${period}`);
  }
}

/** A Float64Array of `n` NaNs: batch outputs are NaN during the warm-up, like TA-Lib's Python wrapper. */
export function nanArray(n: number): Float64Array {
  return new Float64Array(n).fill(Number.NaN);
}
