// `npm run bench`: every speed and memory target of ../shared/DESIGN.md, measured in one run and
// reported as figures and ratios (never asserted: targets belong here, not in timed unit tests).
//
//   npm run bench                       everything, full sizes (1,000 bots, one year x 4 markets)
//   npm run bench -- --quick            smaller sizes, same measurements (a few minutes)
//   npm run bench -- --only runtime     runtime | store | live | operator | sweep (repeatable)
//   npm run bench -- --json out.json    also write the figures as JSON
//
// Starts the control plane and PostgreSQL/Redis when they are not running, and stops what it started.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseExports } from '../test/environment.ts';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.flatMap((a, i) => (a === '--only' ? [args[i + 1] ?? ''] : []));
const jsonOut = args.flatMap((a, i) => (a === '--json' ? [args[i + 1] ?? ''] : []))[0];
const wanted = (section: string) => only.length === 0 || only.includes(section);

interface Row {
  section: string;
  measure: string;
  value: string;
  target: string;
  verdict: string;
}
const rows: Row[] = [];
const figures: Record<string, unknown> = { node: process.version, quick, time: new Date().toISOString() };

const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : String(n));
function row(section: string, measure: string, value: string, target = '', met?: boolean) {
  rows.push({ section, measure, value, target, verdict: met === undefined ? '' : met ? 'met' : 'MISSED' });
}
function say(msg: string) {
  process.stderr.write(`[bench] ${msg}\n`);
}

function hack(script: string, verb: string): { exports: Record<string, string>; ok: boolean } {
  try {
    const out = execFileSync('bash', [resolve(root, 'hack', script), verb], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    return { exports: parseExports(out), ok: true };
  } catch {
    return { exports: {}, ok: false };
  }
}

async function runtimeSection() {
  const { liveCycleBench, backtestBench } = await import('../bot-runtime/src/bench.ts');
  say('runtime: one live cycle (4 markets x 3 timeframes, all layers + ONNX)');
  const cycle = await liveCycleBench(quick ? { cycles: 200, warmCycles: 100 } : {});
  figures.liveCycle = cycle;
  row(
    'runtime',
    'live cycle compute, median',
    `${fmt(cycle.medianMs, 3)} ms`,
    `<= ${cycle.targetMs} ms`,
    cycle.medianMs <= cycle.targetMs,
  );
  row('runtime', 'live cycle compute, p95', `${fmt(cycle.p95Ms, 3)} ms`);
  say(`runtime: backtest, ${quick ? 60 : 365} days of 5m candles x 4 markets, all layers`);
  const bt = await backtestBench(quick ? { days: 60, runs: 2 } : {});
  figures.backtest = bt;
  row(
    'runtime',
    `backtest ${bt.candles.toLocaleString('en')} candles`,
    `${fmt(bt.backtestMs, 0)} ms`,
    `<= ${bt.targetMs} ms (1 year)`,
    quick ? undefined : bt.backtestMs <= bt.targetMs,
  );
  row('runtime', 'backtest CPU time (less noisy on a shared machine)', `${fmt(bt.backtestCpuMs, 0)} ms`);
  row(
    'runtime',
    'backtest / single typed-array pass',
    `${fmt(bt.ratioToSinglePass, 1)}x`,
    `<= ${bt.targetRatio}x`,
    bt.ratioToSinglePass <= bt.targetRatio,
  );
  row('runtime', 'backtest without ONNX / single pass', `${fmt(bt.withoutModels.ratioToSinglePass, 1)}x`);
  row('runtime', 'candles per second', Math.round(bt.candlesPerSecond).toLocaleString('en'));
}

async function storeSection(databaseUrl: string | undefined) {
  const { benchStore } = await import('../bot-runtime/src/store/bench.ts');
  say('store: orders (intent + fill + trade log) on PGlite and PostgreSQL');
  const results = await benchStore({ databaseUrl, orders: quick ? 300 : 1_000 });
  figures.store = results;
  for (const r of results) {
    row(
      'store',
      `orders/s on ${r.engine === 'pg' ? 'PostgreSQL' : 'PGlite'}`,
      fmt(r.ordersPerSecond, 0),
      '',
      undefined,
    );
    row(
      'store',
      `one order p50 on ${r.engine === 'pg' ? 'PostgreSQL' : 'PGlite'}`,
      `${fmt(r.p50OrderMs, 2)} ms`,
    );
  }
}

async function operatorSection() {
  const { benchApplyToChildren, benchScale } = await import('../operator/src/bench.ts');
  say('operator: apply -> all children present');
  const apply: Record<string, number> = await benchApplyToChildren({ bots: quick ? 30 : 100 });
  figures.applyToChildren = apply;
  const p50 = apply.p50Ms ?? Number.NaN;
  row('operator', 'apply -> children, p50', `${fmt(p50, 1)} ms`, '<= 50 ms', p50 <= 50);
  row('operator', 'apply -> children, p99', `${fmt(apply.p99Ms ?? Number.NaN, 1)} ms`);
  const bots = quick ? 200 : 1000;
  say(`operator: ${bots} bots at once, RSS, steady-state writes`);
  const scale = await benchScale({ bots, steadySeconds: quick ? 20 : 60 });
  figures.scale = scale;
  const ratio = scale.convergeRatio;
  row(
    'operator',
    `${bots} raw creates (7 children each) / operator converge`,
    `${fmt(scale.rawCreateSeconds, 1)} s / ${fmt(scale.convergeSeconds, 1)} s`,
  );
  row(
    'operator',
    `${bots} bots -> all reconciled / raw creates`,
    `${fmt(ratio, 2)}x`,
    '<= 1.5x',
    ratio <= 1.5,
  );
  const rss = scale.operatorRssMiB;
  row(
    'operator',
    `operator RSS at ${bots} bots`,
    `${fmt(rss, 0)} MiB`,
    '<= 150 MB (1,000 bots)',
    quick ? undefined : rss <= 150,
  );
  const writes = scale.steadyStateWrites;
  row('operator', `writes in ${quick ? 20 : 60} s of steady state`, String(writes), '0', writes === 0);
}

async function liveSection(databaseUrl: string | undefined) {
  const { benchLive } = await import('../bot-runtime/src/live/bench.ts');
  say('live: cycle with the store in the loop (intent -> local Upbit -> fill -> trade log) vs compute only');
  const n = quick ? 100 : 300;
  const r = await benchLive({ databaseUrl, cycles: n, exchangeOrders: n });
  figures.live = r;
  const base = r.computeOnly;
  row(
    'live',
    `cycle compute only (paper broker), median / with orders`,
    `${fmt(base.medianCycleMs, 3)} / ${fmt(base.medianOrderCycleMs, 3)} ms`,
  );
  for (const s of r.withStore) {
    const engine = s.store === 'pg' ? 'PostgreSQL' : 'PGlite';
    row(
      'live',
      `cycle with ${engine} + exchange, median / with orders`,
      `${fmt(s.medianCycleMs, 1)} / ${fmt(s.medianOrderCycleMs, 1)} ms`,
    );
    row(
      'live',
      `  ${engine} cycle / compute-only cycle (with orders)`,
      `${fmt(s.medianOrderCycleMs / base.medianOrderCycleMs, 0)}x`,
    );
  }
  const x = r.exchange;
  row('live', 'exchange: orders/s through UpbitBroker on loopback', fmt(x.brokerOrdersPerSecond, 0));
  row('live', 'exchange: one order (POST + lookup) p50', `${fmt(x.orderRoundTripP50Ms, 2)} ms`);
  row('live', 'exchange: JWT sign', `${fmt(x.jwtSignMicros, 1)} us`);
  row('live', 'exchange: 2,016 5m candles (11 pages)', `${fmt(x.candles7dMs, 0)} ms`);
}

async function sweepSection() {
  const { sweepBench } = await import('../bot-runtime/src/sweep/bench.ts');
  say('sweep: the seed grid on real candles, 1 worker vs every core');
  const s = await sweepBench({ quick });
  figures.sweep = s;
  row(
    'sweep',
    `${s.candidates} candidates x ${s.days} days: 1 worker / ${s.workers} workers`,
    `${fmt(s.oneWorkerMs / 1000, 1)} s / ${fmt(s.allWorkersMs / 1000, 1)} s`,
  );
  row(
    'sweep',
    `speed-up, ${s.workers} workers vs 1`,
    `${fmt(s.speedup, 2)}x`,
    `>= ${s.targetSpeedup}x on 2 workers`,
    s.workers >= 2 ? s.speedup >= s.targetSpeedup : undefined,
  );
  row(
    'sweep',
    `CPU time 1 worker / ${s.workers} workers (equal = no parallel overhead)`,
    `${fmt(s.oneWorkerCpuMs / 1000, 1)} s / ${fmt(s.allWorkersCpuMs / 1000, 1)} s`,
  );
  row(
    'sweep',
    `the machine's ceiling: arithmetic loop on ${s.workers} threads vs 1; sweep / ceiling`,
    `${fmt(s.ceilingSpeedup, 2)}x; ${fmt(s.speedup / s.ceilingSpeedup, 2)}`,
  );
  row('sweep', 'load average (1 min) after the runs; > cores = shared', fmt(s.loadAverage, 1));
}

async function main() {
  let startedCp = false;
  let startedServices = false;
  let databaseUrl = process.env.DATABASE_URL;
  try {
    if (wanted('operator') && !process.env.KUBECONFIG) {
      startedCp = !hack('control-plane.sh', 'status').ok;
      const cp = hack('control-plane.sh', 'up');
      if (cp.exports.KUBECONFIG) process.env.KUBECONFIG = cp.exports.KUBECONFIG;
    }
    if ((wanted('store') || wanted('live')) && !databaseUrl) {
      startedServices = !hack('services.sh', 'status').ok;
      databaseUrl = hack('services.sh', 'up').exports.DATABASE_URL;
    }
    if (wanted('runtime')) await runtimeSection();
    if (wanted('store')) await storeSection(databaseUrl);
    if (wanted('live')) await liveSection(databaseUrl);
    if (wanted('operator')) await operatorSection();
    if (wanted('sweep')) await sweepSection();
  } finally {
    if (startedCp) hack('control-plane.sh', 'down');
    if (startedServices) hack('services.sh', 'down');
  }
  const widths = ['section', 'measure', 'value', 'target', 'verdict'].map((k) =>
    Math.max(k.length, ...rows.map((r) => String(r[k as keyof Row]).length)),
  );
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(`\nkubetrade benchmarks on node ${process.version}${quick ? ' (--quick sizes)' : ''}`);
  console.log(line(['section', 'measure', 'value', 'target', 'verdict']));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line([r.section, r.measure, r.value, r.target, r.verdict]));
  if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(figures, null, 2)}\n`);
}

await main();
