// JSON candle files: Upbit API pages (objects, newest first) and ccxt arrays of arrays.

import {
  BARE_DATE,
  epochMs,
  MINUTE_MS,
  orderOldestFirst,
  parseUtcTime,
  UPBIT_FIELDS,
} from './candle-fields.ts';
import { dataIssue, MarketDataError } from './data-issue.ts';
import { emptyRaw, type ParsedFile, pushRaw } from './raw-candles.ts';
import { TIMEFRAME_MS } from './timeframes.ts';

export function parseJson(text: string, file: string): ParsedFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new MarketDataError('UNKNOWN_LAYOUT', `${file}: not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(data)) {
    throw new MarketDataError('UNKNOWN_LAYOUT', `${file}: expected a JSON array of candles`);
  }
  const first = data[0];
  if (Array.isArray(first) || data.length === 0) return parseCcxtRows(data as unknown[], file);
  if (typeof first === 'object' && first !== null && UPBIT_FIELDS.time in first)
    return parseUpbitObjects(data, file);
  throw new MarketDataError(
    'UNKNOWN_LAYOUT',
    `${file}: JSON rows are neither Upbit candles (with ${UPBIT_FIELDS.time}) nor ccxt arrays [timestamp, open, high, low, close, volume]`,
  );
}

function num(value: unknown): number {
  if (typeof value === 'number') return value;
  // Number('') and Number('  ') are 0, which would hide a missing field.
  if (typeof value === 'string' && value !== '' && value.trim() !== '') return Number(value);
  return Number.NaN;
}

function badRow(values: readonly number[]): boolean {
  for (const v of values) if (!Number.isFinite(v)) return true;
  return false;
}

function parseUpbitObjects(rows: unknown[], file: string): ParsedFile {
  const raw = emptyRaw(file);
  const issues: ParsedFile['issues'] = [];
  rows.forEach((value, index) => {
    const row = index + 1;
    const o = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    if (raw.market === undefined && typeof o.market === 'string') raw.market = o.market;
    if (raw.intervalMs === undefined && typeof o.unit === 'number') raw.intervalMs = o.unit * MINUTE_MS;
    const timeText = o[UPBIT_FIELDS.time];
    const time = typeof timeText === 'string' ? parseUtcTime(timeText) : Number.NaN;
    if (raw.intervalMs === undefined && typeof timeText === 'string' && BARE_DATE.test(timeText)) {
      raw.intervalMs = TIMEFRAME_MS['1d'];
    }
    const values = [
      time,
      num(o[UPBIT_FIELDS.open]),
      num(o[UPBIT_FIELDS.high]),
      num(o[UPBIT_FIELDS.low]),
      num(o[UPBIT_FIELDS.close]),
      num(o[UPBIT_FIELDS.volume]),
    ] as const;
    if (badRow(values)) {
      issues.push(
        dataIssue(file, row, 'unparseable', `missing or non-numeric Upbit field in ${JSON.stringify(o)}`),
      );
      return;
    }
    pushRaw(raw, row, ...values, num(o[UPBIT_FIELDS.quoteVolume]));
  });
  orderOldestFirst(raw);
  return { candles: raw, issues };
}

function parseCcxtRows(rows: unknown[], file: string): ParsedFile {
  const raw = emptyRaw(file);
  const issues: ParsedFile['issues'] = [];
  rows.forEach((value, index) => {
    const row = index + 1;
    const a = Array.isArray(value) ? value : [];
    const t = typeof a[0] === 'string' ? parseUtcTime(a[0]) : epochMs(num(a[0]));
    const values = [t, num(a[1]), num(a[2]), num(a[3]), num(a[4]), num(a[5])] as const;
    if (badRow(values)) {
      issues.push(
        dataIssue(
          file,
          row,
          'unparseable',
          `expected [timestamp, open, high, low, close, volume], got ${JSON.stringify(value)}`,
        ),
      );
      return;
    }
    pushRaw(raw, row, ...values, Number.NaN);
  });
  orderOldestFirst(raw);
  return { candles: raw, issues };
}
