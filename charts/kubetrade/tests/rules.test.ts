// Static checks of the alerts, their promtool tests, their runbooks and the Grafana dashboard:
// every query names a metric the code exports, every alert has a runbook section and both a
// firing and a quiet `promtool test rules` case. promtool itself runs in rules.int.test.ts.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportedMetricNames, metricsIn, ROOT, unknownMetrics } from './metric-names.ts';

interface Rule {
  alert: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface AlertTest {
  alert_rule_test: Array<{ alertname: string; exp_alerts: unknown[] }>;
}

const chart = resolve(ROOT, 'charts/kubetrade');
const rules: Rule[] = parse(
  readFileSync(resolve(chart, 'files/prometheus-rules.yaml'), 'utf8'),
).groups.flatMap((g: { rules: Rule[] }) => g.rules);
const ruleTests: AlertTest[] = parse(readFileSync(resolve(chart, 'tests/rules-test.yaml'), 'utf8')).tests;
const runbooks = readFileSync(resolve(ROOT, 'docs/runbooks.md'), 'utf8');
const dashboard = JSON.parse(readFileSync(resolve(chart, 'files/dashboards/kubetrade.json'), 'utf8'));
const known = exportedMetricNames();

/** GitHub's heading anchors: lower case, spaces to '-', punctuation dropped. */
const anchors = new Set(
  [...runbooks.matchAll(/^#+\s+(.+)$/gm)].map((m) =>
    (m[1] as string)
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9 -]/g, '')
      .replace(/ /g, '-'),
  ),
);

describe('alerts', () => {
  it('reads the metric names from the code (the check below is not vacuous)', () => {
    expect(known).toContain('kubetrade_arm_daily_loss_halted');
    expect(known).toContain('kubetrade_rollbacks_total');
    expect(unknownMetrics('rate(kubetrade_no_such_metric_total[5m])', known)).toEqual([
      'kubetrade_no_such_metric_total',
    ]);
  });

  it.each(rules.map((r) => [r.alert, r] as const))('%s queries metrics the code exports', (_, rule) => {
    expect(metricsIn(rule.expr).length).toBeGreaterThan(0);
    expect(unknownMetrics(rule.expr, known)).toEqual([]);
  });

  it.each(rules.map((r) => [r.alert, r] as const))('%s links its runbook section', (alert, rule) => {
    const url = rule.annotations?.runbook_url ?? '';
    expect(url).toMatch(/\/docs\/runbooks\.md#/);
    const anchor = url.split('#')[1] ?? '';
    expect(anchor).toBe(alert.toLowerCase());
    expect(anchors).toContain(anchor);
    expect(['critical', 'warning', 'info']).toContain(rule.labels?.severity);
  });

  it.each(rules.map((r) => [r.alert] as const))('%s has a firing and a quiet promtool case', (alert) => {
    const cases = ruleTests.flatMap((t) => t.alert_rule_test).filter((c) => c.alertname === alert);
    expect(cases.some((c) => c.exp_alerts.length > 0)).toBe(true);
    expect(cases.some((c) => c.exp_alerts.length === 0)).toBe(true);
  });

  it('covers what a trader and an SRE asked for (issue 7)', () => {
    const names = rules.map((r) => r.alert);
    for (const alert of [
      'KubetradeDrawdownApproachingRollback',
      'KubetradeRollbackHappened',
      'KubetradeDailyLossLimitHit',
      'KubetradeBotNotCycling',
      'KubetradeExchangeErrors',
      'KubetradeExchangeRateLimited',
      'KubetradeDependencyDown',
      'KubetradeModelStale',
      'KubetradeOperatorAbsent',
      'KubetradeReconcileErrors',
    ])
      expect(names).toContain(alert);
  });
});

describe('Grafana dashboard', () => {
  type Panel = { title: string; type: string; targets?: Array<{ expr: string }>; panels?: Panel[] };
  const panels: Panel[] = dashboard.panels.flatMap((p: Panel) => [p, ...(p.panels ?? [])]);
  const queries = panels.flatMap((p) => (p.targets ?? []).map((t) => [p.title, t.expr] as const));

  it.each(queries)('%s: %s names exported metrics only', (_, expr) => {
    expect(metricsIn(expr).length).toBeGreaterThan(0);
    expect(unknownMetrics(expr, known)).toEqual([]);
  });

  it('has the runtime panels of issue 7', () => {
    const exprs = queries.map(([, e]) => e).join('\n');
    for (const metric of [
      'kubetrade_signal_confidence',
      'kubetrade_arm_equity',
      'kubetrade_daily_return_ratio',
      'kubetrade_rollback_rule_daily_return_ratio',
      'kubetrade_arm_trades',
      'kubetrade_cycle_compute_seconds_bucket',
      'kubetrade_exchange_requests_total',
    ])
      expect(exprs).toContain(metric);
  });

  it('has unique panel ids and grid positions inside the 24-column grid', () => {
    const ids = panels.map((p) => (p as unknown as { id: number }).id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of panels) {
      const g = (p as unknown as { gridPos: { x: number; w: number } }).gridPos;
      expect(g.x + g.w).toBeLessThanOrEqual(24);
    }
  });
});
