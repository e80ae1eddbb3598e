// Which candles `kubetrade collect` still needs (issue 6 item 6): the SPEC's window per timeframe
// (HISTORY_WINDOW: 5m 7 days = 2,016, 15m 14 days = 1,344, 1h 90 days = 2,160, 1d 1 year = 365)
// ending at the last CLOSED candle, minus what the store already holds. Pure: the collector asks
// the exchange only for these gaps, which is what makes a re-run after a kill resumable.
import { HISTORY_WINDOW, TIMEFRAME_MS } from '../market/timeframes.ts';
import type { Timeframe } from '../types.ts';

export interface CandleWindow {
  timeframe: Timeframe;
  /** Open time of the first candle of the window (inclusive). */
  from: number;
  /** End of the window (exclusive): the open time of the candle still forming at `now`. */
  to: number;
  /** Candles the window holds (HISTORY_WINDOW). */
  size: number;
}

/** A run of missing candles: open times from <= t < to, `count` candles. */
export interface Gap {
  from: number;
  to: number;
  count: number;
}

export function collectionWindow(
  timeframe: Timeframe,
  now: number,
  size = HISTORY_WINDOW[timeframe],
): CandleWindow {
  const step = TIMEFRAME_MS[timeframe];
  const to = Math.floor(now / step) * step;
  return { timeframe, from: to - size * step, to, size };
}

/**
 * The missing runs of the window, NEWEST first: the collector walks back in time from each gap's
 * end (Upbit's `to` pagination), so the freshest candles — the ones the runtime needs first — come first.
 * `stored` are open times inside the window, in any order.
 */
export function missingRuns(window: CandleWindow, stored: readonly number[]): Gap[] {
  const step = TIMEFRAME_MS[window.timeframe];
  const have = new Set(stored);
  const gaps: Gap[] = [];
  let runEnd: number | undefined;
  for (let t = window.to - step; t >= window.from; t -= step) {
    if (!have.has(t)) {
      if (runEnd === undefined) runEnd = t + step;
      continue;
    }
    if (runEnd !== undefined) {
      gaps.push({ from: t + step, to: runEnd, count: (runEnd - t - step) / step });
      runEnd = undefined;
    }
  }
  if (runEnd !== undefined)
    gaps.push({ from: window.from, to: runEnd, count: (runEnd - window.from) / step });
  return gaps;
}

/** Candle requests a gap costs at `perPage` candles a request. */
export function pagesFor(gaps: readonly Gap[], perPage: number): number {
  return gaps.reduce((n, g) => n + Math.ceil(g.count / perPage), 0);
}
