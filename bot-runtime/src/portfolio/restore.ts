// An arm's money state rebuilt from what the store holds (issue 6: "a restart resumes from
// PostgreSQL"): fresh arms with the capital split, every stored fill of the bot booked in order
// through the SAME Arm.applyFill the loop uses (cash, positions, average entry, realised P&L, round
// trips, confidence sums), then the daily-loss state (today's start equity, the halt, past breaches)
// by replaying the stored equity snapshots through the same risk.ts rule. Pure: the caller reads the store; a restart and a takeover both call this.
import type { Fill } from '../types.ts';
import { Arm, type ArmSpec } from './arm.ts';
import { startDailyLoss, updateDailyLoss } from './risk.ts';

/** One stored fill (a trade_logs row): which arm booked it and the confidence of its decision. */
export interface LoggedFill extends Fill {
  arm: string;
  confidence: number;
}

/** One stored equity snapshot of an arm (the equity its loop measured at a decision step). */
export interface EquityPoint {
  time: number;
  equity: number;
}

export interface ArmsAtRestart {
  arms: readonly ArmSpec[];
  markets: readonly string[];
  /** Per arm (same order): its share of spec.capital.totalKRW, as TradingCore split it. */
  initialCash: readonly number[];
  /** Every stored fill of the bot, oldest first (any revision: the coins are the same coins). */
  fills: readonly LoggedFill[];
  /** Now (the arms' start time). */
  time: number;
  /**
   * Per arm name, its stored equity snapshots, oldest first: replayed through the daily-loss rule
   * to give the day's start equity, the halt and past breaches. An arm without any keeps the Arm
   * default (initial cash, not halted).
   */
  equity: ReadonlyMap<string, readonly EquityPoint[]>;
  dailyLossLimitPct: number;
}

export interface RestoredArms {
  arms: Arm[];
  /** Fills of an arm or market the current revision no longer has: outside this bot's books. */
  skipped: number;
}

export function restoreArms(s: ArmsAtRestart): RestoredArms {
  const arms = s.arms.map((spec, a) => new Arm(spec, s.markets, s.initialCash[a]!, s.time));
  const armIndex = new Map(s.arms.map((spec, a) => [spec.name, a]));
  const marketIndex = new Map(s.markets.map((m, i) => [m, i]));
  let skipped = 0;
  for (const f of s.fills) {
    const a = armIndex.get(f.arm);
    const m = marketIndex.get(f.market);
    if (a === undefined || m === undefined) {
      skipped++;
      continue;
    }
    arms[a]!.applyFill(m, f, f.confidence);
  }
  for (const arm of arms) {
    const curve = s.equity.get(arm.spec.name);
    if (!curve || curve.length === 0) continue;
    // The loop applies this rule at every decision step with the equity the snapshot holds, from
    // the arm's start at its initial cash; replaying it gives the same KST day, start equity and
    // halt (held until the next KST day even if equity recovered, SPEC.md) and the same breaches.
    const state = startDailyLoss(curve[0]!.time, arm.initialCash);
    for (const p of curve) updateDailyLoss(state, p.time, p.equity, s.dailyLossLimitPct);
    arm.dailyLoss = state;
  }
  return { arms, skipped };
}
