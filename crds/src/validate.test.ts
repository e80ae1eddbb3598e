import { describe, expect, it } from 'vitest';
import type { CelValidation } from './cel.ts';
import { TradingBotSpecSchema } from './schema.ts';
import { formatIssue, validateSpec, validateStatus } from './validate.ts';
import { EVERY_RULE_BROKEN, INVALID_SPECS, VALID_SPECS } from './validation-cases.ts';

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
    const allBroken = validateSpec(EVERY_RULE_BROKEN).map((i) => i.message);
    expect(allBroken.sort()).toEqual(rules.map((r) => r.message).sort());
  });
});

describe('validateStatus', () => {
  const status = {
    phase: 'Running',
    observedGeneration: 3,
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'RuntimeAvailable',
        message: 'the runtime is trading',
        lastTransitionTime: '2026-11-24T22:00:00Z',
        observedGeneration: 3,
      },
    ],
    performance: {
      revision: 'krw-majors-1',
      equityKRW: 10_250_000,
      dailyReturns: [{ date: '2026-11-20', returnPct: -2.4 }],
      arms: [{ name: 'enhanced', equityKRW: 5_100_000, trades: 12 }],
      layers: [{ market: 'KRW-BTC', layer: 'technical', action: 'BUY', confidence: 0.85 }],
    },
  };

  it('accepts a well-formed status', () => {
    expect(validateStatus(status).map(formatIssue)).toEqual([]);
  });

  it.each([
    ['an unknown phase', { phase: 'Sleeping' }, 'status.phase'],
    [
      'a condition without reason',
      { conditions: [{ ...status.conditions[0], reason: undefined }] },
      'status.conditions[0].reason',
    ],
    [
      'a CamelCase-less reason',
      { conditions: [{ ...status.conditions[0], reason: 'not ok' }] },
      'status.conditions[0].reason',
    ],
    [
      'a non-KST-date day',
      { performance: { dailyReturns: [{ date: '24/11/2026', returnPct: 1 }] } },
      'status.performance.dailyReturns[0].date',
    ],
    ['fractional won', { performance: { equityKRW: 1.5 } }, 'status.performance.equityKRW'],
    [
      '61 daily returns',
      {
        performance: {
          dailyReturns: Array.from({ length: 61 }, () => ({ date: '2026-11-20', returnPct: 0 })),
        },
      },
      'status.performance.dailyReturns',
    ],
  ])('refuses %s', (_what, patch, path) => {
    expect(validateStatus({ ...status, ...patch }).map((i) => i.path)).toContain(path);
  });
});
