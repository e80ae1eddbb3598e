// From the candidates' daily equity to the walk-forward verdict: in-sample vs out-of-sample Sharpe
// per window, rank stability across windows, the walk-forward chain (pick the in-sample best of
// each window, trade it out of sample), and the luck adjustment of the winner — deflated Sharpe
// ratio for N candidates and PBO by CSCV (stats.ts, docs/sweep.md). Pure.
import { sharpeRatio } from '../portfolio/metrics.ts';
import { SweepError } from './errors.ts';
import type { CandidateRecord } from './evaluate.ts';
import type { GridSpec } from './grid.ts';
import { deflatedSharpe, type PboResult, pboCscv, returnMoments, spearman, variance } from './stats.ts';
import { type Window, walkForwardWindows } from './windows.ts';

export interface WindowScore {
  /** Annualised daily Sharpe (docs/metrics.md) in the train and the test days. */
  isSharpe: number;
  oosSharpe: number;
  isReturnPct: number;
  oosReturnPct: number;
}

export interface CandidateScore {
  record: CandidateRecord;
  windows: WindowScore[];
  meanIsSharpe: number;
  meanOosSharpe: number;
  /** Compounded return over every test window, in order (the test days of a rolling plan). */
  oosReturnPct: number;
  /** 1 = best mean out-of-sample Sharpe. */
  rank: number;
}

export interface SweepAnalysis {
  days: number[];
  windows: Window[];
  /** In candidate order. */
  candidates: CandidateScore[];
  /** Candidate indices, best first. */
  ranking: number[];
  winner: CandidateScore;
  stability: {
    /** Spearman(in-sample Sharpe, out-of-sample Sharpe) over the candidates, per window. */
    isVsOos: number[];
    /** Spearman of the out-of-sample Sharpes of consecutive windows. */
    consecutiveOos: number[];
    meanIsVsOos: number;
    meanConsecutiveOos: number;
  };
  walkForward: { picks: number[]; oosReturnPct: number };
  deflated: { trials: number; sharpe: number; sr0: number; dsr: number; observations: number };
  pbo: PboResult;
}

export function dailyReturnsOf(r: CandidateRecord): number[] {
  return r.equity.map((e, i) => e / (i === 0 ? r.initialEquity : r.equity[i - 1]!) - 1);
}

function compoundPct(returns: readonly number[]): number {
  return (returns.reduce((g, r) => g * (1 + r), 1) - 1) * 100;
}

function mean(values: readonly number[]): number {
  const v = values.filter(Number.isFinite);
  return v.length > 0 ? v.reduce((s, x) => s + x, 0) / v.length : Number.NaN;
}

/** NaN sorts last; ties keep candidate order. */
function byScoreDesc(score: (i: number) => number) {
  return (a: number, b: number): number => {
    const x = score(a);
    const y = score(b);
    if (Number.isNaN(x) !== Number.isNaN(y)) return Number.isNaN(x) ? 1 : -1;
    return (Number.isNaN(x) ? 0 : y - x) || a - b;
  };
}

export function analyseSweep(records: readonly CandidateRecord[], grid: GridSpec): SweepAnalysis {
  const sorted = [...records].sort((a, b) => a.index - b.index);
  const first = sorted[0];
  if (!first) throw new SweepError('RESULTS', 'no candidate results to analyse');
  const days = first.days;
  for (const r of sorted)
    if (r.days.length !== days.length || r.days[0] !== days[0])
      throw new SweepError(
        'RESULTS',
        `candidate #${r.index} covers other days than candidate #${first.index}: results of different ranges were mixed`,
      );
  const windows = walkForwardWindows(days.length, grid.walkForward);
  const returns = sorted.map(dailyReturnsOf);
  const scores: CandidateScore[] = sorted.map((record, c) => {
    const ret = returns[c]!;
    const ws = windows.map((w) => {
      const train = ret.slice(w.trainStart, w.trainEnd);
      const test = ret.slice(w.testStart, w.testEnd);
      return {
        isSharpe: sharpeRatio(train),
        oosSharpe: sharpeRatio(test),
        isReturnPct: compoundPct(train),
        oosReturnPct: compoundPct(test),
      };
    });
    const testDays = windows.flatMap((w, k) =>
      // Overlapping test windows (step < test) count each day once.
      ret.slice(k === 0 ? w.testStart : Math.max(w.testStart, windows[k - 1]!.testEnd), w.testEnd),
    );
    return {
      record,
      windows: ws,
      meanIsSharpe: mean(ws.map((w) => w.isSharpe)),
      meanOosSharpe: mean(ws.map((w) => w.oosSharpe)),
      oosReturnPct: compoundPct(testDays),
      rank: 0,
    };
  });
  const order = scores.map((_, c) => c).sort(byScoreDesc((c) => scores[c]!.meanOosSharpe));
  order.forEach((c, k) => {
    scores[c]!.rank = k + 1;
  });
  const isVsOos = windows.map((_, k) =>
    spearman(
      scores.map((s) => s.windows[k]!.isSharpe),
      scores.map((s) => s.windows[k]!.oosSharpe),
    ),
  );
  const consecutiveOos = windows.slice(1).map((_, k) =>
    spearman(
      scores.map((s) => s.windows[k]!.oosSharpe),
      scores.map((s) => s.windows[k + 1]!.oosSharpe),
    ),
  );
  const picks = windows.map(
    (_, k) => [...scores.keys()].sort(byScoreDesc((c) => scores[c]!.windows[k]!.isSharpe))[0]!,
  );
  const chain = windows.flatMap((w, k) =>
    returns[picks[k]!]!.slice(
      k === 0 ? w.testStart : Math.max(w.testStart, windows[k - 1]!.testEnd),
      w.testEnd,
    ),
  );
  const winner = scores[order[0]!]!;
  // DSR on the winner's whole record, per-period (daily, not annualised) Sharpe as in the paper.
  const moments = returnMoments(returns[order[0]!]!);
  const trialSharpes = returns.map((r) => returnMoments(r).sharpe);
  const { sr0, dsr } = deflatedSharpe({
    sharpe: moments.sharpe,
    observations: moments.n,
    skew: moments.skew,
    kurtosis: moments.kurtosis,
    trials: sorted.length,
    sharpeVariance: variance(trialSharpes),
  });
  const matrix = days.map((_, t) => returns.map((r) => r[t]!));
  return {
    days,
    windows,
    candidates: scores,
    ranking: order.map((c) => sorted[c]!.index),
    winner,
    stability: {
      isVsOos,
      consecutiveOos,
      meanIsVsOos: mean(isVsOos),
      meanConsecutiveOos: mean(consecutiveOos),
    },
    walkForward: { picks: picks.map((c) => sorted[c]!.index), oosReturnPct: compoundPct(chain) },
    deflated: { trials: sorted.length, sharpe: moments.sharpe, sr0, dsr, observations: moments.n },
    pbo: pboCscv(matrix, cscvPartitionsFor(days.length, grid.cscvPartitions)),
  };
}

/** The largest even S <= the requested one that leaves at least 2 days per group. */
export function cscvPartitionsFor(dayCount: number, requested: number): number {
  let s = requested;
  while (s > 2 && Math.floor(dayCount / s) < 2) s -= 2;
  return s;
}
