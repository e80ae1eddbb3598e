// Risk rules as pure functions (SPEC.md "Success criteria" + TradingBot spec.risk): how much to buy
// for a signal, and whether the daily loss limit allows a new entry. No I/O, no clock: the caller
// passes the time and equity, so backtest, paper and live share these lines (DESIGN.md).
import { cashUnit, minOrderQuote, roundCash, tradeFee } from './market-rules.ts';

/** The slice of the resolved TradingBot spec the risk rules read. */
export interface RiskConfig {
  /** (0, 100]; of the arm's equity per market position. */
  maxPositionPct: number;
  /** (0, 100]; of the KST day's starting equity. */
  dailyLossLimitPct: number;
  /** Upbit minimum order in KRW (KRW markets only). */
  minOrderKRW: number;
  /** Per side. */
  feePct: number;
  /** engine.combine.minConfidence: signals below it are not acted on. */
  minConfidence: number;
}

export type EntryRejection = 'BELOW_MIN_CONFIDENCE' | 'DAILY_LOSS_LIMIT' | 'BELOW_MIN_ORDER' | 'NO_CASH';

export type EntrySize = { ok: true; quoteAmount: number } | { ok: false; code: EntryRejection };

/**
 * Quote amount to spend on a new position: `equity x maxPositionPct% x confidence` (a 0.85 signal
 * buys 85 % of the full slot), capped by the cash left after the fee, rounded down to the cash unit.
 * Refused below `minConfidence`, while the daily loss limit is hit, or below the minimum order.
 */
export function entrySize(args: {
  market: string;
  confidence: number;
  equity: number;
  cash: number;
  halted: boolean;
  cfg: RiskConfig;
}): EntrySize {
  const { market, confidence, equity, cash, halted, cfg } = args;
  if (!(confidence >= cfg.minConfidence)) return { ok: false, code: 'BELOW_MIN_CONFIDENCE' };
  if (halted) return { ok: false, code: 'DAILY_LOSS_LIMIT' };
  const slot = (equity * cfg.maxPositionPct * Math.min(confidence, 1)) / 100;
  // The fee is charged on top of the notional, so the notional may use cash / (1 + fee).
  const affordable = cash / (1 + cfg.feePct / 100);
  let quoteAmount = roundCash(market, Math.min(slot, affordable), 'down');
  while (quoteAmount > 0 && quoteAmount + tradeFee(market, quoteAmount, cfg.feePct) > cash) {
    quoteAmount = roundCash(market, quoteAmount - cashUnit(market), 'down');
  }
  if (quoteAmount <= 0) return { ok: false, code: 'NO_CASH' };
  if (quoteAmount < minOrderQuote(market, cfg.minOrderKRW)) return { ok: false, code: 'BELOW_MIN_ORDER' };
  return { ok: true, quoteAmount };
}

const KST_OFFSET_MS = 9 * 3_600_000; // Asia/Seoul is UTC+9 all year (no DST).
const DAY_MS = 86_400_000;

/** The KST calendar day of an instant, as days since 1970-01-01 KST. */
export function kstDay(time: number): number {
  return Math.floor((time + KST_OFFSET_MS) / DAY_MS);
}

/** "2026-11-20" for a KST day number. */
export function kstDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Daily loss limit state of one arm (SPEC.md: "daily loss limit breached 0 times"). */
export interface DailyLossState {
  day: number;
  dayStartEquity: number;
  /** True from the moment equity fell to the limit until the next KST day: no new entries. */
  halted: boolean;
  /** How many KST days the limit was hit on. */
  breaches: number;
}

export function startDailyLoss(time: number, equity: number): DailyLossState {
  return { day: kstDay(time), dayStartEquity: equity, halted: false, breaches: 0 };
}

/**
 * Advances the guard to `time` with the arm's current equity (mutates for the hot loop; pure in
 * the sense that it reads nothing else). A new KST day resets the halt and the day's start equity;
 * equity <= start x (1 - limit%) halts entries and counts one breach for that day.
 */
export function updateDailyLoss(
  s: DailyLossState,
  time: number,
  equity: number,
  limitPct: number,
): DailyLossState {
  const day = kstDay(time);
  if (day !== s.day) {
    s.day = day;
    s.dayStartEquity = equity;
    s.halted = false;
  }
  if (!s.halted && equity <= s.dayStartEquity * (1 - limitPct / 100)) {
    s.halted = true;
    s.breaches += 1;
  }
  return s;
}
