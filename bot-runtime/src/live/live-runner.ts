// The `mode: live` driver: the same TradingCore as backtest and paper (loop/trading-core.ts), fed
// the exchange's closed 5m candles (exchange-candles.ts) on the wall clock, with a broker that
// sends every order through the money-safe sequence (guarded-broker.ts). Composition only: the
// loop's public pieces (TradingCore, MarketFeed, newStepInput, warmupMs) — PaperRunner assumes a
// source that already holds the future (it loads a day ahead), which an exchange does not.
import type { ResolvedSpec } from '@kubetrade/crds';
import type { Broker } from '../execution/broker.ts';
import type { BatchModels } from '../loop/backtest.ts';
import type { Clock } from '../loop/clock.ts';
import { MarketFeed } from '../loop/market-feed.ts';
import { StepAssembler } from '../loop/step-assembler.ts';
import type { LoopEvent, TradingCore } from '../loop/trading-core.ts';
import { type CycleInfo, coreForSpec, cycleInfo } from '../loop/wall-clock.ts';
import { warmupMs } from '../loop/warmup.ts';
import { TIMEFRAME_MS } from '../market/timeframes.ts';
import type { Candle } from '../types.ts';
import type { ExchangeCandles } from './exchange-candles.ts';

const STEP_MS = TIMEFRAME_MS['5m'];

export interface LiveRunOptions {
  spec: ResolvedSpec;
  markets: readonly string[];
  candles: Pick<ExchangeCandles, 'closed'>;
  clock: Clock;
  broker: Broker;
  models?: BatchModels;
  bot: string;
  revision: string;
  signal: AbortSignal;
  /**
   * Per decision time: false = follow the market but decide nothing (spec.paused, standby, or a
   * time the store already holds decisions for).
   */
  trade: (time: number) => boolean;
  maxCycles?: number;
  /** Before each cycle's decisions: settle fills, reconcile uncertain orders. A throw skips nothing but is logged. */
  beforeCycle?: () => Promise<void>;
  onEvent?: (e: LoopEvent) => void;
  onCycle?: (info: CycleInfo, core: TradingCore) => void;
  /** Market data failed this cycle (exchange down): the cycle decides nothing; positions are kept. */
  onDataError?: (error: Error) => void;
}

export class LiveRunner {
  readonly core: TradingCore;
  readonly #o: LiveRunOptions;
  readonly #feeds: MarketFeed[];
  readonly #step: StepAssembler;
  readonly #since: number;
  #warm = false;

  constructor(o: LiveRunOptions) {
    this.#o = o;
    const n = o.markets.length;
    const start = o.clock.now();
    this.#since = start - warmupMs(o.spec);
    this.core = coreForSpec({
      spec: o.spec,
      bot: o.bot,
      revision: o.revision,
      markets: o.markets,
      broker: o.broker,
      startTime: start,
      onEvent: o.onEvent,
    });
    this.#feeds = o.markets.map((m) => new MarketFeed(m, o.spec.engine));
    this.#step = new StepAssembler(n, o.models);
  }

  /**
   * Per market, how much of each SPEC window the loop has seen (0..1): layer 2 runs on partial
   * history (SPEC known issue 1) and this says how partial.
   */
  completeness(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const f of this.#feeds) out[f.market] = f.state.completeness();
    return out;
  }

  /** True once the warm-up history has been fed (the first successful candle fetch). */
  get warm(): boolean {
    return this.#warm;
  }

  async run(): Promise<'aborted' | 'maxCycles'> {
    const { clock, spec, signal } = this.#o;
    const cycleMs = spec.cycleSeconds * 1000;
    let cycle = 0;
    let next = clock.now();
    while (!signal.aborted && (this.#o.maxCycles === undefined || cycle < this.#o.maxCycles)) {
      const t = clock.now();
      if (this.#o.beforeCycle) {
        try {
          await this.#o.beforeCycle();
        } catch (e) {
          this.#o.onDataError?.(e as Error);
        }
      }
      let started = performance.now();
      let newCandles = 0;
      try {
        const batches = await this.#o.candles.closed(this.#o.markets, this.#since, t);
        // Fetching candles is exchange I/O, timed apart from the cycle (as PaperRunner does); order
        // round trips stay inside it, since they are part of acting on the decision.
        started = performance.now();
        // The warm-up history (everything before the first cycle's newest candle) is fed without trading.
        newCandles = await this.#release(batches, this.#warm);
        this.#warm = true;
      } catch (e) {
        this.#o.onDataError?.(e as Error);
      }
      cycle++;
      this.#o.onCycle?.(cycleInfo(this.core, cycle, t, newCandles, started), this.core);
      next = Math.max(next + cycleMs, clock.now());
      if (!(await clock.sleepUntil(next, signal))) break;
    }
    return signal.aborted ? 'aborted' : 'maxCycles';
  }

  /** Steps through the fetched candles by close time, all markets together. */
  async #release(batches: readonly Candle[][], warm: boolean): Promise<number> {
    const n = this.#o.markets.length;
    const step = this.#step;
    const cursor = batches.map(() => 0);
    let released = 0;
    for (;;) {
      let t = Number.POSITIVE_INFINITY;
      for (let m = 0; m < n; m++) {
        const c = batches[m]![cursor[m]!];
        if (c && c.openTime < t) t = c.openTime;
      }
      if (t === Number.POSITIVE_INFINITY) return released;
      step.begin(t + STEP_MS, warm && this.#o.trade(t + STEP_MS));
      for (let m = 0; m < n; m++) {
        const c = batches[m]![cursor[m]!];
        if (!c || c.openTime !== t) continue;
        const feed = this.#feeds[m]!;
        feed.push(c);
        cursor[m]!++;
        released++;
        step.add(m, feed, t, c.open, c.close);
      }
      const pending = this.core.step(await step.finish());
      if (pending) await pending;
    }
  }
}
