// A real market window moved in time. The rollback rule (operator/src/rollback/decide.ts) only
// counts complete KST days that lie inside the current revision's lifetime and before today, so a
// replay of history (dated 2025) can never trip it. The demo therefore replays the real candles of a
// real sell-off, shifted by a whole number of days so that its last losing day is yesterday (KST):
// prices, volumes and time of day are untouched; only the dates move.
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DAY_MS = 86_400_000;
/** KST is UTC+9 all year (Korea has no DST): 00:00 KST = 15:00 UTC. */
const KST_OFFSET_MS = 9 * 3_600_000;

/** The KST calendar day (YYYY-MM-DD) of a UTC instant. */
export const kstDay = (ms: number): string => new Date(ms + KST_OFFSET_MS).toISOString().slice(0, 10);

/** 00:00 KST of a KST calendar day, as a UTC instant. */
export const kstMidnight = (day: string): number => Date.parse(`${day}T00:00:00Z`) - KST_OFFSET_MS;

/**
 * The whole-day shift that moves KST day `lastDay` onto the KST day before `now`'s (yesterday):
 * the newest day of the window is then complete, and every day of it lies in the past.
 */
export function shiftOntoYesterday(lastDay: string, now: number): number {
  const yesterday = kstMidnight(kstDay(now)) - DAY_MS;
  return yesterday - kstMidnight(lastDay);
}

/**
 * Shifts the rows of one ccxt-layout CSV (`timestamp,open,high,low,close,volume`, ms) whose candle
 * opens in [from, to) by `shiftMs`; other rows are dropped. Returns the new file's text.
 */
export function shiftCsv(text: string, from: number, to: number, shiftMs: number): string {
  const lines = text.split('\n');
  const out = [lines[0] ?? 'timestamp,open,high,low,close,volume'];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const comma = line.indexOf(',');
    if (comma <= 0) continue;
    const t = Number(line.slice(0, comma));
    if (t >= from && t < to) out.push(`${t + shiftMs}${line.slice(comma)}`);
  }
  return `${out.join('\n')}\n`;
}

/** Writes every candle CSV of `sourceDir` cut to [from, to) and shifted, into `outDir`; returns the rows per file. */
export function writeShiftedReplay(
  sourceDir: string,
  outDir: string,
  window: { from: number; to: number; shiftMs: number },
): Map<string, number> {
  mkdirSync(outDir, { recursive: true });
  const rows = new Map<string, number>();
  for (const file of readdirSync(sourceDir).filter((f) => f.endsWith('.csv'))) {
    const text = shiftCsv(
      readFileSync(join(sourceDir, file), 'utf8'),
      window.from,
      window.to,
      window.shiftMs,
    );
    const n = text.split('\n').length - 2;
    if (n <= 0) continue;
    writeFileSync(join(outDir, file), text);
    rows.set(file, n);
  }
  return rows;
}

/**
 * When every CSV file of a folder has started (the latest first candle; reads only each file's
 * head). The Binance files start months apart (1h in 2024-09, 5m on 2024-12-31): a replay cut from
 * here has every timeframe from its first candle on.
 */
export function commonStart(dir: string): number {
  let start = Number.NEGATIVE_INFINITY;
  const head = Buffer.alloc(256);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.csv'))) {
    const fd = openSync(join(dir, file), 'r');
    const n = readSync(fd, head, 0, head.length, 0);
    closeSync(fd);
    const row = head.toString('utf8', 0, n).split('\n')[1] ?? '';
    const t = Number(row.slice(0, row.indexOf(',')));
    if (Number.isFinite(t) && t > 0) start = Math.max(start, t);
  }
  return start;
}
