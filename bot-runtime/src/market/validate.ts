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
import type { CandleColumns, CandleFields } from './series.ts';

export type RefusedRowPolicy = 'throw' | 'drop';

export interface ValidationOptions {
  onRefused?: RefusedRowPolicy;
}

/** Validated candles, oldest first, as columns (ready to become a CandleSeries), and the findings. */
export interface ValidCandles {
  columns: CandleColumns;
  issues: DataIssue[];
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

/** All parts' rows side by side, so rules work on indices instead of one object per row. */
class Rows implements CandleColumns {
  readonly length: number;
  readonly openTime: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly quoteVolume: Float64Array;
  readonly row: Int32Array;
  readonly part: Int32Array;
  readonly files: string[];
  readonly #view: CandleFields = {
    openTime: 0,
    open: 0,
    high: 0,
    low: 0,
    close: 0,
    volume: 0,
    quoteVolume: 0,
  };

  constructor(parts: readonly RawCandles[]) {
    const n = parts.reduce((sum, p) => sum + p.row.length, 0);
    this.length = n;
    this.openTime = new Float64Array(n);
    this.open = new Float64Array(n);
    this.high = new Float64Array(n);
    this.low = new Float64Array(n);
    this.close = new Float64Array(n);
    this.volume = new Float64Array(n);
    this.quoteVolume = new Float64Array(n);
    this.row = new Int32Array(n);
    this.part = new Int32Array(n);
    this.files = parts.map((p) => p.file);
    let k = 0;
    parts.forEach((p, pi) => {
      this.openTime.set(p.openTime, k);
      this.open.set(p.open, k);
      this.high.set(p.high, k);
      this.low.set(p.low, k);
      this.close.set(p.close, k);
      this.volume.set(p.volume, k);
      this.row.set(p.row, k);
      this.part.fill(pi, k, k + p.row.length);
      for (let i = 0; i < p.row.length; i++) {
        const q = p.quoteVolume[i]!;
        // Sources without a quote volume (ccxt): close x volume stands in (types.ts Candle.quoteVolume).
        this.quoteVolume[k + i] = Number.isNaN(q) ? p.close[i]! * p.volume[i]! : q;
      }
      k += p.row.length;
    });
  }

  /** A reused view of row k for candleProblem (valid until the next call). */
  at(k: number): CandleFields {
    const v = this.#view;
    v.openTime = this.openTime[k]!;
    v.open = this.open[k]!;
    v.high = this.high[k]!;
    v.low = this.low[k]!;
    v.close = this.close[k]!;
    v.volume = this.volume[k]!;
    v.quoteVolume = this.quoteVolume[k]!;
    return v;
  }

  issue(k: number, kind: DataIssueKind, detail: string): DataIssue {
    return dataIssue(this.files[this.part[k]!]!, this.row[k]!, kind, detail);
  }

  where(k: number): string {
    return `${this.files[this.part[k]!]}:${this.row[k]}`;
  }

  sameValues(a: number, b: number): boolean {
    return (
      this.open[a] === this.open[b] &&
      this.high[a] === this.high[b] &&
      this.low[a] === this.low[b] &&
      this.close[a] === this.close[b] &&
      this.volume[a] === this.volume[b] &&
      this.quoteVolume[a] === this.quoteVolume[b]
    );
  }

  /** The rows at `order`, as fresh columns. */
  pick(order: Int32Array): CandleColumns {
    const take = (col: Float64Array) => {
      const out = new Float64Array(order.length);
      for (let i = 0; i < order.length; i++) out[i] = col[order[i]!]!;
      return out;
    };
    return {
      length: order.length,
      openTime: take(this.openTime),
      open: take(this.open),
      high: take(this.high),
      low: take(this.low),
      close: take(this.close),
      volume: take(this.volume),
      quoteVolume: take(this.quoteVolume),
    };
  }
}

const iso = (t: number): string => new Date(t).toISOString();

/**
 * Applies the rules above to the rows of one market and interval, possibly from several files
 * (e.g. consecutive Upbit API pages). Files are taken in the order of their first candle.
 */
export function validateCandles(
  parts: readonly RawCandles[],
  intervalMs: number,
  options: ValidationOptions = {},
): ValidCandles {
  const rows = new Rows([...parts].sort((a, b) => (a.openTime[0] ?? 0) - (b.openTime[0] ?? 0)));
  const issues: DataIssue[] = [];
  let accepted = new Int32Array(rows.length);
  let count = 0;
  let unordered = false;
  let newest = -Infinity;
  for (let k = 0; k < rows.length; k++) {
    if (k > 0 && rows.part[k] !== rows.part[k - 1]) newest = -Infinity; // order is judged per file
    const problem = candleProblem(rows.at(k), intervalMs);
    if (problem) {
      issues.push(rows.issue(k, problem.kind, problem.detail));
      continue;
    }
    const t = rows.openTime[k]!;
    if (t < newest) {
      unordered = true;
      issues.push(rows.issue(k, 'out-of-order', `${iso(t)} after ${iso(newest)}; sorted`));
    } else {
      newest = t;
    }
    accepted[count++] = k;
  }
  accepted = accepted.subarray(0, count);
  // Ties keep their file order (index order), so the first copy of a duplicate wins.
  if (unordered) accepted.sort((a, b) => rows.openTime[a]! - rows.openTime[b]! || a - b);
  const kept = dedupe(rows, accepted, issues);
  reportGaps(rows, kept, intervalMs, issues);
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
  return { columns: rows.pick(kept), issues };
}

function dedupe(rows: Rows, sorted: Int32Array, issues: DataIssue[]): Int32Array {
  const kept = new Int32Array(sorted.length);
  let count = 0;
  let i = 0;
  while (i < sorted.length) {
    const first = sorted[i]!;
    let j = i + 1;
    let conflict = false;
    while (j < sorted.length && rows.openTime[sorted[j]!] === rows.openTime[first]) {
      const copy = sorted[j]!;
      if (rows.sameValues(first, copy)) {
        issues.push(rows.issue(copy, 'duplicate', `same candle as ${rows.where(first)}; dropped`));
      } else {
        conflict = true;
        issues.push(
          rows.issue(
            copy,
            'conflicting-duplicate',
            `${iso(rows.openTime[copy]!)} differs from ${rows.where(first)}`,
          ),
        );
      }
      j++;
    }
    if (conflict)
      issues.push(rows.issue(first, 'conflicting-duplicate', 'has a conflicting copy; both refused'));
    else kept[count++] = first;
    i = j;
  }
  return kept.subarray(0, count);
}

function reportGaps(rows: Rows, kept: Int32Array, intervalMs: number, issues: DataIssue[]): void {
  for (let i = 1; i < kept.length; i++) {
    const prev = rows.openTime[kept[i - 1]!]!;
    const cur = rows.openTime[kept[i]!]!;
    const missing = (cur - prev) / intervalMs - 1;
    if (missing >= 1) {
      issues.push(
        rows.issue(kept[i]!, 'gap', `${missing} candle(s) missing between ${iso(prev)} and ${iso(cur)}`),
      );
    }
  }
}
