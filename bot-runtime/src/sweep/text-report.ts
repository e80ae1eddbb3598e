// The terminal report of a sweep: one row per candidate, best out-of-sample first, with its grid
// values, in-sample vs out-of-sample Sharpe, and the SPEC success criteria as pass/fail columns
// (the backtest report's labels and formatting, report/criteria.ts); then the rank stability, the
// walk-forward chain and the luck adjustment of the winner.
import { criterionDigits, formatValue, SEED_CRITERIA } from '../report/criteria.ts';
import type { SweepAnalysis } from './analysis.ts';
import type { GridSpec } from './grid.ts';

const PASS = '✓';
const FAIL = '✗';

/** The last two segments of a dotted path: rsi.oversold, technical.volumeSurge. */
export function shortName(path: string): string {
  return path.split('.').slice(-2).join('.');
}

function table(header: string[], rows: string[][]): string {
  const width = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padStart(width[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(width.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const num = (v: number, digits = 2): string => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
const signedPct = (v: number): string => formatValue(v, '%', true);

export function candidatesTable(a: SweepAnalysis, grid: GridSpec): string {
  const header = [
    'rank',
    '#',
    ...grid.parameters.map((p) => shortName(p.path)),
    'IS Sharpe',
    'OOS Sharpe',
    'OOS return',
    ...SEED_CRITERIA.map(
      (c) => `${c.label} ${c.op === '==' ? '=' : c.op}${formatValue(c.threshold, c.unit)}`,
    ),
  ];
  const rows = a.ranking.map((index) => {
    const s = a.candidates.find((c) => c.record.index === index)!;
    const r = s.record;
    return [
      String(s.rank),
      String(index),
      ...grid.parameters.map((p) => String(r.params[p.path])),
      num(s.meanIsSharpe),
      num(s.meanOosSharpe),
      signedPct(s.oosReturnPct),
      ...SEED_CRITERIA.map((c) => {
        const got = r.criteria.find((x) => x.id === c.id);
        if (!got) return 'n/a';
        const text = formatValue(got.value, c.unit, c.id.endsWith('Return'), criterionDigits(c.id, c.unit));
        return `${text} ${got.pass ? PASS : FAIL}`;
      }),
    ];
  });
  return table(header, rows);
}

export function verdictLines(a: SweepAnalysis, grid: GridSpec): string[] {
  const w = a.winner;
  const d = a.deflated;
  const wf = grid.walkForward;
  return [
    `rank stability: Spearman(in-sample, out-of-sample Sharpe) per window ${a.stability.isVsOos.map((v) => num(v)).join(', ')} (mean ${num(a.stability.meanIsVsOos)}); out-of-sample ranks of consecutive windows ${a.stability.consecutiveOos.map((v) => num(v)).join(', ') || 'n/a'} (mean ${num(a.stability.meanConsecutiveOos)})`,
    `walk-forward (each window trades its in-sample best out of sample, train ${wf.trainDays} d / test ${wf.testDays} d / step ${wf.stepDays} d): picks #${a.walkForward.picks.join(', #')}, out-of-sample return ${signedPct(a.walkForward.oosReturnPct)}`,
    `winner #${w.record.index} ${JSON.stringify(w.record.params)}: mean out-of-sample Sharpe ${num(w.meanOosSharpe)} (in-sample ${num(w.meanIsSharpe)})`,
    `luck adjustment: deflated Sharpe ratio ${num(d.dsr, 3)} = P(true Sharpe > ${num(d.sr0, 4)}/day, the best of ${d.trials} trials by luck) for daily Sharpe ${num(d.sharpe, 4)} over ${d.observations} days; PBO (CSCV, ${a.pbo.partitions} groups, ${a.pbo.logits.length} splits) ${num(a.pbo.pbo, 3)} — see docs/sweep.md`,
  ];
}

export function sweepTextReport(a: SweepAnalysis, grid: GridSpec, header: string): string {
  return [
    header,
    '',
    'Candidates, best mean out-of-sample Sharpe first; SPEC success criteria over the whole period (reported, never promised):',
    candidatesTable(a, grid),
    '',
    ...verdictLines(a, grid),
  ].join('\n');
}
