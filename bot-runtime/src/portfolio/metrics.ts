// Per-arm performance metrics with one definition each (written out in docs/metrics.md, which a
// user can look up; freqtrade-style "every backtest number has a definition"). Pure functions over
// the equity curve and the round trips, shared by backtest reports and the live status.
import type { RoundTrip } from './arm.ts';
import { kstDay } from './risk.ts';

const DAY_MS = 86_400_000;
/** Crypto trades every calendar day, so daily Sharpe is annualised with sqrt(365), not sqrt(252). */
const TRADING_DAYS_PER_YEAR = 365;

export interface ArmMetrics {
  /** Round trips (entry + exit) closed in the period. ONE round trip = ONE trade. */
  trades: number;
  /** Orders filled (entries + exits, including exits still open at the end as entries). */
  orders: number;
  /** Positions still open at the end (not counted as trades). */
  openPositions: number;
  /** Mean signal confidence of every filled order, 0..1. */
  avgConfidence: number;
  /** Share of trades with pnl > 0 after both fees, 0..1. NaN with no trades. */
  winRate: number;
  /** (final equity / initial equity - 1) x 100, open positions marked at the last close. */
  returnPct: number;
  /** Deepest fall of equity from its running peak, in % (<= 0). */
  maxDrawdownPct: number;
  /** mean / sample stdev of KST-daily returns x sqrt(365). NaN with fewer than 2 days or no variance. */
  sharpe: number;
  /** Time-weighted mean of (position value / equity) x 100 over every decision step. */
  exposurePct: number;
  /** KST days on which the daily loss limit was hit. */
  dailyLossBreaches: number;
  realisedPnl: number;
  feesPaid: number;
  initialEquity: number;
  finalEquity: number;
  /** Length of the period in days (first to last decision). */
  days: number;
  /** Derived rates for the SPEC's weekly and monthly criteria (linear for counts, compounded for returns). */
  tradesPerWeek: number;
  tradesPerMonth: number;
  weeklyReturnPct: number;
  monthlyReturnPct: number;
  dailyReturns: { date: string; returnPct: number }[];
}

/** Deepest peak-to-trough fall in %, as a negative number (0 when equity never fell). */
export function maxDrawdownPct(equity: ArrayLike<number>, n = equity.length): number {
  let peak = Number.NEGATIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const e = equity[i]!;
    if (e > peak) peak = e;
    const dd = (e / peak - 1) * 100;
    if (dd < worst) worst = dd;
  }
  return worst;
}

/**
 * Returns per KST calendar day: the last equity of each day against the last equity of the day
 * before (the first day against the initial equity). Days with no sample carry no return.
 */
export function dailyReturns(
  times: ArrayLike<number>,
  equity: ArrayLike<number>,
  n: number,
  initialEquity: number,
): { day: number; ret: number }[] {
  const out: { day: number; ret: number }[] = [];
  let prev = initialEquity;
  for (let i = 0; i < n; i++) {
    const day = kstDay(times[i]!);
    const lastOfDay = i === n - 1 || kstDay(times[i + 1]!) !== day;
    if (lastOfDay) {
      out.push({ day, ret: equity[i]! / prev - 1 });
      prev = equity[i]!;
    }
  }
  return out;
}

/** Annualised Sharpe of daily returns (risk-free rate 0): mean / sample stdev x sqrt(365). */
export function sharpeRatio(returns: readonly number[]): number {
  const n = returns.length;
  if (n < 2) return Number.NaN;
  let mean = 0;
  for (const r of returns) mean += r;
  mean /= n;
  let v = 0;
  for (const r of returns) v += (r - mean) ** 2;
  const sd = Math.sqrt(v / (n - 1));
  return sd > 0 ? (mean / sd) * Math.sqrt(TRADING_DAYS_PER_YEAR) : Number.NaN;
}

export function winRate(trips: readonly RoundTrip[]): number {
  if (trips.length === 0) return Number.NaN;
  let wins = 0;
  for (const t of trips) if (t.pnl > 0) wins++;
  return wins / trips.length;
}

/** Compounds a period return to another horizon: (1 + r)^(horizon / days) - 1, in %. */
export function compoundTo(returnPct: number, days: number, horizonDays: number): number {
  if (!(days > 0)) return Number.NaN;
  return ((1 + returnPct / 100) ** (horizonDays / days) - 1) * 100;
}

export interface ArmRecord {
  times: ArrayLike<number>;
  equity: ArrayLike<number>;
  n: number;
  initialEquity: number;
  roundTrips: readonly RoundTrip[];
  orders: number;
  openPositions: number;
  confidenceSum: number;
  exposureSum: number;
  dailyLossBreaches: number;
  realisedPnl: number;
  feesPaid: number;
}

export function armMetrics(r: ArmRecord): ArmMetrics {
  const final = r.n > 0 ? r.equity[r.n - 1]! : r.initialEquity;
  const days = r.n > 1 ? (r.times[r.n - 1]! - r.times[0]!) / DAY_MS : 0;
  const returnPct = (final / r.initialEquity - 1) * 100;
  const daily = dailyReturns(r.times, r.equity, r.n, r.initialEquity);
  const trades = r.roundTrips.length;
  return {
    trades,
    orders: r.orders,
    openPositions: r.openPositions,
    avgConfidence: r.orders > 0 ? r.confidenceSum / r.orders : Number.NaN,
    winRate: winRate(r.roundTrips),
    returnPct,
    maxDrawdownPct: maxDrawdownPct(r.equity, r.n),
    sharpe: sharpeRatio(daily.map((d) => d.ret)),
    exposurePct: r.n > 0 ? r.exposureSum / r.n : 0,
    dailyLossBreaches: r.dailyLossBreaches,
    realisedPnl: r.realisedPnl,
    feesPaid: r.feesPaid,
    initialEquity: r.initialEquity,
    finalEquity: final,
    days,
    tradesPerWeek: days > 0 ? (trades / days) * 7 : Number.NaN,
    tradesPerMonth: days > 0 ? (trades / days) * 30 : Number.NaN,
    weeklyReturnPct: compoundTo(returnPct, days, 7),
    monthlyReturnPct: compoundTo(returnPct, days, 30),
    dailyReturns: daily.map((d) => ({
      date: new Date(d.day * DAY_MS).toISOString().slice(0, 10),
      returnPct: d.ret * 100,
    })),
  };
}
