// Local validation of a spec with the apiserver's semantics, for files that never reach one
// (`kubetrade backtest -f bot.yaml`, the runtime's RuntimeConfig): default first, then the OpenAPI
// checks, `x-kubernetes-list-type: set` uniqueness and every CEL rule through its TS predicate.
import type { TSchema } from 'typebox';
import { type CelValidation, predicateFor } from './cel.ts';
import { defaultedUnknown } from './defaults.ts';
import { openApiIssues, valueAt } from './openapi-issues.ts';
import { TradingBotSpecSchema, TradingBotStatusSchema } from './schema.ts';

/** One reason a spec is invalid: the field path (`spec.markets[1]`), the offending value, why. */
export interface SpecIssue {
  path: string;
  value: unknown;
  message: string;
}

/**
 * Validates a user-written spec as the apiserver would (defaults applied first).
 * Returns the problems, empty when the spec is valid.
 */
export function validateSpec(spec: unknown, root = 'spec'): SpecIssue[] {
  const defaulted = defaultedUnknown(spec);
  const schemaIssues = openApiIssues(TradingBotSpecSchema, defaulted, root);
  // Like CEL on the apiserver, rules only make sense on well-typed values.
  if (schemaIssues.length > 0) return schemaIssues;
  return ruleIssues(TradingBotSpecSchema, defaulted, root);
}

/**
 * Checks a status (as the operator or the runtime is about to write it) against the status schema,
 * so a bad report fails in a unit test rather than as a 422 from the apiserver.
 */
export function validateStatus(status: unknown): SpecIssue[] {
  return openApiIssues(TradingBotStatusSchema, status, 'status');
}

/** Formats issues the way the apiserver does: `spec.x: Invalid value: <value>: <why>`. */
export function formatIssue(issue: SpecIssue): string {
  const value = JSON.stringify(issue.value) ?? 'undefined';
  // A whole list as the value would bury the message; the path already points at it.
  const shown = value.length > MAX_SHOWN_VALUE ? `${value.slice(0, MAX_SHOWN_VALUE)}...` : value;
  return `${issue.path}: Invalid value: ${shown}: ${issue.message}`;
}

const MAX_SHOWN_VALUE = 120;

function ruleIssues(schema: TSchema, value: unknown, path: string): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const node = schema as TSchema & {
    properties?: Record<string, TSchema>;
    items?: TSchema;
    'x-kubernetes-list-type'?: string;
    'x-kubernetes-validations'?: CelValidation[];
  };
  if (Array.isArray(value)) {
    if (node['x-kubernetes-list-type'] === 'set') issues.push(...duplicates(value, path));
    const items = node.items;
    if (items) {
      for (const [i, item] of value.entries()) issues.push(...ruleIssues(items, item, `${path}[${i}]`));
    }
  } else if (value !== null && typeof value === 'object' && node.properties) {
    for (const [key, child] of Object.entries(node.properties)) {
      const childValue = (value as Record<string, unknown>)[key];
      if (childValue !== undefined) issues.push(...ruleIssues(child, childValue, `${path}.${key}`));
    }
  }
  for (const validation of node['x-kubernetes-validations'] ?? []) {
    const holds = predicateFor(validation.rule);
    if (!holds)
      throw new Error(`CEL rule without a TS predicate (declare it with cel()): ${validation.rule}`);
    if (holds(value)) continue;
    const field = validation.fieldPath ?? '';
    issues.push({
      path: path + field,
      value: valueAt(value, field.split('.').filter(Boolean)),
      message: validation.message,
    });
  }
  return issues;
}

function duplicates(items: unknown[], path: string): SpecIssue[] {
  const seen = new Set<unknown>();
  const issues: SpecIssue[] = [];
  items.forEach((item, i) => {
    if (seen.has(item)) issues.push({ path: `${path}[${i}]`, value: item, message: 'Duplicate value' });
    seen.add(item);
  });
  return issues;
}
