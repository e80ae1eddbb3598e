// Data-quality findings: every bad row is reported with its file and row, and what was done with it
// (issue 5: "never silently used").

export type DataIssueKind =
  | 'unparseable' // a field is missing or not a number (NaN)
  | 'non-positive-price' // open/high/low/close <= 0
  | 'negative-volume'
  | 'high-below-low'
  | 'ohlc-outside-range' // open or close outside [low, high]
  | 'misaligned-time' // open time not on the timeframe's grid
  | 'out-of-order'
  | 'duplicate' // same open time, identical values
  | 'conflicting-duplicate' // same open time, different values
  | 'gap'; // one or more candles missing

/** What the loader did: repaired it (sort, drop an exact copy), refused the row, or only reported it. */
export type DataIssueAction = 'repaired' | 'refused' | 'reported';

export interface DataIssue {
  file: string;
  /** 1-based row in the file: the line number for CSV (header = line 1), the array position for JSON. */
  row: number;
  kind: DataIssueKind;
  detail: string;
  /** True when a documented rule fixed the data (sorting, dropping an exact duplicate). */
  repaired: boolean;
  action: DataIssueAction;
}

/** The rule applied to each kind of bad data; see validate.ts for the reasons. */
export const DATA_ISSUE_RULE: Readonly<Record<DataIssueKind, DataIssueAction>> = {
  unparseable: 'refused',
  'non-positive-price': 'refused',
  'negative-volume': 'refused',
  'high-below-low': 'refused',
  'ohlc-outside-range': 'refused',
  'misaligned-time': 'refused',
  'out-of-order': 'repaired',
  duplicate: 'repaired',
  'conflicting-duplicate': 'refused',
  gap: 'reported',
};

export function dataIssue(file: string, row: number, kind: DataIssueKind, detail: string): DataIssue {
  const action = DATA_ISSUE_RULE[kind];
  return { file, row, kind, detail, repaired: action === 'repaired', action };
}

export type MarketDataErrorCode =
  | 'BAD_CANDLES'
  | 'UNKNOWN_LAYOUT'
  | 'UNKNOWN_MARKET'
  | 'NO_DATA'
  | 'READ_FAILED';

/** A market-data problem the runtime cannot trade through; the message says which file and what to fix. */
export class MarketDataError extends Error {
  readonly code: MarketDataErrorCode;
  readonly issues: readonly DataIssue[];

  constructor(code: MarketDataErrorCode, message: string, issues: readonly DataIssue[] = []) {
    super(message);
    this.name = 'MarketDataError';
    this.code = code;
    this.issues = issues;
  }
}

/** One line per issue, e.g. `BTC_USDT-5m.csv:17 high-below-low (refused): high 1 < low 2`. */
export function formatIssue(issue: DataIssue): string {
  return `${issue.file}:${issue.row} ${issue.kind} (${issue.action}): ${issue.detail}`;
}
