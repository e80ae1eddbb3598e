import { describe, expect, it } from 'vitest';
import { addDays, firstFullDay, isKstDay, kstDay, kstDayStart } from './kst.ts';

describe('KST days', () => {
  it.each([
    ['2026-11-22T14:59:59.999Z', '2026-11-22'],
    ['2026-11-22T15:00:00Z', '2026-11-23'],
    ['2026-12-31T15:00:00Z', '2027-01-01'],
  ])('%s is KST day %s', (at, day) => {
    expect(kstDay(new Date(at))).toBe(day);
  });
  it('a KST day starts at 15:00 UTC of the day before', () => {
    expect(kstDayStart('2026-11-23').toISOString()).toBe('2026-11-22T15:00:00.000Z');
  });
  it('adds days across month and year ends', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });
  it('the first full day is the start day only when the start is 00:00 KST', () => {
    expect(firstFullDay(new Date('2026-11-22T15:00:00Z'))).toBe('2026-11-23');
    expect(firstFullDay(new Date('2026-11-22T15:00:01Z'))).toBe('2026-11-24');
  });
  it.each([
    ['2026-11-23', true],
    ['2026-02-30', false],
    ['2026-11-3', false],
    ['yesterday', false],
  ])('isKstDay(%s) = %s', (value, ok) => {
    expect(isKstDay(value)).toBe(ok);
  });
});
