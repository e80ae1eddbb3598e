// The backtest driver: replays MarketData through the shared TradingCore on a simulated clock, as
// fast as the CPU allows. Market state does not depend on trades, so each block of steps runs in
// three phases — (A) advance every market's book and state and keep the snapshots and feature rows,
// (B) ask the ML/RL models for the whole block in one batch (one ONNX call instead of one per
// candle), (C) run the decision/risk/broker step for each time in order. Every value phase C reads
// at time t was computed from candles closed at or before t (the no-look-ahead test checks it).
import type { ResolvedSpec } from '@kubetrade/crds';
import type { StrategyConfig } from '../engines/config.ts';
import type { MarketSnapshot } from '../engines/readings.ts';
import { PaperBroker } from '../execution/paper-broker.ts';
import { type CandleSeries, lowerBound } from '../market/series.ts';
import type { MarketData } from '../market/source.ts';
import { TIMEFRAME_MS } from '../market/timeframes.ts';
import type { ArmSpec, RoundTrip, TradeMark } from '../portfolio/arm.ts';
import { type ArmMetrics, armMetrics } from '../portfolio/metrics.ts';
import { type BatchModels, ModelInputs } from './batch-models.ts';
import { SimulatedClock } from './clock.ts';
import { LoopError } from './errors.ts';
import { MarketFeed } from './market-feed.ts';
import { type CoreOptions, type LoopEvent, newStepInput, TradingCore } from './trading-core.ts';
import { warmupMs } from './warmup.ts';

export interface BacktestOptions {
  spec: ResolvedSpec;
  data: MarketData;
  /** Markets to trade (default: every market in `data`, sorted). */
  markets?: readonly string[];
  /** Traded range, epoch ms: decisions at close times in [from, to]. Defaults: all data after warm-up. */
  from?: number;
  to?: number;
  models?: BatchModels;
  bot?: string;
  revision?: string;
  /** Steps per block (phase A/B/C); bounds memory. */
  blockSteps?: number;
  onProgress?: (done: number, total: number) => void;
  /** The strategy (default: engines' decide); the benchmark injects a constant one to time the loop alone. */
  decide?: CoreOptions['decide'];
  /** Every decision, order and fill (tests, decision logs). */
  onEvent?: (e: LoopEvent) => void;
}

export interface ArmResult {
  name: string;
  spec: ArmSpec;
  metrics: ArmMetrics;
  refused: Record<string, number>;
  roundTrips: RoundTrip[];
  marks: TradeMark[];
  equity: Float64Array;
}

/** Wall time per phase (see the file comment), for the benchmark's breakdown. */
export interface BacktestTiming {
  /** Phase A: TimeframeBook + MarketState + feature vectors. */
  marketStateMs: number;
  /** Phase B: ML/RL inference (onnxruntime-node). */
  inferenceMs: number;
  /** Phase C: decide() + risk + broker + portfolio + equity recording. */
  decisionMs: number;
}

export interface BacktestResult {
  timing: BacktestTiming;
  bot: string;
  revision: string;
  markets: string[];
  quoteCurrency: string;
  from: number;
  to: number;
  steps: number;
  candles: number;
  times: Float64Array;
  arms: ArmResult[];
}

const STEP_MS = TIMEFRAME_MS['5m'];

export type { BatchModels } from './batch-models.ts';

export function strategyConfig(spec: ResolvedSpec): StrategyConfig {
  return { engine: spec.engine, ml: spec.ml, rl: spec.rl, risk: spec.risk };
}

export async function runBacktest(opts: BacktestOptions): Promise<BacktestResult> {
  const { spec, data } = opts;
  const markets = [...(opts.markets ?? [...data.keys()].sort())];
  const series: CandleSeries[] = markets.map((m) => {
    const s = data.get(m)?.['5m'];
    if (!s || s.length === 0)
      throw new LoopError(
        'NO_DATA',
        `no 5m candles for ${m} in the market data: a backtest decides on 5m candles (markets with data: ${[...data.keys()].join(', ') || 'none'})`,
      );
    return s;
  });
  const first = Math.min(...series.map((s) => s.openTime[0]!));
  const last = Math.max(...series.map((s) => s.openTime[s.length - 1]! + STEP_MS));
  const warmup = warmupMs(spec);
  const from = opts.from ?? first + warmup;
  if (opts.from === undefined && from >= last) {
    throw new LoopError(
      'BAD_RANGE',
      `the data (${iso(first)}..${iso(last)}) is shorter than the warm-up of ${(warmup / 3_600_000).toFixed(0)} h the spec's indicator periods need (loop/warmup.ts)`,
    );
  }
  const to = opts.to ?? last;
  if (!(from < to))
    throw new LoopError('BAD_RANGE', `empty backtest range: from ${iso(from)} is not before to ${iso(to)}`);
  if (to <= first || from >= last) {
    throw new LoopError(
      'BAD_RANGE',
      `range ${iso(from)}..${iso(to)} is outside the data (${iso(first)}..${iso(last)})`,
    );
  }
  const feedStart = from - warmup;
  const feeds = markets.map((m) => new MarketFeed(m, spec.engine, data.get(m)));
  const cursor = series.map((s) => lowerBound(s.openTime, s.length, feedStart));
  const steps = countSteps(series, cursor, to);
  const arms: ArmSpec[] = spec.capital.split.map((a) => ({ ...a }));
  const broker = new PaperBroker({
    feePct: spec.risk.feePct,
    slippagePct: spec.risk.slippagePct,
    minOrderKRW: spec.risk.minOrderKRW,
  });
  const clock = new SimulatedClock(from);
  const core = new TradingCore({
    bot: opts.bot ?? 'backtest',
    revision: opts.revision ?? 'local',
    markets,
    arms,
    totalCapital: spec.capital.totalKRW,
    risk: { ...spec.risk, minConfidence: spec.engine.combine.minConfidence },
    strategy: strategyConfig(spec),
    broker,
    startTime: from,
    expectedSteps: steps,
    ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
    ...(opts.decide ? { decide: opts.decide } : {}),
  });

  const n = markets.length;
  const B = opts.blockSteps ?? 4096;
  // Score only what an arm reads: p(up) for arms with the ml layer or ML validation, RL scores for
  // arms with the rl layer — and only at traded times (warm-up steps decide nothing). ~4 us of CPU
  // per LightGBM row (PERFORMANCE.md), so an unused model costs ~1.7 s of a year x 4 markets.
  const split = spec.capital.split;
  const needMl =
    opts.models?.ml !== undefined && split.some((a) => a.layers.includes('ml') || a.mlValidation);
  const needRl = opts.models?.rl !== undefined && split.some((a) => a.layers.includes('rl'));
  const models: BatchModels = {
    ...(needMl ? { ml: opts.models!.ml! } : {}),
    ...(needRl ? { rl: opts.models!.rl! } : {}),
  };
  const inputs = new ModelInputs(n, B * n, models);
  const blockTime = new Float64Array(B);
  const blockFresh = new Uint8Array(B * n);
  const blockIndex = new Int32Array(B * n);
  const blockSnap: MarketSnapshot[] = new Array(B * n);
  const blockMl = new Float64Array(B * n);
  const blockRl = new Float32Array(B * n * 3);
  const input = newStepInput(n);
  let done = 0;
  let candles = 0;
  const timing: BacktestTiming = { marketStateMs: 0, inferenceMs: 0, decisionMs: 0 };

  for (;;) {
    // Phase A: advance books and states for up to B decision times.
    const tA = performance.now();
    let k = 0;
    while (k < B) {
      let t = Number.POSITIVE_INFINITY;
      for (let m = 0; m < n; m++) {
        const i = cursor[m]!;
        const s = series[m]!;
        if (i < s.length && s.openTime[i]! < t) t = s.openTime[i]!;
      }
      if (t === Number.POSITIVE_INFINITY || t + STEP_MS > to) break;
      blockTime[k] = t + STEP_MS;
      for (let m = 0; m < n; m++) {
        const s = series[m]!;
        const i = cursor[m]!;
        const slot = k * n + m;
        if (i < s.length && s.openTime[i] === t) {
          feeds[m]!.pushAt(s, i);
          blockFresh[slot] = 1;
          blockIndex[slot] = i;
          // Reuses the slot's snapshot from the previous block: phase C of that block is done.
          const prev = blockSnap[slot];
          blockSnap[slot] = prev === undefined ? feeds[m]!.state.snapshot() : feeds[m]!.state.snapshot(prev);
          inputs.capture(slot, m, feeds[m]!.state, t, t + STEP_MS >= from);
          cursor[m] = i + 1;
          candles++;
        } else {
          blockFresh[slot] = 0;
          inputs.skip(slot);
        }
      }
      k++;
    }
    if (k === 0) break;
    const tB = performance.now();
    timing.marketStateMs += tB - tA;
    // Phase B: batched model inference over the complete feature rows of the block.
    blockMl.fill(Number.NaN, 0, k * n);
    blockRl.fill(Number.NaN, 0, k * n * 3);
    if (inputs.active) await inputs.infer(models, k * n, blockMl, blockRl);
    const tC = performance.now();
    timing.inferenceMs += tC - tB;
    // Phase C: the shared loop body, step by step in time order.
    const sequence = inputs.sequence;
    for (let j = 0; j < k; j++) {
      const time = blockTime[j]!;
      clock.set(time);
      input.time = time;
      input.trade = time >= from;
      for (let m = 0; m < n; m++) {
        const slot = j * n + m;
        const fresh = blockFresh[slot]!;
        input.fresh[m] = fresh;
        if (fresh === 1) {
          const s = series[m]!;
          const i = blockIndex[slot]!;
          input.openTime[m] = s.openTime[i]!;
          input.open[m] = s.open[i]!;
          input.close[m] = s.close[i]!;
          input.snapshots[m] = blockSnap[slot]!;
          input.mlProbability[m] = blockMl[slot]!;
          if (sequence) input.mlUnavailable[m] = inputs.mlUnavailable(slot);
          for (let q = 0; q < 3; q++) input.rlScores[m * 3 + q] = blockRl[slot * 3 + q]!;
        }
      }
      const pending = core.step(input);
      if (pending) await pending;
    }
    timing.decisionMs += performance.now() - tC;
    done += k;
    opts.onProgress?.(done, steps);
  }

  const times = core.recorder.times();
  return {
    timing,
    bot: opts.bot ?? 'backtest',
    revision: opts.revision ?? 'local',
    markets,
    quoteCurrency: markets[0]!.split('-')[0]!,
    from,
    to,
    steps: core.recorder.length,
    candles,
    times,
    arms: core.arms.map((arm, a) => {
      const equity = core.recorder.equity(a);
      let open = 0;
      for (const v of arm.volume) if (v !== 0) open++;
      return {
        name: arm.spec.name,
        spec: arm.spec,
        refused: { ...arm.refused },
        roundTrips: arm.roundTrips,
        marks: arm.marks,
        equity,
        metrics: armMetrics({
          times,
          equity,
          n: equity.length,
          initialEquity: arm.initialCash,
          roundTrips: arm.roundTrips,
          orders: arm.confidenceCount,
          openPositions: open,
          confidenceSum: arm.confidenceSum,
          exposureSum: core.recorder.exposureSum(a),
          dailyLossBreaches: arm.dailyLoss.breaches,
          realisedPnl: arm.realisedPnl,
          feesPaid: arm.feesPaid,
        }),
      };
    }),
  };
}

/** Decision steps ahead (for progress and array sizing): the longest market's candle count up to `to`. */
function countSteps(series: CandleSeries[], cursor: number[], to: number): number {
  let max = 0;
  series.forEach((s, m) => {
    const end = lowerBound(s.openTime, s.length, to - STEP_MS + 1);
    max = Math.max(max, end - cursor[m]!);
  });
  return max;
}

function iso(t: number): string {
  return Number.isFinite(t) ? new Date(t).toISOString() : String(t);
}
