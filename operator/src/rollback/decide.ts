// The rollback rule and the daily loss limit as pure decisions over what the runtime reported in
// status.performance. SPEC.md: "3 consecutive days with a daily return of -2% or worse -> roll back
// automatically to the previous configuration"; both numbers come from spec.risk.rollback.
import type { DailyReturn } from '@kubetrade/crds';
import { addDays, firstFullDay, isKstDay, kstDay } from './kst.ts';

export interface RollbackRule {
  /** A day counts as bad when its return is <= this (percent, e.g. -2). */
  dailyReturnPct: number;
  consecutiveDays: number;
}

export interface RollbackInput {
  rule: RollbackRule;
  currentRevision: string;
  /** When the current revision started running (its ControllerRevision's start). */
  revisionStart: Date;
  /** Revision the runtime says its report belongs to (status.performance.revision), if any. */
  reportedRevision?: string | undefined;
  /** Revision to roll back to; none (first revision) means there is nothing to go back to. */
  stableRevision?: string | undefined;
  dailyReturns: readonly DailyReturn[];
  now: Date;
  /** The current revision was already rolled back: it is not retried until the spec changes. */
  alreadyRolledBack: boolean;
}

export type RollbackReason =
  | 'DrawdownRule'
  | 'WithinRule'
  | 'AlreadyRolledBack'
  | 'NoStableRevision'
  | 'ReportFromOtherRevision';

export interface RollbackDecision {
  rollBack: boolean;
  /** The bad days that trip the rule, oldest first (empty unless the rule trips). */
  days: DailyReturn[];
  reason: RollbackReason;
  message: string;
}

/** Days the rule may look at: complete (before today), fully inside the revision, well-formed. */
export function countedDays(
  input: Pick<RollbackInput, 'revisionStart' | 'dailyReturns' | 'now'>,
): Map<string, number> {
  const first = firstFullDay(input.revisionStart);
  // Today's KST day is still running, so its return is not final; a date after today is clock
  // skew between runtime and operator and must not trip anything.
  const today = kstDay(input.now);
  const days = new Map<string, number>();
  for (const d of input.dailyReturns) {
    if (!isKstDay(d.date) || d.date < first || d.date >= today) continue;
    if (!Number.isFinite(d.returnPct)) continue;
    days.set(d.date, d.returnPct);
  }
  return days;
}

/** The newest run of `rule.consecutiveDays` consecutive calendar days that are all bad. */
export function badStreak(days: Map<string, number>, rule: RollbackRule): DailyReturn[] | undefined {
  const sorted = [...days.keys()].sort();
  for (let i = sorted.length - 1; i >= 0; i--) {
    const streak: DailyReturn[] = [];
    let day = sorted[i] as string;
    // A missing day breaks the streak: an unreported day is not evidence of a loss.
    while (streak.length < rule.consecutiveDays) {
      const ret = days.get(day);
      if (ret === undefined || ret > rule.dailyReturnPct) break;
      streak.unshift({ date: day, returnPct: ret });
      day = addDays(day, -1);
    }
    if (streak.length === rule.consecutiveDays) return streak;
  }
  return undefined;
}

export const formatDays = (days: readonly DailyReturn[]): string =>
  days.map((d) => `${d.date} ${d.returnPct.toFixed(2)}%`).join(', ');

export function decideRollback(input: RollbackInput): RollbackDecision {
  const { rule, currentRevision } = input;
  const no = (reason: RollbackReason, message: string): RollbackDecision => ({
    rollBack: false,
    days: [],
    reason,
    message,
  });
  if (input.alreadyRolledBack)
    return no(
      'AlreadyRolledBack',
      `revision ${currentRevision} was rolled back; it is not retried until the spec changes`,
    );
  if (input.reportedRevision && input.reportedRevision !== currentRevision)
    return no(
      'ReportFromOtherRevision',
      `the runtime reports revision ${input.reportedRevision}, not the current ${currentRevision}`,
    );
  const streak = badStreak(countedDays(input), rule);
  if (!streak)
    return no(
      'WithinRule',
      `revision ${currentRevision} has no ${rule.consecutiveDays} consecutive complete KST days with a return <= ${rule.dailyReturnPct}%`,
    );
  const what = `${rule.consecutiveDays} consecutive KST days with a daily return <= ${rule.dailyReturnPct}% on revision ${currentRevision}: ${formatDays(streak)}`;
  if (!input.stableRevision || input.stableRevision === currentRevision)
    return no('NoStableRevision', `${what}; there is no earlier revision to roll back to`);
  return {
    rollBack: true,
    days: streak,
    reason: 'DrawdownRule',
    message: `${what}; running revision ${input.stableRevision} again`,
  };
}

/**
 * Whether the current revision has proven itself: the runtime running it reported at least a full
 * rule window (consecutiveDays complete KST days inside its lifetime) and the rule never tripped,
 * so it becomes the stable revision a later one returns to. Days without a report prove nothing:
 * a runtime that was down for three days has not shown that its config is safe.
 */
export function provedStable(input: Omit<RollbackInput, 'stableRevision'>): boolean {
  if (input.alreadyRolledBack) return false;
  if (input.reportedRevision !== input.currentRevision) return false;
  const days = countedDays(input);
  if (days.size < input.rule.consecutiveDays) return false;
  return !badStreak(days, input.rule);
}

export interface DailyLossLimitInput {
  /** spec.risk.dailyLossLimitPct, a positive percent (3 = stop at -3%). */
  dailyLossLimitPct: number;
  dailyReturns: readonly DailyReturn[];
  now: Date;
}

export interface DailyLossLimitState {
  hit: boolean;
  /** Today's KST day and its reported return, when the runtime reported one. */
  day: string;
  returnPct: number | undefined;
  message: string;
}

/** SPEC: the daily loss limit holds for one KST day: only today's reported return counts. */
export function dailyLossLimitHit(input: DailyLossLimitInput): DailyLossLimitState {
  const day = kstDay(input.now);
  const today = input.dailyReturns.findLast((d) => d.date === day);
  const returnPct = today?.returnPct;
  const limit = -Math.abs(input.dailyLossLimitPct);
  if (returnPct === undefined)
    return { hit: false, day, returnPct, message: `no return reported for KST day ${day} yet` };
  const hit = returnPct <= limit;
  // The message carries no return figure: it changes once a day, not on every runtime report, so
  // the condition costs no status write per cycle (DESIGN.md: zero writes in steady state).
  return {
    hit,
    day,
    returnPct,
    message: hit
      ? `KST day ${day}: the loss reached the ${Math.abs(input.dailyLossLimitPct)}% daily loss limit; no new entries until the next KST day`
      : `KST day ${day}: within the ${Math.abs(input.dailyLossLimitPct)}% daily loss limit`,
  };
}
