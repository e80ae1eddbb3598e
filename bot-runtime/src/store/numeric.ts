// Money and volumes cross the database edge as exact decimal strings, in one place.
//
// Writing: a JS number goes in as String(n), the shortest decimal that round-trips to the same
// double (ECMAScript Number::toString); NUMERIC stores exactly that decimal, so 0.1 is stored as
// 0.1, not as 0.1000000000000000055... Sums and differences then happen in SQL on exact decimals
// (0.1 + 0.2 = 0.3 in NUMERIC), which is why fill deltas are computed in SQL (orders-repo.ts).
// Reading: NUMERIC comes back as a string (both engines are told so: pg-db.ts, pglite-db.ts) and
// Number() gives the nearest double, i.e. the same double that was written. KRW amounts that are
// money stay integers all the way (risk.ts rounds them before they reach an intent).
import { StoreError } from './errors.ts';

/** A finite number as an exact NUMERIC literal; NaN/Infinity are refused (NUMERIC would accept 'NaN'). */
export function toNumeric(value: number, what: string): string {
  if (!Number.isFinite(value)) {
    throw new StoreError('INVALID_AMOUNT', `${what} must be a finite number, got ${value}`);
  }
  return String(value);
}

export function optionalNumeric(value: number | undefined, what: string): string | null {
  return value === undefined ? null : toNumeric(value, what);
}

/** A NUMERIC/BIGINT column value (string from either engine) as a number. */
export function fromNumeric(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' || typeof value === 'bigint') return Number(value);
  throw new TypeError(`expected a numeric column value, got ${typeof value}`);
}

export function fromOptionalNumeric(value: unknown): number | undefined {
  return value === null || value === undefined ? undefined : fromNumeric(value);
}

/** Epoch ms <-> timestamptz: ISO strings in, Date objects out (both engines parse timestamptz). */
export function toTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

export function fromTimestamp(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string') return Date.parse(value);
  throw new TypeError(`expected a timestamptz column value, got ${typeof value}`);
}
