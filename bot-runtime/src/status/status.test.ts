import { applyDefaults, DAILY_RETURNS_KEPT, type Performance } from '@kubetrade/crds';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { performanceApplyPatch, statusApplyPatch } from './kube-status.ts';
import { boundedDailyReturns, type PerformanceReport, toStatusPerformance } from './performance.ts';
import { StatusMetrics, trailingBadDays } from './status-metrics.ts';
import { StatusReporter, type StatusSink } from './status-reporter.ts';

const report = (over: Partial<PerformanceReport> = {}): PerformanceReport => ({
  revision: 'abc',
  equityKRW: 10_000_123.6,
  maxDrawdownPct: -1.5,
  trades: 4,
  winRate: Number.NaN,
  sharpe: 1.2,
  averageConfidence: 0.7,
  arms: [{ name: 'enhanced', equityKRW: 5_000_000.4, trades: 2, winRate: 0.5 }],
  dailyReturns: [
    { date: '2026-11-22', returnPct: -2.5 },
    { date: '2026-11-21', returnPct: -2 },
  ],
  layers: [{ market: 'KRW-BTC', layer: 'technical', action: 'BUY', confidence: 0.85 }],
  dataCompleteness: [{ market: 'KRW-BTC', timeframe: '5m', pct: 120 }],
  ...over,
});

describe('toStatusPerformance', () => {
  it('keeps money in whole won, drops NaN, clamps percentages', () => {
    const p = toStatusPerformance(report());
    expect(p.equityKRW).toBe(10_000_124);
    expect(p.arms?.[0]?.equityKRW).toBe(5_000_000);
    expect('winRate' in p).toBe(false);
    expect(p.dataCompleteness?.[0]?.pct).toBe(100);
    expect(p.dailyReturns?.map((d) => d.date)).toEqual(['2026-11-21', '2026-11-22']);
  });
  it('bounds daily returns to the CRD maxItems, newest last, one per day', () => {
    const many = Array.from({ length: DAILY_RETURNS_KEPT + 5 }, (_, i) => ({
      date: new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10),
      returnPct: i,
    }));
    const kept = boundedDailyReturns([...many, { date: '2026-01-06', returnPct: 99 }]);
    expect(kept).toHaveLength(DAILY_RETURNS_KEPT);
    expect(kept[0]?.date).toBe('2026-01-06');
    expect(kept[0]?.returnPct).toBe(99);
    expect(kept.at(-1)).toEqual(many.at(-1));
  });
  it('names the serving model with an ISO training time, bounded to the CRD maxLength; none without one', () => {
    expect('model' in toStatusPerformance(report())).toBe(false);
    const trainedAt = Date.parse('2026-11-25T03:00:00Z');
    const p = toStatusPerformance(
      report({ model: { name: 'lgbm-krw', version: 'v'.repeat(300), trainedAt } }),
    );
    expect(p.model).toEqual({
      name: 'lgbm-krw',
      version: 'v'.repeat(253),
      trainedAt: '2026-11-25T03:00:00.000Z',
    });
    const untimed = toStatusPerformance(
      report({ model: { name: 'm', version: '1', trainedAt: Number.NaN } }),
    );
    expect(untimed.model).toEqual({ name: 'm', version: '1' });
  });
});

describe('StatusReporter', () => {
  const sink = () => {
    const writes: Performance[] = [];
    let fail = false;
    const s: StatusSink & { writes: Performance[]; fail(v: boolean): void } = {
      writes,
      fail: (v) => {
        fail = v;
      },
      writePerformance: async (p) => {
        if (fail) throw new Error('apiserver said no');
        writes.push(p);
      },
    };
    return s;
  };
  it('writes once, then nothing while the report is unchanged', async () => {
    const s = sink();
    const reporter = new StatusReporter(s, () => new Date('2026-11-23T00:00:00Z'));
    expect(await reporter.report(report())).toEqual({ written: true });
    expect(await reporter.report(report())).toEqual({ written: false, reason: 'unchanged' });
    expect(await reporter.report(report({ trades: 5 }))).toEqual({ written: true });
    expect(s.writes).toHaveLength(2);
    expect(s.writes[0]?.updateTime).toBe('2026-11-23T00:00:00.000Z');
  });
  it('returns a failed write as a coded error and retries it next cycle', async () => {
    const s = sink();
    const reporter = new StatusReporter(s);
    s.fail(true);
    const failed = await reporter.report(report());
    expect(failed.written).toBe(false);
    expect(failed.written === false && failed.reason === 'failed' && failed.error.code).toBe(
      'StatusWriteFailed',
    );
    s.fail(false);
    expect(await reporter.report(report())).toEqual({ written: true });
  });
  it('skips a cycle while the previous write is still running (never two at once)', async () => {
    let release: () => void = () => {};
    const slow: StatusSink = { writePerformance: () => new Promise<void>((r) => (release = r)) };
    const reporter = new StatusReporter(slow);
    const first = reporter.report(report());
    expect(await reporter.report(report({ trades: 9 }))).toEqual({ written: false, reason: 'busy' });
    release();
    expect(await first).toEqual({ written: true });
  });
});

describe('apply patch', () => {
  it('carries status.performance only', () => {
    const body = performanceApplyPatch({ namespace: 'n', name: 'b' }, { trades: 1 });
    expect(Object.keys(body.status)).toEqual(['performance']);
    expect(body).not.toHaveProperty('spec');
  });
  it("the trainer's status.lastRetrain goes through the same body, alone", () => {
    const body = statusApplyPatch({ namespace: 'n', name: 'b' }, { lastRetrain: { modelVersion: 'v9' } });
    expect(body.status).toEqual({ lastRetrain: { modelVersion: 'v9' } });
    expect(body.metadata).toEqual({ namespace: 'n', name: 'b' });
  });
});

describe('StatusMetrics', () => {
  const spec = applyDefaults({});
  const now = new Date('2026-11-23T03:00:00Z'); // 2026-11-23 12:00 KST
  it('counts complete bad days back from yesterday; a gap or a good day ends the run', () => {
    expect(trailingBadDays(report(), -2, now)).toBe(2);
    expect(trailingBadDays(report(), -2.1, now)).toBe(1);
    expect(trailingBadDays(report({ dailyReturns: [{ date: '2026-11-21', returnPct: -5 }] }), -2, now)).toBe(
      0,
    );
  });
  it('exports the rule, the streak and per-layer confidence', async () => {
    const registry = new Registry();
    const m = new StatusMetrics(registry);
    m.observeSpec(spec);
    m.observeReport(
      report({ dailyReturns: [...report().dailyReturns, { date: '2026-11-23', returnPct: -1 }] }),
      spec,
      now,
    );
    m.observeStatusWrite({ written: false, reason: 'unchanged' });
    const text = await registry.metrics();
    expect(text).toContain('kubetrade_rollback_rule_daily_return_ratio -0.02');
    expect(text).toContain('kubetrade_rollback_rule_consecutive_days 3');
    expect(text).toContain('kubetrade_cycle_interval_seconds 60');
    expect(text).toContain('kubetrade_daily_loss_limit_ratio -0.03');
    expect(text).toContain('kubetrade_rollback_bad_days 2');
    expect(text).toContain('kubetrade_daily_return_ratio -0.01');
    expect(text).toContain('kubetrade_signal_confidence{layer="technical",market="KRW-BTC"} 0.85');
    expect(text).toContain('kubetrade_status_writes_total{result="unchanged"} 1');
  });
});
