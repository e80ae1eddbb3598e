// The checks an RL policy passes before the runtime trades on it (issue 9: "a policy that fails its
// checks is refused with a clear message"). OnnxModel.load (C's loader) already checks the input
// shape, the declared output width and the metadata contract (kind `policy`, FEATURE_NAMES in
// order); what only running the graph can show is checked here, on fixed probe rows: the output
// has 3 values per row, every value is a probability (finite, in [0, 1]) and each row sums to 1.
// A policy emitting logits or scores instead of softmax probabilities would pass the shape checks
// and then trade on numbers rlSignal reads as confidences — so it is refused at load.
import { FEATURE_NAMES } from './features.ts';

/** Float32 softmax rows sum to 1 within ~1e-6; 1e-4 leaves room for a graph's op order, no more. */
export const PROBABILITY_SUM_TOLERANCE = 1e-4;

/**
 * Values of a quiet market for each feature (features.ts definitions): RSI 50 -> 0.5, price in the
 * middle of the Bollinger band -> %B 0.5, volume at its average -> log1p(1), trend RSI 50 -> 0.5;
 * every return, body, range, MACD and trend percentage 0. Unlisted features probe at 0.
 */
const QUIET_MARKET: Readonly<Record<string, number>> = {
  rsi: 0.5,
  bb_percent_b: 0.5,
  volume_ratio_log1p: Math.log1p(1),
  trend_rsi: 0.5,
};

/** Probe rows, row-major: an all-zero row and a quiet-market row (each a row a policy must handle). */
export function probeRows(names: readonly string[] = FEATURE_NAMES): {
  labels: string[];
  rows: Float32Array;
} {
  const rows = new Float32Array(2 * names.length);
  names.forEach((name, i) => {
    rows[names.length + i] = QUIET_MARKET[name] ?? 0;
  });
  return { labels: ['all-zero row', 'quiet-market row'], rows };
}

/** The first failure of `out` (the policy's output for the probe rows) in words, or undefined. */
export function policyOutputProblem(
  out: ArrayLike<number>,
  labels: readonly string[],
  width: number,
): string | undefined {
  if (out.length !== labels.length * width) {
    const perRow = out.length / labels.length;
    return `output has ${Number.isInteger(perRow) ? perRow : out.length} values per row, a policy outputs ${width} probabilities [HOLD, BUY, SELL]`;
  }
  for (let r = 0; r < labels.length; r++) {
    let sum = 0;
    for (let k = 0; k < width; k++) {
      const p = out[r * width + k]!;
      if (!Number.isFinite(p))
        return `output on the ${labels[r]} is ${p} (not a number): the graph is broken`;
      if (p < 0 || p > 1)
        return `output ${p.toFixed(4)} on the ${labels[r]} is not a probability: end the graph with Softmax over [HOLD, BUY, SELL]`;
      sum += p;
    }
    if (Math.abs(sum - 1) > PROBABILITY_SUM_TOLERANCE)
      return `probabilities on the ${labels[r]} sum to ${sum.toFixed(4)}, not 1: end the graph with Softmax over [HOLD, BUY, SELL]`;
  }
  return undefined;
}
