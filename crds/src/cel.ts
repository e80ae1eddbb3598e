// CEL rules (`x-kubernetes-validations`) with their TypeScript twin.
// The apiserver evaluates `rule`; `kubetrade backtest -f bot.yaml` has no apiserver, so every rule is
// declared together with a predicate that must agree with it, and both report the same `message`.
// The schema embeds only the CEL part; validate.ts finds the predicate by the rule's text.

/** One entry of `x-kubernetes-validations`, exactly as the CRD carries it. */
export interface CelValidation {
  rule: string;
  message: string;
  /** Relative JSONPath the apiserver reports the error under (Kubernetes >= 1.28). */
  fieldPath?: string;
  reason?: 'FieldValueInvalid' | 'FieldValueRequired' | 'FieldValueDuplicate' | 'FieldValueForbidden';
}

// biome-ignore lint/suspicious/noExplicitAny: a predicate receives the JSON value the rule is attached to.
type Predicate = (self: any) => boolean;

const predicates = new Map<string, Predicate>();

/**
 * Declares a CEL rule next to the TS predicate that implements the same check.
 * `holds(self)` receives the defaulted value of the node the rule sits on, like CEL's `self`.
 */
export function cel<Self>(
  rule: string,
  message: string,
  holds: (self: Self) => boolean,
  options: Pick<CelValidation, 'fieldPath' | 'reason'> = {},
): CelValidation {
  const existing = predicates.get(rule);
  if (existing && existing !== holds) {
    throw new Error(`CEL rule declared twice with different predicates: ${rule}`);
  }
  predicates.set(rule, holds as Predicate);
  return { rule, message, ...options };
}

/** The TS predicate of a CEL rule declared with `cel()`, or undefined for an unknown rule. */
export function predicateFor(rule: string): Predicate | undefined {
  return predicates.get(rule);
}
