import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES } from './features.ts';
import { PROBABILITY_SUM_TOLERANCE, policyOutputProblem, probeRows } from './rl-checks.ts';

const LABELS = ['row a', 'row b'];

describe('policyOutputProblem', () => {
  it.each([
    ['softmax rows', [0.2, 0.5, 0.3, 1, 0, 0], undefined],
    ['a sum just inside the tolerance', [0.2, 0.5, 0.3 + PROBABILITY_SUM_TOLERANCE / 2, 1, 0, 0], undefined],
    [
      'a sum just outside it',
      [0.2, 0.5, 0.3 + PROBABILITY_SUM_TOLERANCE * 2, 1, 0, 0],
      /row a sum to 1\.0002/,
    ],
    ['logits', [2, -1, 0.5, 0, 0, 1], /2\.0000 on the row a is not a probability/],
    ['negative', [1.2, -0.2, 0, 1, 0, 0], /not a probability/],
    ['NaN', [0.2, 0.5, 0.3, Number.NaN, 0.5, 0.5], /row b is NaN/],
    ['width 2', [0.5, 0.5, 0.5, 0.5], /2 values per row/],
    ['width 4', [0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25], /4 values per row/],
  ])('%s', (_name, out, problem) => {
    const got = policyOutputProblem(out, LABELS, 3);
    if (problem === undefined) expect(got).toBeUndefined();
    else expect(got).toMatch(problem);
  });
});

describe('probeRows', () => {
  it('an all-zero row and a quiet-market row in FEATURE_NAMES order', () => {
    const { labels, rows } = probeRows();
    const F = FEATURE_NAMES.length;
    expect(labels).toHaveLength(2);
    expect(rows).toHaveLength(2 * F);
    expect(rows.subarray(0, F).every((v) => v === 0)).toBe(true);
    const quiet = rows.subarray(F);
    expect(quiet[FEATURE_NAMES.indexOf('rsi')]).toBe(0.5);
    expect(quiet[FEATURE_NAMES.indexOf('bb_percent_b')]).toBe(0.5);
    expect(quiet[FEATURE_NAMES.indexOf('volume_ratio_log1p')]).toBeCloseTo(Math.log(2), 6);
    expect(quiet[FEATURE_NAMES.indexOf('ret_1_pct')]).toBe(0);
  });
});
