// Defaulting, the same way the apiserver does it: from the schema's `default`s, recursively,
// for fields that are absent (a section left out gets `{}` and then its own defaults).
import Value from 'typebox/value';
import { TradingBotSpecSchema } from './schema.ts';
import type { ResolvedSpec, TradingBotSpec } from './types.ts';

/** Returns a copy of `spec` with every default applied; the input is not modified. */
export function applyDefaults(spec: TradingBotSpec | undefined): ResolvedSpec {
  return defaultedUnknown(spec) as ResolvedSpec;
}

/** Defaults applied to a value not yet known to be a spec (validation follows). */
export function defaultedUnknown(spec: unknown): unknown {
  if (spec === undefined || spec === null) return applyDefaults({});
  return Value.Default(TradingBotSpecSchema, withoutNulls(structuredClone(spec)));
}

/**
 * The apiserver drops `field: null` of non-nullable fields before defaulting (so `engine: null`
 * means "all engine defaults"); no field of the API is nullable, so every null member goes.
 */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member !== null) out[key] = withoutNulls(member);
  }
  return out;
}
