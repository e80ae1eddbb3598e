// Defaulting, the same way the apiserver does it: from the schema's `default`s, recursively,
// for fields that are absent (a section left out gets `{}` and then its own defaults).
import Value from 'typebox/value';
import { TradingBotSpecSchema } from './schema.ts';
import type { ResolvedSpec, TradingBotSpec } from './types.ts';

/** Returns a copy of `spec` with every default applied; the input is not modified. */
export function applyDefaults(spec: TradingBotSpec | undefined): ResolvedSpec {
  return Value.Default(TradingBotSpecSchema, structuredClone(spec ?? {})) as ResolvedSpec;
}

/** Defaults applied to a value not yet known to be a spec (validation follows). */
export function defaultedUnknown(spec: unknown): unknown {
  if (spec === undefined || spec === null) return applyDefaults({});
  return Value.Default(TradingBotSpecSchema, structuredClone(spec));
}
