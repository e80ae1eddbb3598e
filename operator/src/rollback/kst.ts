// KST calendar days. SPEC.md counts daily returns and the daily loss limit per Asia/Seoul day;
// Korea has had no DST since 1988, so a fixed UTC+9 offset is exact and needs no tz database.
// 00:00 KST is 15:00 UTC of the day before.
export const KST_OFFSET_MS = 9 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
// Same shape as the CRD's status.performance.dailyReturns[].date pattern (crds/src/status-schema.ts).
const DATE_RE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

/** The KST calendar day (YYYY-MM-DD) an instant falls on. */
export function kstDay(at: Date): string {
  return new Date(at.getTime() + KST_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a KST day starts (its 00:00 KST). */
export function kstDayStart(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - KST_OFFSET_MS);
}

/** The KST day `n` days after `day` (n may be negative). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** A well-formed YYYY-MM-DD that names a real calendar day (2026-02-30 is not one). */
export function isKstDay(value: string): boolean {
  if (!DATE_RE.test(value)) return false;
  return new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
}

/** The first KST day that lies entirely inside a lifetime starting at `start`. */
export function firstFullDay(start: Date): string {
  const day = kstDay(start);
  return kstDayStart(day).getTime() === start.getTime() ? day : addDays(day, 1);
}
