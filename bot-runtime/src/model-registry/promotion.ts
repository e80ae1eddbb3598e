// Promotion, not replacement (issue 9): a freshly trained model replaces the serving one only when
// it beats it on the latest hold-out window by spec.ml.retrain.promotionMargin. Both are scored on
// the same rows by the trainer (models/retrain.py: hold-out AUC), so the comparison is like for like.
// A model must also beat the naive baseline (AUC 0.5: a constant prediction) by the same margin —
// with no serving model yet, "better than nothing" is not enough to trade on — and must not lose to
// it in log loss: the arms act on p(up) thresholds (spec.ml.buyAbove...), so a model that ranks well
// but is worse calibrated than the constant base rate would trade on wrong probabilities (measured:
// an LSTM with hold-out AUC 0.561 had log loss 0.661 against the naive 0.654).

/** AUC of a constant prediction: the naive baseline every candidate must clear. */
export const NAIVE_AUC = 0.5;

export interface PromotionInput {
  /** Hold-out AUC of the fresh model. */
  candidateScore: number;
  /** Hold-out log loss of the fresh model and of the naive baseline (train base rate) on the same rows. */
  candidateLogLoss?: number;
  naiveLogLoss?: number;
  /** Hold-out AUC of the serving model on the same rows; undefined when none is served. */
  currentScore: number | undefined;
  /** Why the serving model has no score (e.g. it could not be run on the rows); it is then replaced. */
  currentUnscorable?: string;
  /** Version (or file) of the serving model, for the reason. */
  currentLabel?: string;
  /** spec.ml.retrain.promotionMargin. */
  margin: number;
}

export interface PromotionDecision {
  promote: boolean;
  reason: string;
}

const f4 = (x: number): string => x.toFixed(4);

export function decidePromotion(input: PromotionInput): PromotionDecision {
  const { candidateScore: s, margin } = input;
  if (!Number.isFinite(s)) return { promote: false, reason: 'the candidate has no finite hold-out score' };
  if (s < NAIVE_AUC + margin) {
    return {
      promote: false,
      reason: `hold-out AUC ${f4(s)} does not beat the naive baseline ${f4(NAIVE_AUC)} by the margin ${margin}`,
    };
  }
  const { candidateLogLoss: ll, naiveLogLoss: naive } = input;
  if (ll !== undefined && naive !== undefined && !(ll <= naive)) {
    return {
      promote: false,
      reason: `hold-out log loss ${f4(ll)} is worse than the naive baseline's ${f4(naive)} (miscalibrated p(up))`,
    };
  }
  const current = input.currentLabel ?? 'the serving model';
  if (input.currentScore === undefined) {
    return {
      promote: true,
      reason: input.currentUnscorable
        ? `${current} could not be scored on the hold-out window (${input.currentUnscorable}); hold-out AUC ${f4(s)} beats the naive baseline by ${margin} or more`
        : `no serving model; hold-out AUC ${f4(s)} beats the naive baseline by ${margin} or more`,
    };
  }
  const c = input.currentScore;
  if (s >= c + margin) {
    return {
      promote: true,
      reason: `hold-out AUC ${f4(s)} beats ${current} (${f4(c)}) by ${f4(s - c)} >= margin ${margin}`,
    };
  }
  return {
    promote: false,
    reason: `hold-out AUC ${f4(s)} does not beat ${current} (${f4(c)}) by the margin ${margin} (difference ${f4(s - c)})`,
  };
}
