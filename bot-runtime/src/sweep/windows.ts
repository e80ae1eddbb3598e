// Walk-forward windows over the KST days of a backtest: train [s, s + train), test right after it
// [s + train, s + train + test), then s += step, as long as a whole test window fits. Indices are
// into the day list every candidate shares (same data, same range, same days).
import { SweepError } from './errors.ts';
import type { WalkForwardPlan } from './grid.ts';

export interface Window {
  /** Day-index ranges, end exclusive. */
  trainStart: number;
  trainEnd: number;
  testStart: number;
  testEnd: number;
}

export function walkForwardWindows(dayCount: number, plan: WalkForwardPlan): Window[] {
  const windows: Window[] = [];
  for (let s = 0; s + plan.trainDays + plan.testDays <= dayCount; s += plan.stepDays) {
    windows.push({
      trainStart: s,
      trainEnd: s + plan.trainDays,
      testStart: s + plan.trainDays,
      testEnd: s + plan.trainDays + plan.testDays,
    });
  }
  if (windows.length === 0)
    throw new SweepError(
      'WINDOWS',
      `the period has ${dayCount} KST days, fewer than one walk-forward window (trainDays ${plan.trainDays} + testDays ${plan.testDays}); lengthen --from/--to or shorten walkForward in the grid`,
    );
  return windows;
}

/** Days a range of the period spans, from the backtest range (epoch ms), for the plan check before any backtest runs. */
export function daysIn(from: number, to: number): number {
  return Math.floor((to - from) / 86_400_000);
}
