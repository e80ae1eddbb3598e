// The runtime metrics the alerts and the dashboard need beyond report/metrics-server.ts: the
// rollback rule's inputs (so "approaching the rule" is an alert, not a surprise), per-layer
// confidence per market (the seed's dashboard page), data completeness, exchange health, model age
// and status writes. Registered on the runtime's registry; labels are bounded sets (arms, layers,
// markets, timeframes, endpoints, status codes), never order ids.
import type { ResolvedSpec } from '@kubetrade/crds';
import { Counter, Gauge, type Registry } from 'prom-client';
import { boundedDailyReturns, type PerformanceReport } from './performance.ts';
import type { ReportOutcome } from './status-reporter.ts';

const KST_OFFSET_MS = 9 * 60 * 60 * 1000;
const kstDay = (at: Date): string => new Date(at.getTime() + KST_OFFSET_MS).toISOString().slice(0, 10);
const previousDay = (day: string): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/**
 * Complete KST days, counted back from yesterday, whose return is <= the rule's threshold: the
 * operator rolls back when this reaches spec.risk.rollback.consecutiveDays (a gap ends the run).
 */
export function trailingBadDays(report: PerformanceReport, thresholdPct: number, now: Date): number {
  const byDay = new Map(boundedDailyReturns(report.dailyReturns).map((d) => [d.date, d.returnPct]));
  let day = previousDay(kstDay(now));
  let n = 0;
  for (let ret = byDay.get(day); ret !== undefined && ret <= thresholdPct; ret = byDay.get(day)) {
    n++;
    day = previousDay(day);
  }
  return n;
}

export class StatusMetrics {
  readonly dailyReturn: Gauge;
  readonly maxDrawdown: Gauge;
  readonly ruleDailyReturn: Gauge;
  readonly ruleDays: Gauge;
  readonly badDays: Gauge;
  readonly dailyLossLimit: Gauge;
  readonly cycleInterval: Gauge;
  readonly confidence: Gauge<'layer' | 'market'>;
  readonly completeness: Gauge<'market' | 'timeframe'>;
  readonly exchangeRequests: Counter<'endpoint' | 'code'>;
  readonly remainingRequests: Gauge<'group'>;
  readonly modelTrained: Gauge<'model'>;
  readonly statusWrites: Counter<'result'>;

  constructor(registry: Registry) {
    const registers = [registry];
    const gauge = (def: { name: string; help: string }) => new Gauge({ ...def, registers });
    this.dailyReturn = gauge({
      name: 'kubetrade_daily_return_ratio',
      help: 'Return of the current KST day so far (-0.02 = -2%)',
    });
    this.maxDrawdown = gauge({
      name: 'kubetrade_max_drawdown_ratio',
      help: 'Deepest fall of total equity from its peak (<= 0)',
    });
    this.ruleDailyReturn = gauge({
      name: 'kubetrade_rollback_rule_daily_return_ratio',
      help: 'spec.risk.rollback.dailyReturnPct / 100: a KST day at or below it is a bad day',
    });
    this.ruleDays = gauge({
      name: 'kubetrade_rollback_rule_consecutive_days',
      help: 'spec.risk.rollback.consecutiveDays: bad days in a row that roll the revision back',
    });
    this.badDays = gauge({
      name: 'kubetrade_rollback_bad_days',
      help: 'Complete KST days in a row (up to yesterday) at or below the rollback threshold',
    });
    this.dailyLossLimit = gauge({
      name: 'kubetrade_daily_loss_limit_ratio',
      help: '-spec.risk.dailyLossLimitPct / 100: the day return that stops new entries',
    });
    this.cycleInterval = gauge({
      name: 'kubetrade_cycle_interval_seconds',
      help: 'spec.cycleSeconds: how often the loop should complete a cycle (the not-cycling alert scales with it)',
    });
    this.confidence = new Gauge({
      name: 'kubetrade_signal_confidence',
      help: "Latest signal confidence per layer and market (0..1); HOLD reports the layer's confidence too",
      labelNames: ['layer', 'market'],
      registers,
    });
    this.completeness = new Gauge({
      name: 'kubetrade_data_completeness_ratio',
      help: 'Collected candles / candles kept (SPEC history table) per market and timeframe',
      labelNames: ['market', 'timeframe'],
      registers,
    });
    this.exchangeRequests = new Counter({
      name: 'kubetrade_exchange_requests_total',
      help: 'Exchange REST requests by endpoint group and HTTP status (429 = rate limited)',
      labelNames: ['endpoint', 'code'],
      registers,
    });
    this.remainingRequests = new Gauge({
      name: 'kubetrade_exchange_remaining_requests',
      help: "Requests left in the current second per Upbit Remaining-Req group (the 'sec' field)",
      labelNames: ['group'],
      registers,
    });
    this.modelTrained = new Gauge({
      name: 'kubetrade_model_trained_timestamp_seconds',
      help: 'Unix time the serving ML model was trained (nightly retrain at 03:00 KST)',
      labelNames: ['model'],
      registers,
    });
    this.statusWrites = new Counter({
      name: 'kubetrade_status_writes_total',
      help: 'status.performance reports by outcome (written, unchanged, busy, failed)',
      labelNames: ['result'],
      registers,
    });
  }

  /**
   * One exchange request's outcome (the Upbit transport's observer): counted by endpoint and code,
   * and the `sec` budget its Remaining-Req header reports for its group.
   */
  observeExchange(o: { endpoint: string; code: string; remainingReq: string | null }): void {
    this.exchangeRequests.inc({ endpoint: o.endpoint, code: o.code });
    const m = o.remainingReq ? /group=([\w-]+).*?sec=(\d+)/.exec(o.remainingReq) : null;
    if (m) this.remainingRequests.set({ group: m[1]! }, Number(m[2]));
  }

  /** The rule's thresholds, from the spec (set once at start). */
  observeSpec(spec: ResolvedSpec): void {
    this.ruleDailyReturn.set(spec.risk.rollback.dailyReturnPct / 100);
    this.ruleDays.set(spec.risk.rollback.consecutiveDays);
    this.dailyLossLimit.set(-spec.risk.dailyLossLimitPct / 100);
    this.cycleInterval.set(spec.cycleSeconds);
  }

  /** Once per cycle, with the same report the status gets. */
  observeReport(report: PerformanceReport, spec: ResolvedSpec, now: Date): void {
    const today = report.dailyReturns.findLast((d) => d.date === kstDay(now));
    this.dailyReturn.set((today?.returnPct ?? 0) / 100);
    this.maxDrawdown.set(report.maxDrawdownPct / 100);
    this.badDays.set(trailingBadDays(report, spec.risk.rollback.dailyReturnPct, now));
    for (const l of report.layers) this.confidence.set({ layer: l.layer, market: l.market }, l.confidence);
    for (const c of report.dataCompleteness)
      this.completeness.set({ market: c.market, timeframe: c.timeframe }, c.pct / 100);
  }

  observeStatusWrite(outcome: ReportOutcome): void {
    this.statusWrites.inc({ result: outcome.written ? 'written' : outcome.reason });
  }
}
