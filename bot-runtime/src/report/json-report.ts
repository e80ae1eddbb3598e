// `--json FILE`: every number of the backtest, machine-readable. NaN (undefined metric, e.g. win
// rate with no trades) becomes null; typed arrays become plain arrays.
import type { BacktestResult } from '../loop/backtest.ts';
import { evaluateCriteria } from './criteria.ts';

export function jsonReport(result: BacktestResult): unknown {
  return {
    bot: result.bot,
    revision: result.revision,
    markets: result.markets,
    quoteCurrency: result.quoteCurrency,
    from: new Date(result.from).toISOString(),
    to: new Date(result.to).toISOString(),
    steps: result.steps,
    candles: result.candles,
    arms: result.arms.map((a) => ({
      name: a.name,
      weight: a.spec.weight,
      layers: a.spec.layers,
      mlValidation: a.spec.mlValidation,
      metrics: a.metrics,
      criteria: evaluateCriteria(a.metrics),
      refused: a.refused,
      roundTrips: a.roundTrips.map((t) => ({
        ...t,
        entryTime: new Date(t.entryTime).toISOString(),
        exitTime: new Date(t.exitTime).toISOString(),
      })),
    })),
  };
}

export function jsonText(result: BacktestResult): string {
  return `${JSON.stringify(jsonReport(result), (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}
