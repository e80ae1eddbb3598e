// The terminal report of `kubetrade backtest`: one row per arm with the SPEC's success criteria as
// columns (value + pass/fail mark; reported, never promised), then the A/B comparison of the arms.
import type { BacktestResult } from '../loop/backtest.ts';
import { criterionDigits, evaluateCriteria, formatValue } from './criteria.ts';

const PASS = '✓';
const FAIL = '✗';

function table(header: string[], rows: string[][]): string {
  const width = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(width[i]!) : c.padStart(width[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(width.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function criteriaTable(result: BacktestResult): string {
  const first = result.arms[0];
  if (!first) return '(no arms)';
  const crit = evaluateCriteria(first.metrics);
  const header = [
    'arm',
    ...crit.map((c) => `${c.label} ${c.op === '==' ? '=' : c.op}${formatValue(c.threshold, c.unit)}`),
  ];
  const rows = result.arms.map((a) => [
    a.name,
    ...evaluateCriteria(a.metrics).map(
      (c) =>
        `${formatValue(c.value, c.unit, c.id.endsWith('Return'), criterionDigits(c.id, c.unit))} ${c.pass ? PASS : FAIL}`,
    ),
  ]);
  return table(header, rows);
}

interface Row {
  label: string;
  get: (a: BacktestResult['arms'][number]) => number;
  unit: '' | '%' | 'x';
  /** Which direction is better, for the "better" column. */
  better: 'higher' | 'lower' | 'none';
}

const AB_ROWS: readonly Row[] = [
  { label: 'trades (round trips)', get: (a) => a.metrics.trades, unit: '', better: 'none' },
  { label: 'average confidence', get: (a) => a.metrics.avgConfidence * 100, unit: '%', better: 'higher' },
  { label: 'win rate', get: (a) => a.metrics.winRate * 100, unit: '%', better: 'higher' },
  { label: 'return', get: (a) => a.metrics.returnPct, unit: '%', better: 'higher' },
  { label: 'max drawdown', get: (a) => a.metrics.maxDrawdownPct, unit: '%', better: 'higher' },
  { label: 'Sharpe (daily, x sqrt 365)', get: (a) => a.metrics.sharpe, unit: 'x', better: 'higher' },
  { label: 'exposure', get: (a) => a.metrics.exposurePct, unit: '%', better: 'none' },
  { label: 'fees paid', get: (a) => a.metrics.feesPaid, unit: '', better: 'lower' },
  { label: 'daily loss limit breaches', get: (a) => a.metrics.dailyLossBreaches, unit: '', better: 'lower' },
];

/** SPEC "A/B test": compare per arm trades, average confidence, win rate, return, max drawdown (+ Sharpe, exposure). */
export function abComparison(result: BacktestResult): string {
  const arms = result.arms;
  const header = ['metric', ...arms.map((a) => a.name), ...(arms.length > 1 ? ['better'] : [])];
  const rows = AB_ROWS.map((r) => {
    const values = arms.map(r.get);
    const cells = values.map((v) =>
      formatValue(
        r.unit === '' && !Number.isInteger(v) ? Math.round(v) : v,
        r.unit,
        r.unit === '%' && r.label === 'return',
      ),
    );
    let better = '';
    if (arms.length > 1 && r.better !== 'none' && values.every(Number.isFinite)) {
      const best = r.better === 'higher' ? Math.max(...values) : Math.min(...values);
      const winners = arms.filter((_, i) => values[i] === best);
      better = winners.length === arms.length ? '=' : winners.map((a) => a.name).join(',');
    }
    return [r.label, ...cells, ...(arms.length > 1 ? [better] : [])];
  });
  return table(header, rows);
}

export function textReport(result: BacktestResult): string {
  const iso = (t: number): string => new Date(t).toISOString().slice(0, 16).replace('T', ' ');
  const days = result.arms[0]?.metrics.days ?? 0;
  return [
    `backtest ${result.bot} @ ${result.revision}: ${result.markets.join(', ')} (${result.quoteCurrency})`,
    `period ${iso(result.from)} .. ${iso(result.to)} UTC, ${days.toFixed(1)} days, ${result.steps} decisions, ${result.candles} 5m candles`,
    '',
    'SPEC success criteria per arm (reported, never promised; weekly/monthly rates scaled from the period, see docs/metrics.md):',
    criteriaTable(result),
    '',
    'A/B comparison:',
    abComparison(result),
  ].join('\n');
}
