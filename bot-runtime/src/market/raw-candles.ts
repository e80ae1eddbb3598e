// Rows as read from one file, before validation: columns plus the row each value came from, so
// every data-quality finding can name its file and row.
import type { DataIssue } from './data-issue.ts';

export interface RawCandles {
  file: string;
  /** 1-based row per candle (CSV line number with the header as line 1; JSON array position). */
  row: number[];
  openTime: number[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  volume: number[];
  /** NaN where the file has no quote volume: validation fills close x volume. */
  quoteVolume: number[];
  /** Market named inside the file (Upbit's `market` field), if any. */
  market?: string;
  /** Candle interval the file states (Upbit's `unit`, a bare-date day candle), if any. */
  intervalMs?: number;
}

export interface ParsedFile {
  candles: RawCandles;
  /** Rows that could not be read at all (missing fields, NaN): refused, with file and row. */
  issues: DataIssue[];
}

export function emptyRaw(file: string): RawCandles {
  return { file, row: [], openTime: [], open: [], high: [], low: [], close: [], volume: [], quoteVolume: [] };
}

export function pushRaw(
  raw: RawCandles,
  row: number,
  openTime: number,
  open: number,
  high: number,
  low: number,
  close: number,
  volume: number,
  quoteVolume: number,
): void {
  raw.row.push(row);
  raw.openTime.push(openTime);
  raw.open.push(open);
  raw.high.push(high);
  raw.low.push(low);
  raw.close.push(close);
  raw.volume.push(volume);
  raw.quoteVolume.push(quoteVolume);
}

/** Reverses the rows in place (Upbit's API answers newest first). Row numbers travel with them. */
export function reverseRaw(raw: RawCandles): void {
  raw.row.reverse();
  raw.openTime.reverse();
  raw.open.reverse();
  raw.high.reverse();
  raw.low.reverse();
  raw.close.reverse();
  raw.volume.reverse();
  raw.quoteVolume.reverse();
}
