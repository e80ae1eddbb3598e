// What the runtime knows about its own performance (PerformanceReport, DESIGN.md "How data flows")
// and its shape in status.performance. Pure: bounds every list to the CRD's maxItems, keeps money
// in whole won and drops numbers JSON cannot carry (a win rate without trades is NaN, and the
// apiserver rejects a NaN outright, which would lose the whole report).
import { DAILY_RETURNS_KEPT, type DailyReturn, type Performance } from '@kubetrade/crds';

/** CRD maxItems of status.performance.arms / layers / dataCompleteness (crds/src/status-schema.ts). */
export const ARMS_KEPT = 10;
export const LAYER_SIGNALS_KEPT = 100;
export const COMPLETENESS_KEPT = 100;

export interface ArmReport {
  name: string;
  equityKRW: number;
  returnPct?: number;
  trades: number;
  winRate?: number;
  maxDrawdownPct?: number;
  sharpe?: number;
  averageConfidence?: number;
}

export interface LayerSignalReport {
  market: string;
  layer: string;
  action: 'BUY' | 'SELL' | 'HOLD';
  confidence: number;
}

export interface CompletenessReport {
  market: string;
  timeframe: string;
  pct: number;
}

export interface PerformanceReport {
  /** Revision of the RuntimeConfig the runtime runs. */
  revision: string;
  equityKRW: number;
  maxDrawdownPct: number;
  trades: number;
  winRate?: number;
  sharpe?: number;
  averageConfidence?: number;
  arms: readonly ArmReport[];
  /** Return per KST day, any order; the newest DAILY_RETURNS_KEPT are reported. */
  dailyReturns: readonly DailyReturn[];
  layers: readonly LayerSignalReport[];
  dataCompleteness: readonly CompletenessReport[];
  /** The ML model serving now (model-registry/model-metrics.ts), when an arm reads one. */
  model?: ServingModelReport | undefined;
}

export interface ServingModelReport {
  name: string;
  version: string;
  /** Epoch ms (the model's kubetrade.trained_at). */
  trainedAt: number;
}

const finite = (v: number | undefined): number | undefined =>
  v !== undefined && Number.isFinite(v) ? v : undefined;
const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
/** KRW is money: whole won (STYLE.md rule 11). */
const won = (v: number): number => Math.round(v);

function optional<K extends string>(key: K, v: number | undefined): Partial<Record<K, number>> {
  const f = finite(v);
  return f === undefined ? {} : ({ [key]: f } as Record<K, number>);
}

/**
 * Display percentages (drawdown, an arm's return) to 0.01 %: `kubectl get tradingbots` prints them
 * as they are, and noise in the 10th digit would make every cycle a status write. Daily returns are
 * NOT rounded: the drawdown rule compares them with its threshold (-2.0 counts, -1.996 does not).
 */
const pct2 = (v: number | undefined): number | undefined => {
  const f = finite(v);
  return f === undefined ? undefined : Math.round(f * 100) / 100 + 0;
};

/** Newest `keep` days, oldest first, one entry per day (the last reported value of a day wins). */
export function boundedDailyReturns(days: readonly DailyReturn[], keep = DAILY_RETURNS_KEPT): DailyReturn[] {
  const byDay = new Map<string, number>();
  for (const d of days) if (Number.isFinite(d.returnPct)) byDay.set(d.date, d.returnPct);
  return [...byDay.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .slice(-keep)
    .map(([date, returnPct]) => ({ date, returnPct }));
}

/** status.performance without updateTime (that one changes on every write and is set by the writer). */
export function toStatusPerformance(report: PerformanceReport): Omit<Performance, 'updateTime'> {
  return {
    revision: report.revision,
    equityKRW: won(report.equityKRW),
    ...optional('maxDrawdownPct', pct2(report.maxDrawdownPct)),
    trades: Math.max(0, Math.trunc(report.trades)),
    ...optional('winRate', report.winRate),
    ...optional('sharpe', report.sharpe),
    ...optional('averageConfidence', report.averageConfidence),
    arms: report.arms.slice(0, ARMS_KEPT).map((a) => ({
      name: a.name,
      equityKRW: won(a.equityKRW),
      ...optional('returnPct', pct2(a.returnPct)),
      trades: Math.max(0, Math.trunc(a.trades)),
      ...optional('winRate', a.winRate),
      ...optional('maxDrawdownPct', pct2(a.maxDrawdownPct)),
      ...optional('sharpe', a.sharpe),
      ...optional('averageConfidence', a.averageConfidence),
    })),
    dailyReturns: boundedDailyReturns(report.dailyReturns),
    layers: report.layers.slice(0, LAYER_SIGNALS_KEPT).map((l) => ({
      market: l.market,
      layer: l.layer,
      action: l.action,
      confidence: clamp(finite(l.confidence) ?? 0, 0, 1),
    })),
    dataCompleteness: report.dataCompleteness.slice(0, COMPLETENESS_KEPT).map((c) => ({
      market: c.market,
      timeframe: c.timeframe,
      pct: clamp(finite(c.pct) ?? 0, 0, 100),
    })),
    ...(report.model ? { model: statusModel(report.model) } : {}),
  };
}

/** CRD maxLength of status.performance.model.name / version (crds/src/status-schema.ts). */
const MODEL_TEXT_KEPT = 253;

function statusModel(m: ServingModelReport): NonNullable<Performance['model']> {
  return {
    name: m.name.slice(0, MODEL_TEXT_KEPT),
    version: m.version.slice(0, MODEL_TEXT_KEPT),
    ...(Number.isFinite(m.trainedAt) ? { trainedAt: new Date(m.trainedAt).toISOString() } : {}),
  };
}
