import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commonStart, DAY_MS, kstDay, kstMidnight, shiftCsv, shiftOntoYesterday } from './shifted-replay.ts';

describe('shifted replay', () => {
  it.each([
    // now (UTC)                 KST today    lastDay      -> lastDay lands on
    ['2026-11-25T01:00:00Z', '2025-07-25', '2026-11-24'],
    ['2026-11-25T14:59:59Z', '2025-07-25', '2026-11-24'],
    // 15:00 UTC is already the next KST day: yesterday moves with it.
    ['2026-11-25T15:00:00Z', '2025-07-25', '2026-11-25'],
  ])('at %s moves KST day %s onto yesterday (%s)', (now, lastDay, expected) => {
    const shift = shiftOntoYesterday(lastDay, Date.parse(now));
    expect(shift % DAY_MS).toBe(0);
    expect(kstDay(kstMidnight(lastDay) + shift)).toBe(expected);
    expect(kstDay(kstMidnight(lastDay) + shift + DAY_MS)).toBe(kstDay(Date.parse(now)));
  });

  it('keeps rows whose candle opens in [from, to), shifted, header and values untouched', () => {
    const csv = [
      'timestamp,open,high,low,close,volume',
      '1000,1,2,0.5,1.5,10',
      '2000,1.5,2.5,1,2,11',
      '3000,2,3,1.5,2.5,12',
      '',
    ].join('\n');
    expect(shiftCsv(csv, 2000, 3000, DAY_MS)).toBe(
      `timestamp,open,high,low,close,volume\n${2000 + DAY_MS},1.5,2.5,1,2,11\n`,
    );
    expect(shiftCsv(csv, 5000, 6000, DAY_MS)).toBe('timestamp,open,high,low,close,volume\n');
  });

  it('KST midnight is 15:00 UTC the day before', () => {
    expect(new Date(kstMidnight('2025-07-22')).toISOString()).toBe('2025-07-21T15:00:00.000Z');
    expect(kstDay(Date.parse('2025-07-21T15:00:00Z'))).toBe('2025-07-22');
    expect(kstDay(Date.parse('2025-07-21T14:59:59Z'))).toBe('2025-07-21');
  });

  it('finds when every CSV of a folder has started', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kt-replay-'));
    try {
      writeFileSync(join(dir, 'BTC_USDT-5m.csv'), 'timestamp,open,high,low,close,volume\n3000,1,1,1,1,1\n');
      writeFileSync(join(dir, 'ETH_USDT-1h.csv'), 'timestamp,open,high,low,close,volume\n2000,1,1,1,1,1\n');
      writeFileSync(join(dir, 'notes.txt'), '1\n');
      expect(commonStart(dir)).toBe(3000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
