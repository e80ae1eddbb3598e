// The rules for bad candle data (issue 5: reported with file and row, repaired by a documented rule
// or refused — never silently used):
// - unparseable, non-positive price, negative volume, high < low, open/close outside [low, high],
//   open time off the timeframe grid: REFUSED — no rule can tell what the right value was.
// - out-of-order rows: REPAIRED by a stable sort on open time (the values themselves are plausible).
// - exact duplicates (same open time, same values): REPAIRED by keeping the first.
// - conflicting duplicates (same open time, different values): REFUSED, every copy — picking one
//   would be a guess.
// - gaps: REPORTED and left as gaps (never filled with invented candles); consumers see them through
//   `completeness()` / `CandleWindow.missing`. Upbit itself emits no candle for an interval without
//   trades, so a gap is not necessarily an error.
// Refused rows make the load fail (`onRefused: 'throw'`, the default) or are dropped and leave a
// reported gap (`onRefused: 'drop'`).
import { type DataIssue, type DataIssueKind, dataIssue, formatIssue, MarketDataError } from './data-issue.ts';
import type { RawCandles } from './raw-candles.ts';
import type { CandleFields } from './series.ts';

export type RefusedRowPolicy = 'throw' | 'drop';

export interface ValidationOptions {
  onRefused?: RefusedRowPolicy;
}

/** Validated rows, oldest first, each with the file and row it came from. */
export interface ValidCandles {
  candles: CandleFields[];
  issues: DataIssue[];
}

interface Entry extends CandleFields {
  file: string;
  row: number;
}

function sameValues(a: CandleFields, b: CandleFields): boolean {
  return (
    a.open === b.open &&
    a.high === b.high &&
    a.low === b.low &&
    a.close === b.close &&
    a.volume === b.volume &&
    (a.quoteVolume === b.quoteVolume || (Number.isNaN(a.quoteVolume) && Number.isNaN(b.quoteVolume)))
  );
}

/** What is wrong with one candle by the refusal rules above (undefined: nothing), e.g. for a live feed. */
export function candleProblem(
  c: CandleFields,
  intervalMs: number,
): { kind: DataIssueKind; detail: string } | undefined {
  const finite =
    Number.isFinite(c.openTime) &&
    Number.isFinite(c.open) &&
    Number.isFinite(c.high) &&
    Number.isFinite(c.low) &&
    Number.isFinite(c.close) &&
    Number.isFinite(c.volume);
  if (!finite) {
    const values = [c.openTime, c.open, c.high, c.low, c.close, c.volume];
    return { kind: 'unparseable', detail: `non-finite value in ${JSON.stringify(values.map(String))}` };
  }
  if (c.open <= 0 || c.high <= 0 || c.low <= 0 || c.close <= 0) {
    return {
      kind: 'non-positive-price',
      detail: `open ${c.open} high ${c.high} low ${c.low} close ${c.close}`,
    };
  }
  if (c.volume < 0) return { kind: 'negative-volume', detail: `volume ${c.volume}` };
  if (c.high < c.low) return { kind: 'high-below-low', detail: `high ${c.high} < low ${c.low}` };
  if (c.open > c.high || c.close > c.high || c.open < c.low || c.close < c.low) {
    return {
      kind: 'ohlc-outside-range',
      detail: `open ${c.open} / close ${c.close} outside [${c.low}, ${c.high}]`,
    };
  }
  if (c.openTime % intervalMs !== 0) {
    return {
      kind: 'misaligned-time',
      detail: `${new Date(c.openTime).toISOString()} is not on the ${intervalMs / 60_000}-minute grid`,
    };
  }
  return undefined;
}

/**
 * Applies the rules above to the rows of one market and interval, possibly from several files
 * (e.g. consecutive Upbit API pages). Files are taken in the order of their first candle.
 */
export function validateCandles(
  parts: readonly RawCandles[],
  intervalMs: number,
  options: ValidationOptions = {},
): ValidCandles {
  const issues: DataIssue[] = [];
  const entries: Entry[] = [];
  const ordered = [...parts].sort((a, b) => (a.openTime[0] ?? 0) - (b.openTime[0] ?? 0));
  for (const part of ordered) {
    let newest = -Infinity;
    for (let i = 0; i < part.row.length; i++) {
      const openTime = part.openTime[i]!;
      const volume = part.volume[i]!;
      const close = part.close[i]!;
      const quoteVolume = Number.isNaN(part.quoteVolume[i]!) ? close * volume : part.quoteVolume[i]!;
      const e: Entry = {
        file: part.file,
        row: part.row[i]!,
        openTime,
        open: part.open[i]!,
        high: part.high[i]!,
        low: part.low[i]!,
        close,
        volume,
        quoteVolume,
      };
      const problem = candleProblem(e, intervalMs);
      if (problem) {
        issues.push(dataIssue(e.file, e.row, problem.kind, problem.detail));
        continue;
      }
      if (openTime < newest) {
        issues.push(
          dataIssue(
            e.file,
            e.row,
            'out-of-order',
            `${new Date(openTime).toISOString()} after ${new Date(newest).toISOString()}; sorted`,
          ),
        );
      } else {
        newest = openTime;
      }
      entries.push(e);
    }
  }
  // Array.prototype.sort is stable, so duplicates keep their file order (the first one wins).
  if (issues.some((i) => i.kind === 'out-of-order')) entries.sort((a, b) => a.openTime - b.openTime);
  const kept = dedupe(entries, issues);
  reportGaps(kept, intervalMs, issues);
  const refused = issues.filter((i) => i.action === 'refused');
  if (refused.length > 0 && (options.onRefused ?? 'throw') === 'throw') {
    const shown = refused.slice(0, 5).map((i) => `  ${formatIssue(i)}`);
    const more = refused.length > 5 ? `\n  ... and ${refused.length - 5} more` : '';
    throw new MarketDataError(
      'BAD_CANDLES',
      `${refused.length} candle row(s) refused:\n${shown.join('\n')}${more}\n` +
        'Fix or delete those rows, or load with onRefused "drop" to skip them (they become reported gaps).',
      issues,
    );
  }
  // Entries are CandleFields with their file and row attached; handing them out avoids a copy.
  return { candles: kept, issues };
}

function dedupe(sorted: Entry[], issues: DataIssue[]): Entry[] {
  const kept: Entry[] = [];
  let i = 0;
  while (i < sorted.length) {
    const first = sorted[i]!;
    let j = i + 1;
    let conflict = false;
    while (j < sorted.length && sorted[j]!.openTime === first.openTime) {
      const copy = sorted[j]!;
      if (sameValues(first, copy)) {
        issues.push(
          dataIssue(copy.file, copy.row, 'duplicate', `same candle as ${first.file}:${first.row}; dropped`),
        );
      } else {
        conflict = true;
        issues.push(
          dataIssue(
            copy.file,
            copy.row,
            'conflicting-duplicate',
            `${new Date(copy.openTime).toISOString()} differs from ${first.file}:${first.row}`,
          ),
        );
      }
      j++;
    }
    if (conflict) {
      issues.push(
        dataIssue(first.file, first.row, 'conflicting-duplicate', 'has a conflicting copy; both refused'),
      );
    } else {
      kept.push(first);
    }
    i = j;
  }
  return kept;
}

function reportGaps(sorted: readonly Entry[], intervalMs: number, issues: DataIssue[]): void {
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    const missing = (cur.openTime - prev.openTime) / intervalMs - 1;
    if (missing >= 1) {
      issues.push(
        dataIssue(
          cur.file,
          cur.row,
          'gap',
          `${missing} candle(s) missing between ${new Date(prev.openTime).toISOString()} and ${new Date(cur.openTime).toISOString()}`,
        ),
      );
    }
  }
}
