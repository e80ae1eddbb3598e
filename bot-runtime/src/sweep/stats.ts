// The luck-adjustment maths of a sweep, as pure functions (definitions cited in docs/sweep.md):
// ranks and Spearman's rho, per-period Sharpe with skewness/kurtosis, the deflated Sharpe ratio
// (Bailey & López de Prado 2014) and the probability of backtest overfitting by combinatorially
// symmetric cross-validation (Bailey, Borwein, López de Prado & Zhu 2015).

/** Euler–Mascheroni constant, in the expected maximum of N Gaussian Sharpe ratios (DSR eq. for SR0). */
const EULER_GAMMA = 0.5772156649015329;

/**
 * Standard normal CDF via erfc (W. J. Cody's rational approximations as in Numerical Recipes'
 * erfcc, |error| < 1.2e-7 — far below the two decimals a DSR is read at).
 */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** Inverse standard normal CDF (Acklam's algorithm, relative error < 1.2e-9). */
export function normalInv(p: number): number {
  if (!(p > 0 && p < 1))
    return p === 0 ? Number.NEGATIVE_INFINITY : p === 1 ? Number.POSITIVE_INFINITY : Number.NaN;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  const tail = (q: number): number =>
    (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
    ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < low) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - low) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** 1-based ranks, ascending; ties share their average rank; NaN ranks lowest (a failed candidate is worst). */
export function ranks(values: readonly number[]): number[] {
  const order = values
    .map((v, i) => ({ v: Number.isNaN(v) ? Number.NEGATIVE_INFINITY : v, i }))
    .sort((x, y) => x.v - y.v || x.i - y.i);
  const out = new Array<number>(values.length);
  for (let s = 0; s < order.length; ) {
    let e = s;
    while (e + 1 < order.length && order[e + 1]!.v === order[s]!.v) e++;
    const avg = (s + e) / 2 + 1;
    for (let k = s; k <= e; k++) out[order[k]!.i] = avg;
    s = e + 1;
  }
  return out;
}

/** Spearman's rho: Pearson correlation of the (tie-averaged) ranks. NaN when either side is constant. */
export function spearman(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length || x.length < 2) return Number.NaN;
  const rx = ranks(x);
  const ry = ranks(y);
  const n = rx.length;
  const mx = rx.reduce((s, v) => s + v, 0) / n;
  const my = ry.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (rx[i]! - mx) * (ry[i]! - my);
    sxx += (rx[i]! - mx) ** 2;
    syy += (ry[i]! - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
}

export interface ReturnMoments {
  n: number;
  mean: number;
  /** Sample standard deviation (n - 1). */
  sd: number;
  /** Per-period Sharpe ratio mean / sd (not annualised). */
  sharpe: number;
  /** Skewness gamma3 (population moments, as in the DSR paper). */
  skew: number;
  /** Kurtosis gamma4, NOT excess (a normal distribution has 3). */
  kurtosis: number;
}

export function returnMoments(returns: readonly number[]): ReturnMoments {
  const n = returns.length;
  const mean = n > 0 ? returns.reduce((s, r) => s + r, 0) / n : Number.NaN;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const r of returns) {
    const d = r - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  const sd = n > 1 ? Math.sqrt(m2 / (n - 1)) : Number.NaN;
  const pop = n > 0 ? m2 / n : Number.NaN;
  return {
    n,
    mean,
    sd,
    sharpe: sd > 0 ? mean / sd : Number.NaN,
    skew: pop > 0 ? m3 / n / pop ** 1.5 : Number.NaN,
    kurtosis: pop > 0 ? m4 / n / pop ** 2 : Number.NaN,
  };
}

/** Sample variance (n - 1) of the finite values. */
export function variance(values: readonly number[]): number {
  const v = values.filter(Number.isFinite);
  if (v.length < 2) return Number.NaN;
  const m = v.reduce((s, x) => s + x, 0) / v.length;
  return v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1);
}

/**
 * SR0, the Sharpe ratio the best of N independent trials reaches by luck alone (Bailey & López de
 * Prado 2014, eq. for E[max SR]): sqrt(V[SR_n]) ((1 - gamma) Z^-1(1 - 1/N) + gamma Z^-1(1 - 1/(N e))).
 * Inputs and output are per-period (not annualised) Sharpe ratios.
 */
export function expectedMaxSharpe(trials: number, sharpeVariance: number): number {
  if (trials < 2 || !(sharpeVariance >= 0)) return 0;
  return (
    Math.sqrt(sharpeVariance) *
    ((1 - EULER_GAMMA) * normalInv(1 - 1 / trials) + EULER_GAMMA * normalInv(1 - 1 / (trials * Math.E)))
  );
}

/**
 * Probabilistic Sharpe ratio PSR(SR*) = Z((SR - SR*) sqrt(T - 1) / sqrt(1 - g3 SR + (g4 - 1)/4 SR^2)):
 * the probability that the true Sharpe exceeds SR*, given T returns with skew g3 and kurtosis g4.
 */
export function probabilisticSharpe(
  sharpe: number,
  benchmark: number,
  observations: number,
  skew: number,
  kurtosis: number,
): number {
  const denom = 1 - skew * sharpe + ((kurtosis - 1) / 4) * sharpe * sharpe;
  if (!(observations > 1) || !(denom > 0) || !Number.isFinite(sharpe)) return Number.NaN;
  return normalCdf(((sharpe - benchmark) * Math.sqrt(observations - 1)) / Math.sqrt(denom));
}

/** The deflated Sharpe ratio: PSR against SR0 = expectedMaxSharpe(N, V[SR_n]). */
export function deflatedSharpe(args: {
  sharpe: number;
  observations: number;
  skew: number;
  kurtosis: number;
  trials: number;
  sharpeVariance: number;
}): { sr0: number; dsr: number } {
  const sr0 = expectedMaxSharpe(args.trials, args.sharpeVariance);
  return {
    sr0,
    dsr: probabilisticSharpe(args.sharpe, sr0, args.observations, args.skew, args.kurtosis),
  };
}

/** Every way to pick k of 0..n-1, in lexicographic order. */
export function combinations(n: number, k: number): number[][] {
  const out: number[][] = [];
  const pick: number[] = [];
  const walk = (start: number): void => {
    if (pick.length === k) {
      out.push([...pick]);
      return;
    }
    for (let i = start; i <= n - (k - pick.length); i++) {
      pick.push(i);
      walk(i + 1);
      pick.pop();
    }
  };
  walk(0);
  return out;
}

export interface PboResult {
  /** Share of the C(S, S/2) splits whose in-sample best ranks at or below the out-of-sample median. */
  pbo: number;
  /** logit(relative OOS rank) of the in-sample best, per split. */
  logits: number[];
  partitions: number;
}

/**
 * PBO by CSCV: `returns[t][n]` is period t's return of candidate n. The T rows are cut into S equal
 * groups (the trailing T mod S rows are dropped); each half of the groups is in-sample once, its
 * complement out-of-sample; performance = per-period Sharpe. With the in-sample best n*, the
 * relative rank w = rank_OOS(n*) / (N + 1) and lambda = ln(w / (1 - w)); PBO = P(lambda <= 0).
 */
export function pboCscv(returns: readonly (readonly number[])[], partitions: number): PboResult {
  const S = partitions;
  const N = returns[0]?.length ?? 0;
  const size = Math.floor(returns.length / S);
  if (S < 2 || S % 2 !== 0 || size < 2 || N < 2) return { pbo: Number.NaN, logits: [], partitions: S };
  const groups = Array.from({ length: S }, (_, g) => returns.slice(g * size, (g + 1) * size));
  const sharpeOf = (rows: readonly (readonly number[])[]): number[] =>
    Array.from({ length: N }, (_, n) => returnMoments(rows.map((r) => r[n]!)).sharpe);
  const logits: number[] = [];
  for (const inSample of combinations(S, S / 2)) {
    const isRows = inSample.flatMap((g) => groups[g]!);
    const oosRows = groups.flatMap((rows, g) => (inSample.includes(g) ? [] : rows));
    const isPerf = sharpeOf(isRows);
    const oosRanks = ranks(sharpeOf(oosRows));
    let best = 0;
    for (let n = 1; n < N; n++) if (nanLow(isPerf[n]!) > nanLow(isPerf[best]!)) best = n;
    const w = oosRanks[best]! / (N + 1);
    logits.push(Math.log(w / (1 - w)));
  }
  return { pbo: logits.filter((l) => l <= 0).length / logits.length, logits, partitions: S };
}

function nanLow(v: number): number {
  return Number.isNaN(v) ? Number.NEGATIVE_INFINITY : v;
}
