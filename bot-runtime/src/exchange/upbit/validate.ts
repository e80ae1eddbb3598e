// Response validation at the edge (STYLE.md rule 5): every field the runtime uses is checked for
// presence, type and range before it becomes a typed value. A failure names the endpoint and the
// field path, and the response is never used (issue 6: "refused with a clear error, never used").
import { ExchangeError } from '../errors.ts';

export class Reader {
  readonly endpoint: string;
  readonly path: string;
  readonly #obj: Record<string, unknown>;

  constructor(endpoint: string, path: string, value: unknown) {
    this.endpoint = endpoint;
    this.path = path;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw invalid(endpoint, path === '' ? '(body)' : path, `expected an object, got ${describe(value)}`);
    }
    this.#obj = value as Record<string, unknown>;
  }

  #at(name: string): string {
    return this.path === '' ? name : `${this.path}.${name}`;
  }

  has(name: string): boolean {
    return this.#obj[name] !== undefined && this.#obj[name] !== null;
  }

  raw(name: string): unknown {
    return this.#obj[name];
  }

  string(name: string): string {
    const v = this.#obj[name];
    if (typeof v !== 'string')
      throw invalid(this.endpoint, this.#at(name), `expected a string, got ${describe(v)}`);
    return v;
  }

  optionalString(name: string): string | undefined {
    return this.has(name) ? this.string(name) : undefined;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T {
    const v = this.string(name);
    if (!(allowed as readonly string[]).includes(v)) {
      throw invalid(this.endpoint, this.#at(name), `expected one of ${allowed.join('|')}, got "${v}"`);
    }
    return v as T;
  }

  /** Upbit sends decimals as strings ("0.001") in exchange APIs and as numbers in quotation APIs. */
  decimal(name: string, range: 'nonNegative' | 'positive' = 'nonNegative'): number {
    const v = this.#obj[name];
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
    if (!Number.isFinite(n)) {
      throw invalid(this.endpoint, this.#at(name), `expected a number or numeric string, got ${describe(v)}`);
    }
    if (range === 'positive' ? !(n > 0) : n < 0) {
      throw invalid(
        this.endpoint,
        this.#at(name),
        `expected a ${range === 'positive' ? 'positive' : 'non-negative'} value, got ${n}`,
      );
    }
    return n;
  }

  optionalDecimal(name: string): number | undefined {
    return this.has(name) ? this.decimal(name) : undefined;
  }

  integer(name: string): number {
    const v = this.#obj[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw invalid(this.endpoint, this.#at(name), `expected a non-negative integer, got ${describe(v)}`);
    }
    return v;
  }

  time(name: string): number {
    const v = this.string(name);
    const t = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/.test(v) ? v : `${v}Z`);
    if (!Number.isFinite(t)) throw invalid(this.endpoint, this.#at(name), `expected a date-time, got "${v}"`);
    return t;
  }

  array(name: string): Reader[] {
    const v = this.#obj[name];
    if (!Array.isArray(v))
      throw invalid(this.endpoint, this.#at(name), `expected an array, got ${describe(v)}`);
    return v.map((item, i) => new Reader(this.endpoint, `${this.#at(name)}[${i}]`, item));
  }
}

/** Readers for the items of a top-level JSON array response. */
export function readArray(endpoint: string, value: unknown): Reader[] {
  if (!Array.isArray(value)) throw invalid(endpoint, '(body)', `expected an array, got ${describe(value)}`);
  return value.map((item, i) => new Reader(endpoint, `[${i}]`, item));
}

export function invalid(endpoint: string, field: string, detail: string): ExchangeError {
  return new ExchangeError(
    'EXCHANGE_INVALID_RESPONSE',
    endpoint,
    `field ${field}: ${detail}; response refused`,
  );
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing (field missing)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string "${v.length > 40 ? `${v.slice(0, 40)}...` : v}"`;
  return `${typeof v} ${typeof v === 'object' ? '' : String(v)}`.trim();
}
