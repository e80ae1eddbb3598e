import { describe, expect, it } from 'vitest';
import { evaluateCriteria } from './criteria.ts';
import { jsonText } from './json-report.ts';
import { sampleResult } from './report.fixture.ts';
import { abComparison, criteriaTable, textReport } from './text-report.ts';

describe('text and JSON reports', () => {
  it('prints one row per arm with every SPEC criterion as a column and a mark per cell', async () => {
    const r = await sampleResult();
    const lines = criteriaTable(r).split('\n');
    expect(lines[0]).toMatch(
      /^arm\s+trades\/wk >=35\s+avg conf >=60.0%\s+win rate >=55.0%\s+return\/wk >=5.0%\s+max DD >=-3.0%\s+return\/mo >=20.0%\s+Sharpe >=1.50\s+trades\/mo >=150\s+DLL breaches =0$/,
    );
    expect(lines).toHaveLength(2 + r.arms.length);
    for (const [i, arm] of r.arms.entries()) {
      const row = lines[2 + i]!;
      expect(row.startsWith(arm.name)).toBe(true);
      const marks = row.match(/[✓✗]/g) ?? [];
      expect(marks).toEqual(evaluateCriteria(arm.metrics).map((c) => (c.pass ? '✓' : '✗')));
    }
  });

  it('compares the arms (A/B) and names the better one per metric', async () => {
    const r = await sampleResult();
    const ab = abComparison(r);
    expect(ab.split('\n')[0]).toMatch(/^metric\s+enhanced\s+ml\s+better$/);
    const ret = ab.split('\n').find((l) => l.startsWith('return'))!;
    const [e, m] = r.arms.map((a) => a.metrics.returnPct);
    expect(ret.trim().endsWith(e! > m! ? 'enhanced' : e! < m! ? 'ml' : '=')).toBe(true);
    expect(textReport(r)).toContain('A/B comparison:');
  });

  it('writes every number as JSON, NaN as null', async () => {
    const r = await sampleResult();
    const parsed = JSON.parse(jsonText(r)) as {
      arms: { name: string; metrics: Record<string, unknown>; criteria: unknown[]; roundTrips: unknown[] }[];
    };
    expect(parsed.arms.map((a) => a.name)).toEqual(['enhanced', 'ml']);
    expect(parsed.arms[0]!.criteria).toHaveLength(9);
    expect(parsed.arms[0]!.roundTrips).toHaveLength(r.arms[0]!.roundTrips.length);
    expect(parsed.arms[0]!.metrics.returnPct).toBe(r.arms[0]!.metrics.returnPct);
  });
});
