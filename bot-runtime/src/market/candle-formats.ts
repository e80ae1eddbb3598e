// Readers for the two candle layouts the runtime replays:
// - Upbit's REST layout (`candle_date_time_utc`, `opening_price`, `high_price`, `low_price`,
//   `trade_price`, `candle_acc_trade_volume`, `candle_acc_trade_price`), as the JSON the API returns
//   (newest first) or as a CSV export (pandas adds a leading unnamed index column; day candles carry
//   a bare date in `candle_date_time_utc`);
// - the ccxt layout `[timestamp, open, high, low, close, volume]`, as CSV (freqtrade/ccxt exports,
//   with or without a header) or JSON arrays of arrays.
import { dataIssue, MarketDataError } from './data-issue.ts';
import { parseDecimal } from './decimal.ts';
import { emptyRaw, type ParsedFile, pushRaw, type RawCandles, reverseRaw } from './raw-candles.ts';
import { TIMEFRAME_MS } from './timeframes.ts';

const UPBIT_FIELDS = {
  time: 'candle_date_time_utc',
  open: 'opening_price',
  high: 'high_price',
  low: 'low_price',
  close: 'trade_price',
  volume: 'candle_acc_trade_volume',
  quoteVolume: 'candle_acc_trade_price',
} as const;

const MINUTE_MS = 60_000;
const BARE_DATE = /^\d{4}-\d{2}-\d{2}$/;
const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/;

/** Upbit writes UTC times without a zone (`2020-02-20T11:19:00`); day CSVs hold a bare date. */
export function parseUtcTime(text: string): number {
  const t = text.trim();
  if (BARE_DATE.test(t)) return Date.parse(`${t}T00:00:00Z`);
  if (/^\d+(\.\d+)?$/.test(t)) return epochMs(Number(t));
  const iso = t.includes('T') ? t : t.replace(' ', 'T');
  return Date.parse(HAS_ZONE.test(iso) ? iso : `${iso}Z`);
}

/** ccxt timestamps are epoch ms; values below 1e11 (before 1973 in ms) can only be seconds. */
function epochMs(value: number): number {
  return value < 1e11 ? value * 1000 : value;
}

/** Parses one file's text; the layout is detected from its content, not its name. */
export function parseCandleFile(text: string, file: string): ParsedFile {
  const head = text.trimStart();
  if (head.startsWith('[') || head.startsWith('{')) return parseJson(head, file);
  return parseCsv(text, file);
}

function parseJson(text: string, file: string): ParsedFile {
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

interface CsvColumns {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  quoteVolume: number;
  market: number;
}

const CCXT_HEADER: Record<keyof Omit<CsvColumns, 'market' | 'quoteVolume'>, readonly string[]> = {
  time: ['timestamp', 'date', 'time', 'open_time', 'datetime'],
  open: ['open'],
  high: ['high'],
  low: ['low'],
  close: ['close'],
  volume: ['volume'],
};

function columnsFromHeader(header: string[], file: string): CsvColumns {
  const names = header.map((h) => h.trim().toLowerCase());
  const at = (candidates: readonly string[]): number => names.findIndex((n) => candidates.includes(n));
  if (names.includes(UPBIT_FIELDS.time)) {
    return {
      time: at([UPBIT_FIELDS.time]),
      open: at([UPBIT_FIELDS.open]),
      high: at([UPBIT_FIELDS.high]),
      low: at([UPBIT_FIELDS.low]),
      close: at([UPBIT_FIELDS.close]),
      volume: at([UPBIT_FIELDS.volume]),
      quoteVolume: at([UPBIT_FIELDS.quoteVolume]),
      market: at(['market']),
    };
  }
  const cols: CsvColumns = {
    time: at(CCXT_HEADER.time),
    open: at(CCXT_HEADER.open),
    high: at(CCXT_HEADER.high),
    low: at(CCXT_HEADER.low),
    close: at(CCXT_HEADER.close),
    volume: at(CCXT_HEADER.volume),
    quoteVolume: at(['quote_volume', 'quotevolume']),
    market: -1,
  };
  if ([cols.time, cols.open, cols.high, cols.low, cols.close, cols.volume].some((i) => i < 0)) {
    throw new MarketDataError(
      'UNKNOWN_LAYOUT',
      `${file}: CSV header "${header.join(',')}" is neither Upbit's (${UPBIT_FIELDS.time}, ${UPBIT_FIELDS.open}, ...) nor ccxt's (timestamp,open,high,low,close,volume)`,
    );
  }
  return cols;
}

const HEADERLESS: CsvColumns = {
  time: 0,
  open: 1,
  high: 2,
  low: 3,
  close: 4,
  volume: 5,
  quoteVolume: -1,
  market: -1,
};

function parseCsv(text: string, file: string): ParsedFile {
  const headerEnd = lineEndAt(text, 0);
  const firstCells = text.slice(0, headerEnd).split(',');
  const hasHeader = Number.isNaN(Number(firstCells[0])) || firstCells[0]?.trim() === '';
  const cols = hasHeader ? columnsFromHeader(firstCells, file) : HEADERLESS;
  const raw = emptyRaw(file);
  const issues: ParsedFile['issues'] = [];
  const width =
    Math.max(
      cols.time,
      cols.open,
      cols.high,
      cols.low,
      cols.close,
      cols.volume,
      cols.quoteVolume,
      cols.market,
    ) + 1;
  // Cells are ranges of `text`, numbers are read in place (decimal.ts): no string per line or cell
  // on the ~120k rows of a 5m file.
  const starts = new Int32Array(width);
  const ends = new Int32Array(width);
  const number = (col: number): number =>
    col < 0 ? Number.NaN : parseDecimal(text, starts[col]!, ends[col]!);
  const textOf = (col: number): string => (col < 0 ? '' : text.slice(starts[col]!, ends[col]!));
  let pos = hasHeader ? nextLine(text, 0) : 0;
  let row = hasHeader ? 1 : 0;
  while (pos < text.length) {
    const lineEnd = lineEndAt(text, pos);
    const next = nextLine(text, pos);
    row++;
    if (lineEnd === pos || (text.charCodeAt(pos) <= 32 && text.slice(pos, lineEnd).trim() === '')) {
      pos = next;
      continue;
    }
    let cellStart = pos;
    for (let c = 0; c < width; c++) {
      if (cellStart > lineEnd) {
        starts[c] = lineEnd;
        ends[c] = lineEnd;
        continue;
      }
      let comma = text.indexOf(',', cellStart);
      if (comma < 0 || comma > lineEnd) comma = lineEnd;
      starts[c] = cellStart;
      ends[c] = comma;
      cellStart = comma + 1;
    }
    if (raw.openTime.length === 0) {
      // Per-file facts come from the first data row: the market column and a bare-date (day) time.
      if (cols.market >= 0) raw.market = textOf(cols.market).trim() || undefined;
      if (BARE_DATE.test(textOf(cols.time).trim())) raw.intervalMs = TIMEFRAME_MS['1d'];
    }
    const numericTime = number(cols.time);
    const openTime = Number.isNaN(numericTime) ? parseUtcTime(textOf(cols.time)) : epochMs(numericTime);
    const open = number(cols.open);
    const high = number(cols.high);
    const low = number(cols.low);
    const close = number(cols.close);
    const volume = number(cols.volume);
    if (
      !(
        Number.isFinite(openTime) &&
        Number.isFinite(open) &&
        Number.isFinite(high) &&
        Number.isFinite(low) &&
        Number.isFinite(close) &&
        Number.isFinite(volume)
      )
    ) {
      const line = text.slice(pos, lineEnd);
      issues.push(dataIssue(file, row, 'unparseable', `missing or non-numeric field in "${line}"`));
      pos = next;
      continue;
    }
    pushRaw(raw, row, openTime, open, high, low, close, volume, number(cols.quoteVolume));
    pos = next;
  }
  orderOldestFirst(raw);
  return { candles: raw, issues };
}

/** End of the line starting at `pos`, without its "\n" or "\r\n". */
function lineEndAt(text: string, pos: number): number {
  let end = text.indexOf('\n', pos);
  if (end < 0) end = text.length;
  return end > pos && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
}

function nextLine(text: string, pos: number): number {
  const end = text.indexOf('\n', pos);
  return end < 0 ? text.length : end + 1;
}

/**
 * Files come newest first (Upbit's API) or oldest first (exports); a file whose first candle is newer
 * than its last is read backwards so validation judges order in the file's own direction.
 */
function orderOldestFirst(raw: RawCandles): void {
  const n = raw.openTime.length;
  if (n > 1 && raw.openTime[0]! > raw.openTime[n - 1]!) reverseRaw(raw);
}
