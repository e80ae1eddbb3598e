// Small builders for schema fields, so every field states its description, default and bounds
// in one line and the spec reads like the field reference it generates.
import Type, { type TSchema } from 'typebox';
import type { CelValidation } from './cel.ts';

interface Bounds {
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

/** An integer with a default. */
export function int(
  description: string,
  defaultValue: number | undefined,
  bounds: Bounds & { format?: string },
) {
  return Type.Optional(Type.Integer({ description, ...bounds, ...defaulted(defaultValue) }));
}

/** A number with a default. */
export function num(description: string, defaultValue: number, bounds: Bounds) {
  return Type.Optional(Type.Number({ description, ...bounds, default: defaultValue }));
}

/** A ratio in [0, 1] with a default (confidences, probabilities). */
export function ratio(description: string, defaultValue: number) {
  return num(description, defaultValue, { minimum: 0, maximum: 1 });
}

/** A string with a default; maxLength keeps CEL cost estimates bounded. */
export function str(
  description: string,
  defaultValue: string | undefined,
  options: { maxLength: number; minLength?: number; pattern?: string },
) {
  return Type.Optional(Type.String({ description, ...options, ...defaulted(defaultValue) }));
}

/** One of a closed set of strings, with a default. */
export function oneOf<const V extends string[]>(
  description: string,
  values: readonly [...V],
  defaultValue: V[number],
) {
  return Type.Optional(Type.Enum(values, { description, default: defaultValue }));
}

export function bool(description: string, defaultValue: boolean) {
  return Type.Optional(Type.Boolean({ description, default: defaultValue }));
}

/**
 * An object whose fields all have defaults: `default: {}` makes the apiserver (and applyDefaults)
 * fill the nested defaults even when the user leaves the whole section out.
 */
export function section<P extends Record<string, TSchema>>(
  description: string,
  properties: P,
  rules: CelValidation[] = [],
) {
  return Type.Optional(Type.Object(properties, objectOptions(description, rules, {})));
}

/** The options every object of the API carries: closed (for local validation) and described. */
export function objectOptions(description: string, rules: CelValidation[] = [], defaultValue?: unknown) {
  return {
    description,
    additionalProperties: false,
    ...(rules.length > 0 ? { 'x-kubernetes-validations': rules } : {}),
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
  };
}

function defaulted(value: unknown) {
  return value === undefined ? {} : { default: value };
}
