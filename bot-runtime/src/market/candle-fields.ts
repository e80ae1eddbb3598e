// What the Upbit and ccxt candle layouts share: Upbit's field names, time parsing, and the rule that
// rows are handed to validation oldest first.
import { type RawCandles, reverseRaw } from './raw-candles.ts';

export const UPBIT_FIELDS = {
  time: 'candle_date_time_utc',
  open: 'opening_price',
  high: 'high_price',
  low: 'low_price',
  close: 'trade_price',
  volume: 'candle_acc_trade_volume',
  quoteVolume: 'candle_acc_trade_price',
} as const;

export const MINUTE_MS = 60_000;
export const BARE_DATE = /^\d{4}-\d{2}-\d{2}$/;
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
export function epochMs(value: number): number {
  return value < 1e11 ? value * 1000 : value;
}

/**
 * Files come newest first (Upbit's API) or oldest first (exports); a file whose first candle is newer
 * than its last is read backwards so validation judges order in the file's own direction.
 */
export function orderOldestFirst(raw: RawCandles): void {
  const n = raw.openTime.length;
  if (n > 1 && raw.openTime[0]! > raw.openTime[n - 1]!) reverseRaw(raw);
}
