import { describe, expect, it } from 'vitest';
import { decidePromotion } from './promotion.ts';

describe('decidePromotion: promotion, not replacement', () => {
  it.each([
    // candidate, current, margin, promote, reason
    [0.56, 0.55, 0.01, true, /beats v1 \(0.5500\) by 0.0100 >= margin 0.01/],
    [0.559, 0.55, 0.01, false, /does not beat v1 \(0.5500\) by the margin 0.01/],
    [0.5, 0.55, 0.01, false, /does not beat the naive baseline/],
    [0.505, undefined, 0.01, false, /does not beat the naive baseline 0.5000 by the margin 0.01/],
    [0.53, undefined, 0.01, true, /no serving model/],
    [0.53, 0.53, 0, true, /by 0.0000 >= margin 0/],
    [Number.NaN, 0.5, 0.01, false, /no finite hold-out score/],
  ])(
    'candidate %s vs current %s, margin %s -> promote %s',
    (candidateScore, currentScore, margin, promote, reason) => {
      const d = decidePromotion({ candidateScore, currentScore, margin, currentLabel: 'v1' });
      expect(d.promote).toBe(promote);
      expect(d.reason).toMatch(reason);
    },
  );

  it('keeps a model whose log loss is worse than the naive baseline, however well it ranks', () => {
    const d = decidePromotion({
      candidateScore: 0.58,
      currentScore: 0.5,
      margin: 0.01,
      candidateLogLoss: 0.661,
      naiveLogLoss: 0.654,
    });
    expect(d).toEqual({
      promote: false,
      reason: expect.stringMatching(/log loss 0.6610 is worse than the naive baseline's 0.6540/),
    });
    expect(
      decidePromotion({
        candidateScore: 0.58,
        currentScore: 0.5,
        margin: 0.01,
        candidateLogLoss: 0.65,
        naiveLogLoss: 0.654,
      }).promote,
    ).toBe(true);
  });

  it('replaces a serving model that could not be scored, saying why', () => {
    const d = decidePromotion({
      candidateScore: 0.54,
      currentScore: undefined,
      currentUnscorable: 'input shape differs',
      currentLabel: 'v1',
      margin: 0.01,
    });
    expect(d).toEqual({
      promote: true,
      reason: expect.stringMatching(/v1 could not be scored .*input shape differs/),
    });
  });
});
