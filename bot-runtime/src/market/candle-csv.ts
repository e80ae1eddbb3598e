// CSV candle files: Upbit exports (pandas' leading unnamed index column, bare-date day candles) and
// ccxt/freqtrade exports with or without a header.
import { BARE_DATE, epochMs, orderOldestFirst, parseUtcTime, UPBIT_FIELDS } from './candle-fields.ts';
import { dataIssue, MarketDataError } from './data-issue.ts';
import { parseDecimal } from './decimal.ts';
import { emptyRaw, type ParsedFile, pushRaw } from './raw-candles.ts';
import { TIMEFRAME_MS } from './timeframes.ts';

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

export function parseCsv(text: string, file: string): ParsedFile {
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
