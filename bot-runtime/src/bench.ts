// Benchmarks the lead's `npm run bench` calls (DESIGN.md "Targets"):
//   (a) liveCycleBench: compute time of one live cycle — 4 markets x 3 timeframes (5m entry, 15m
//       momentum, 1h trend), every layer (technical, multiTimeframe, ml, rl) + ML validation, real
//       ONNX inference through onnxruntime-node. Target <= 5 ms.
//   (b) backtestBench: one year of 5m candles x 4 markets (synthetic, seeded) through the backtest
//       with every layer, and its ratio to engineer A's singlePassIndicators over the same candles.
//       Targets <= 1 s and within 10x of the single pass.
// Both run the production code paths (TradingCore, PaperBroker, MarketFeed), nothing bench-only.
import { fileURLToPath } from 'node:url';
import { applyDefaults, type ResolvedSpec } from '@kubetrade/crds';
import { loadStrategyModels } from './engines/strategy-models.ts';
import { PaperBroker } from './execution/paper-broker.ts';
import { singlePassIndicators } from './indicators/bench.ts';
import { type BatchModels, runBacktest } from './loop/backtest.ts';
import { SimulatedClock } from './loop/clock.ts';
import { PaperRunner } from './loop/paper-run.ts';
import type { CandleSeries } from './market/series.ts';
import type { MarketData } from './market/source.ts';
import { SyntheticMarket } from './market/synthetic-market.ts';
import { TIMEFRAME_MS } from './market/timeframes.ts';
import type { Signal } from './types.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const RL_FIXTURE = `${REPO}models/fixtures/rl-policy-linear.onnx`;
const MARKETS = ['KRW-BTC', 'KRW-ETH', 'KRW-XRP', 'KRW-SOL'];

/** The SPEC's A/B split plus one arm with every layer, so every engine runs each decision. */
export function benchSpec(): ResolvedSpec {
  return applyDefaults({
    markets: MARKETS,
    rl: { policyPath: RL_FIXTURE },
    capital: {
      totalKRW: 10_000_000,
      split: [
        { name: 'enhanced', weight: 40, layers: ['technical', 'multiTimeframe'], mlValidation: true },
        { name: 'ml', weight: 30, layers: ['ml'] },
        { name: 'all', weight: 30, layers: ['technical', 'multiTimeframe', 'ml', 'rl'], mlValidation: true },
      ],
    },
  } as never);
}

export async function benchModels(spec: ResolvedSpec): Promise<BatchModels> {
  const loaded = await loadStrategyModels(spec.capital.split, spec.ml, spec.rl);
  return {
    ...(loaded.ml ? { ml: loaded.ml } : {}),
    ...(loaded.rl ? { rl: { act: (rows: Float32Array) => loaded.rl!.act(rows) } } : {}),
  };
}

const HOLD_SIGNAL: Signal = { market: '', time: 0, action: 'HOLD', confidence: 0, reasons: [], layers: {} };
/** A strategy that never trades and costs nothing: isolates the loop's own per-candle cost. */
const holdDecide = (): Signal => HOLD_SIGNAL;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

export interface LiveCycleResult {
  cycles: number;
  markets: number;
  /** Mean new 5m candles per measured cycle (4 = every market closed a candle: the busiest cycle). */
  candlesPerCycle: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  targetMs: number;
}

/**
 * Runs the paper driver on a simulated clock that advances one 5m candle per cycle (each cycle
 * releases a new closed candle for all 4 markets, the busiest kind of live cycle) and reports the
 * compute time per cycle after `warmCycles` cycles of JIT warm-up.
 */
export async function liveCycleBench(
  options: { cycles?: number; warmCycles?: number } = {},
): Promise<LiveCycleResult> {
  const spec = benchSpec();
  const cycles = options.cycles ?? 500;
  const warm = options.warmCycles ?? 200;
  const start = Date.UTC(2025, 3, 1);
  const clock = new SimulatedClock(start);
  const source = new SyntheticMarket({ seed: 7, markets: MARKETS, start: Date.UTC(2025, 0, 1) });
  const times: number[] = [];
  let candles = 0;
  const abort = new AbortController();
  const runner = new PaperRunner({
    spec: { ...spec, cycleSeconds: TIMEFRAME_MS['5m'] / 1000 },
    source,
    markets: MARKETS,
    clock,
    broker: new PaperBroker({
      feePct: spec.risk.feePct,
      slippagePct: spec.risk.slippagePct,
      minOrderKRW: spec.risk.minOrderKRW,
    }),
    models: await benchModels(spec),
    bot: 'bench',
    revision: 'bench',
    signal: abort.signal,
    maxCycles: warm + cycles,
    onCycle: (info) => {
      if (info.cycle > warm) {
        times.push(info.computeMs);
        candles += info.newCandles;
      }
    },
  });
  await runner.run();
  const sorted = [...times].sort((a, b) => a - b);
  return {
    cycles: times.length,
    markets: MARKETS.length,
    candlesPerCycle: candles / Math.max(1, times.length),
    medianMs: percentile(sorted, 0.5),
    p95Ms: percentile(sorted, 0.95),
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
    targetMs: 5,
  };
}

export interface BacktestBenchResult {
  candles: number;
  markets: number;
  backtestMs: number;
  /**
   * CPU time (user + system, all threads incl. onnxruntime's one) of the fastest run: what the
   * backtest costs on one core even when the shared machine's load inflates the wall time
   * (load ~15 on 2 cores made wall 3-5x CPU; loop/PERFORMANCE.md).
   */
  backtestCpuMs: number;
  candlesPerSecond: number;
  singlePassMs: number;
  ratioToSinglePass: number;
  targetMs: number;
  targetRatio: number;
  /** Where the best run spent its time (phases of loop/backtest.ts). */
  breakdownMs: { marketState: number; inference: number; decision: number };
  /** The same year with the technical + multiTimeframe arm alone (no ONNX in the loop). */
  withoutModels: {
    backtestMs: number;
    ratioToSinglePass: number;
    breakdownMs: { marketState: number; decision: number };
  };
  /** The same year with a constant HOLD strategy: book + state + loop/risk/portfolio only, no decide(). */
  loopOnly: { backtestMs: number; breakdownMs: { marketState: number; decision: number } };
  trades: Record<string, number>;
}

/** One year of synthetic 5m candles x 4 markets; the data is generated before the clock starts. */
export async function backtestBench(
  options: { days?: number; runs?: number } = {},
): Promise<BacktestBenchResult> {
  const days = options.days ?? 365;
  const runs = options.runs ?? 3;
  const spec = benchSpec();
  const from = Date.UTC(2025, 0, 1);
  const to = from + days * TIMEFRAME_MS['1d'];
  const data: MarketData = await new SyntheticMarket({ seed: 7, markets: MARKETS, start: from }).load({
    from,
    to,
  });
  const series = MARKETS.map((m) => data.get(m)!['5m']!) as CandleSeries[];
  const candles = series.reduce((n, s) => n + s.length, 0);
  const models = await benchModels(spec);
  let best = Number.POSITIVE_INFINITY;
  let bestCpu = Number.POSITIVE_INFINITY;
  let trades: Record<string, number> = {};
  let breakdown = { marketState: 0, inference: 0, decision: 0 };
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const result = await runBacktest({ spec, data, models, from });
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    bestCpu = Math.min(bestCpu, (cpu.user + cpu.system) / 1000);
    if (ms < best) {
      best = ms;
      const t = result.timing;
      breakdown = { marketState: t.marketStateMs, inference: t.inferenceMs, decision: t.decisionMs };
    }
    trades = Object.fromEntries(result.arms.map((a) => [a.name, a.metrics.trades]));
  }
  const plainSpec: ResolvedSpec = {
    ...spec,
    capital: {
      ...spec.capital,
      split: [
        { name: 'enhanced', weight: 100, layers: ['technical', 'multiTimeframe'], mlValidation: false },
      ],
    },
  };
  let plainBest = Number.POSITIVE_INFINITY;
  let plainBreakdown = { marketState: 0, decision: 0 };
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const result = await runBacktest({ spec: plainSpec, data, from });
    const ms = performance.now() - t0;
    if (ms < plainBest) {
      plainBest = ms;
      plainBreakdown = { marketState: result.timing.marketStateMs, decision: result.timing.decisionMs };
    }
  }
  let holdBest = Number.POSITIVE_INFINITY;
  let holdBreakdown = { marketState: 0, decision: 0 };
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const result = await runBacktest({ spec: plainSpec, data, from, decide: holdDecide });
    const ms = performance.now() - t0;
    if (ms < holdBest) {
      holdBest = ms;
      holdBreakdown = { marketState: result.timing.marketStateMs, decision: result.timing.decisionMs };
    }
  }
  let single = Number.POSITIVE_INFINITY;
  let checksum = 0;
  for (let r = 0; r < Math.max(runs, 5); r++) {
    const t0 = performance.now();
    checksum += singlePassIndicators(series);
    single = Math.min(single, performance.now() - t0);
  }
  if (!Number.isFinite(checksum)) throw new Error('singlePassIndicators returned a non-finite checksum');
  return {
    candles,
    markets: MARKETS.length,
    backtestMs: best,
    backtestCpuMs: bestCpu,
    candlesPerSecond: Math.round(candles / (best / 1000)),
    singlePassMs: single,
    ratioToSinglePass: best / single,
    targetMs: 1000,
    targetRatio: 10,
    breakdownMs: breakdown,
    withoutModels: {
      backtestMs: plainBest,
      ratioToSinglePass: plainBest / single,
      breakdownMs: plainBreakdown,
    },
    loopOnly: { backtestMs: holdBest, breakdownMs: holdBreakdown },
    trades,
  };
}

if (import.meta.main) {
  process.stdout.write(`${JSON.stringify({ liveCycle: await liveCycleBench() }, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify({ backtest: await backtestBench() }, null, 2)}\n`);
}
