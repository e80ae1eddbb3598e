// Readers for the two candle layouts the runtime replays:
// - Upbit's REST layout (`candle_date_time_utc`, `opening_price`, `high_price`, `low_price`,
//   `trade_price`, `candle_acc_trade_volume`, `candle_acc_trade_price`), as the JSON the API returns
//   (newest first) or as a CSV export (pandas adds a leading unnamed index column; day candles carry
//   a bare date in `candle_date_time_utc`);
// - the ccxt layout `[timestamp, open, high, low, close, volume]`, as CSV (freqtrade/ccxt exports,
//   with or without a header) or JSON arrays of arrays.
import { parseCsv } from './candle-csv.ts';
import { parseJson } from './candle-json.ts';
import type { ParsedFile } from './raw-candles.ts';

export { parseUtcTime } from './candle-fields.ts';

/** Parses one file's text; the layout is detected from its content, not its name. */
export function parseCandleFile(text: string, file: string): ParsedFile {
  const head = text.trimStart();
  if (head.startsWith('[') || head.startsWith('{')) return parseJson(head, file);
  return parseCsv(text, file);
}
