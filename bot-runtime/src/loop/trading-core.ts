// THE loop body every mode shares (DESIGN.md "One engine for backtest, paper and live"): for one
// decision time, book the fills the broker reports, mark the arms to market, run each arm's
// decide() on each market that has a new candle, pass the signal through the risk rules and send
// the resulting intents to the broker. Only the driver (backtest.ts, paper-run.ts), the clock, the
// market source and the broker differ between modes; this file cannot tell which one runs it.

import type { StrategyConfig } from '../engines/config.ts';
import { type DecisionContext, decide } from '../engines/decide.ts';
import { LayerMemo } from '../engines/layer-memo.ts';
import type { MarketSnapshot } from '../engines/readings.ts';
import { type Broker, isCandleFed, type Order } from '../execution/broker.ts';
import { Arm, type ArmSpec } from '../portfolio/arm.ts';
import { cashUnit, quoteCurrency, roundCash } from '../portfolio/market-rules.ts';
import { type OrderContext, orderFor } from '../portfolio/orders.ts';
import { type RiskConfig, updateDailyLoss } from '../portfolio/risk.ts';
import type { Fill, OrderIntent, Signal } from '../types.ts';
import { EquityRecorder } from './equity-recorder.ts';
import { LoopError } from './errors.ts';

export interface CoreOptions {
  bot: string;
  revision: string;
  markets: readonly string[];
  arms: readonly ArmSpec[];
  /** spec.capital.totalKRW, in the markets' quote currency (see docs/metrics.md for USDT replays). */
  totalCapital: number;
  risk: RiskConfig;
  strategy: StrategyConfig;
  broker: Broker;
  startTime: number;
  /** Expected number of decision steps (sizes the equity arrays once). */
  expectedSteps?: number;
  /** The strategy; engines' decide() unless a benchmark or test injects another. */
  decide?: typeof decide;
  /** Called for every non-HOLD decision and every order outcome (the `run` JSON log). */
  onEvent?: (e: LoopEvent) => void;
}

export type LoopEvent =
  | { kind: 'decision'; time: number; arm: string; signal: Signal; intent?: OrderIntent; refused?: string }
  | { kind: 'order'; time: number; arm: string; order: Order }
  | { kind: 'fill'; time: number; arm: string; fill: Fill };

/** What a driver hands the core for one decision time; drivers reuse one object (no per-step allocation). */
export interface StepInput {
  /** Decision time: close time of the newest 5m candles. */
  time: number;
  /** 1 for markets with a new closed 5m candle at `time`. */
  fresh: Uint8Array;
  /** Per market: open time and open price of that new candle (what a paper order placed before it fills at). */
  openTime: Float64Array;
  open: Float64Array;
  close: Float64Array;
  /** Per market: the readings at `time` (valid where fresh). */
  snapshots: MarketSnapshot[];
  /** Per market: p(up) of the ML model at `time`, NaN when there is none. */
  mlProbability: Float64Array;
  /** Per market: why there is no p(up) when the reason is worth a HOLD's reasons (a sequence model warming up). */
  mlUnavailable: (string | undefined)[];
  /** Per market, 3 scores [HOLD, BUY, SELL] of the RL policy at `time`, NaN when there are none. */
  rlScores: Float32Array;
  /** False during the warm-up before the traded range: state advances, nothing is traded or recorded. */
  trade: boolean;
}

export function newStepInput(markets: number): StepInput {
  return {
    time: 0,
    fresh: new Uint8Array(markets),
    openTime: new Float64Array(markets),
    open: new Float64Array(markets),
    close: new Float64Array(markets),
    snapshots: [],
    mlProbability: new Float64Array(markets).fill(Number.NaN),
    mlUnavailable: Array.from({ length: markets }, (): string | undefined => undefined),
    rlScores: new Float32Array(markets * 3).fill(Number.NaN),
    trade: true,
  };
}

interface PendingOrder {
  arm: number;
  market: number;
  confidence: number;
}

export class TradingCore {
  readonly arms: Arm[];
  readonly markets: readonly string[];
  readonly lastClose: Float64Array;
  /** Newest readings per market and newest signal per arm and market (status and dashboard). */
  readonly latestSnapshot: (MarketSnapshot | undefined)[];
  readonly latestSignal: (Signal | undefined)[][];
  readonly recorder: EquityRecorder;
  readonly #opts: CoreOptions;
  readonly #ctx: OrderContext;
  readonly #marketIndex = new Map<string, number>();
  readonly #pending = new Map<string, PendingOrder>();
  readonly #intents: { arm: number; market: number; intent: OrderIntent }[] = [];
  readonly #rl: Float32Array[];
  readonly #decisionCtx: DecisionContext;
  /** Per market: layer signals shared by the arms deciding it at one time (engines/layer-memo.ts). */
  readonly #memos: LayerMemo[];
  readonly #decideFn: typeof decide;
  #stepsRecorded = 0;

  constructor(opts: CoreOptions) {
    this.#opts = opts;
    this.markets = opts.markets;
    const quotes = new Set(opts.markets.map(quoteCurrency));
    if (quotes.size !== 1) {
      throw new LoopError(
        'MIXED_QUOTE_CURRENCIES',
        `markets ${opts.markets.join(', ')} are quoted in ${[...quotes].join(' and ')}; one bot's capital is one currency — split them into separate bots (spec.markets)`,
      );
    }
    opts.markets.forEach((m, i) => {
      this.#marketIndex.set(m, i);
    });
    const first = opts.markets[0]!;
    // Each arm gets weight% of the capital, rounded down to the cash unit (whole won on KRW markets).
    this.arms = opts.arms.map(
      (a) =>
        new Arm(
          a,
          opts.markets,
          roundCash(first, (opts.totalCapital * a.weight) / 100, 'down'),
          opts.startTime,
        ),
    );
    if (this.arms.some((a) => a.initialCash < cashUnit(first))) {
      throw new LoopError(
        'NO_CAPITAL',
        `spec.capital.totalKRW ${opts.totalCapital} leaves an arm with no cash`,
      );
    }
    this.lastClose = new Float64Array(opts.markets.length).fill(Number.NaN);
    this.latestSnapshot = opts.markets.map(() => undefined);
    this.latestSignal = this.arms.map(() => opts.markets.map(() => undefined));
    this.recorder = new EquityRecorder(this.arms.length, opts.expectedSteps ?? 1024);
    this.#ctx = { bot: opts.bot, revision: opts.revision, risk: opts.risk };
    this.#rl = opts.markets.map(() => new Float32Array(3));
    this.#memos = opts.markets.map(() => new LayerMemo());
    this.#decideFn = opts.decide ?? decide;
    this.#decisionCtx = {
      config: opts.strategy,
      mlProbability: undefined,
      mlUnavailable: undefined,
      rlScores: undefined,
    };
  }

  /**
   * One decision time. Returns a promise only when orders were sent (the backtest's hot path
   * awaits nothing on the ~99 % of steps without orders).
   */
  step(s: StepInput): Promise<void> | undefined {
    const { broker } = this.#opts;
    const n = this.markets.length;
    // 1. The new candles opened: a candle-fed (paper) broker fills what was decided before them.
    if (isCandleFed(broker)) {
      for (let m = 0; m < n; m++)
        if (s.fresh[m] === 1) broker.onCandleOpen(this.markets[m]!, s.openTime[m]!, s.open[m]!);
    }
    this.#settle(s.time);
    for (let m = 0; m < n; m++) {
      if (s.fresh[m] !== 1) continue;
      this.lastClose[m] = s.close[m]!;
      this.latestSnapshot[m] = s.snapshots[m];
    }
    if (!s.trade) return undefined;

    // 2. Decide per arm and market, risk-check, collect intents.
    const intents = this.#intents;
    intents.length = 0;
    const risk = this.#opts.risk;
    for (let a = 0; a < this.arms.length; a++) {
      const arm = this.arms[a]!;
      const equity = arm.equity(this.lastClose);
      updateDailyLoss(arm.dailyLoss, s.time, equity, risk.dailyLossLimitPct);
      for (let m = 0; m < n; m++) {
        if (s.fresh[m] !== 1) continue;
        const signal = this.#decide(arm.spec, m, s);
        this.latestSignal[a]![m] = signal;
        if (signal.action === 'HOLD') continue;
        const outcome = orderFor(arm, m, signal, equity, this.#ctx);
        const intent = typeof outcome === 'object' ? outcome : undefined;
        if (intent) {
          arm.pending[m] = 1;
          intents.push({ arm: a, market: m, intent });
        }
        this.#opts.onEvent?.({
          kind: 'decision',
          time: s.time,
          arm: arm.spec.name,
          signal,
          ...(intent ? { intent } : {}),
          ...(typeof outcome === 'string' ? { refused: outcome } : {}),
        });
      }
    }
    this.#record(s.time);
    if (intents.length === 0) return undefined;
    return this.#submit(s.time);
  }

  #decide(arm: ArmSpec, m: number, s: StepInput): Signal {
    const p = s.mlProbability[m]!;
    const rl = this.#rl[m]!;
    let hasRl = true;
    for (let k = 0; k < 3; k++) {
      const v = s.rlScores[m * 3 + k]!;
      if (Number.isNaN(v)) hasRl = false;
      rl[k] = v;
    }
    // One context object reused for every call: decide() reads it synchronously and keeps nothing.
    const ctx = this.#decisionCtx;
    ctx.mlProbability = Number.isNaN(p) ? undefined : p;
    ctx.mlUnavailable = s.mlUnavailable[m];
    ctx.rlScores = hasRl ? rl : undefined;
    ctx.memo = this.#memos[m];
    return this.#decideFn(s.snapshots[m]!, arm, ctx);
  }

  async #submit(time: number): Promise<void> {
    for (const { arm, market, intent } of this.#intents) {
      this.#pending.set(intent.clientOrderId, { arm, market, confidence: intent.confidence });
      const order = await this.#opts.broker.submit(intent);
      this.#opts.onEvent?.({ kind: 'order', time, arm: this.arms[arm]!.spec.name, order });
    }
    this.#intents.length = 0;
    this.#settle(time);
  }

  /** Books every fill and clears `pending` for orders that finished (filled, cancelled, rejected). */
  #settle(time: number): void {
    const { broker } = this.#opts;
    for (const fill of broker.takeFills()) {
      const p = this.#pending.get(fill.clientOrderId);
      if (!p) continue; // another bot's order on a shared account: not ours to book
      const arm = this.arms[p.arm]!;
      arm.applyFill(p.market, fill, p.confidence);
      this.#opts.onEvent?.({ kind: 'fill', time, arm: arm.spec.name, fill });
    }
    for (const order of broker.takeFinished()) {
      const p = this.#pending.get(order.intent.clientOrderId);
      if (!p) continue;
      const arm = this.arms[p.arm]!;
      arm.pending[p.market] = 0;
      if (order.state === 'rejected') arm.refuse(`REJECTED_${order.rejection?.code ?? 'UNKNOWN'}`);
      this.#pending.delete(order.intent.clientOrderId);
    }
  }

  #record(time: number): void {
    const row = this.recorder.begin(time);
    for (let a = 0; a < this.arms.length; a++) {
      const arm = this.arms[a]!;
      const equity = arm.equity(this.lastClose);
      this.recorder.set(row, a, equity, equity > 0 ? (arm.invested(this.lastClose) / equity) * 100 : 0);
    }
    this.#stepsRecorded++;
  }

  get stepsRecorded(): number {
    return this.#stepsRecorded;
  }

  marketIndex(market: string): number | undefined {
    return this.#marketIndex.get(market);
  }
}
