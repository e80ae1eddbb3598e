import { describe, expect, it } from 'vitest';
import type { CelValidation } from './cel.ts';
import { TradingBotSpecSchema } from './schema.ts';
import { formatIssue, validateSpec } from './validate.ts';
import { INVALID_SPECS, VALID_SPECS } from './validation-cases.ts';

describe('validateSpec', () => {
  it.each(INVALID_SPECS)('rejects %s', (_what, spec, path, message) => {
    const issues = validateSpec(spec);
    const issue = issues.find((i) => i.path === path);
    expect(issue, `issues: ${issues.map(formatIssue).join('; ')}`).toBeDefined();
    expect(issue?.message).toContain(message);
  });

  it.each(VALID_SPECS)('accepts %s', (_what, spec) => {
    expect(validateSpec(spec).map(formatIssue)).toEqual([]);
  });

  it('names the field and shows the value in the formatted message', () => {
    const [issue] = validateSpec({ cycleSeconds: 5 });
    expect(formatIssue(issue!)).toBe(
      'spec.cycleSeconds: Invalid value: 5: should be greater than or equal to 10',
    );
  });

  it('has a rejecting case in the table for every CEL rule of the schema', () => {
    const rules: CelValidation[] = [];
    const visit = (node: Record<string, unknown>) => {
      rules.push(...((node['x-kubernetes-validations'] as CelValidation[] | undefined) ?? []));
      for (const child of Object.values((node.properties ?? {}) as Record<string, Record<string, unknown>>))
        visit(child);
      if (node.items) visit(node.items as Record<string, unknown>);
    };
    visit(TradingBotSpecSchema as unknown as Record<string, unknown>);
    expect(rules.length).toBeGreaterThan(0);
    const messages = INVALID_SPECS.flatMap(([, spec]) => validateSpec(spec).map((i) => i.message));
    for (const rule of rules) expect(messages, rule.rule).toContain(rule.message);
  });
});
