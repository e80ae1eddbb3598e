// The `run` driver: the same TradingCore as the backtest, on a wall clock (optionally sped up).
// Every `cycleSeconds` it releases the 5m candles that have CLOSED by now, advances book and state,
// asks the models for those markets (one small batch), and runs the shared step. A cycle without a
// newly closed candle decides nothing new: decisions only ever see closed candles (no look-ahead),
// so the state — and therefore every signal — is unchanged until the next 5m close.
import type { ResolvedSpec } from '@kubetrade/crds';
import type { Broker } from '../execution/broker.ts';
import type { CandleSeries } from '../market/series.ts';
import type { MarketData, MarketSource } from '../market/source.ts';
import { TIMEFRAME_MS } from '../market/timeframes.ts';
import type { BatchModels } from './backtest.ts';
import type { Clock } from './clock.ts';
import { LoopError } from './errors.ts';
import { MarketFeed } from './market-feed.ts';
import { StepAssembler } from './step-assembler.ts';
import type { LoopEvent, TradingCore } from './trading-core.ts';
import { type CycleInfo, coreForSpec, cycleInfo } from './wall-clock.ts';
import { warmupMs } from './warmup.ts';

const STEP_MS = TIMEFRAME_MS['5m'];
const DAY_MS = TIMEFRAME_MS['1d'];

export type { CycleInfo } from './wall-clock.ts';

export interface PaperRunOptions {
  spec: ResolvedSpec;
  source: MarketSource;
  markets: readonly string[];
  clock: Clock;
  broker: Broker;
  models?: BatchModels;
  bot: string;
  revision: string;
  signal: AbortSignal;
  /** False: follow the market (state, equity, metrics) but send no orders — spec.paused. Default true. */
  trade?: boolean;
  /** Stop after this many cycles (demos, tests). */
  maxCycles?: number;
  onEvent?: (e: LoopEvent) => void;
  onCycle?: (info: CycleInfo, core: TradingCore) => void;
}

export class PaperRunner {
  readonly core: TradingCore;
  readonly #o: PaperRunOptions;
  readonly #feeds: MarketFeed[];
  #series: CandleSeries[] = [];
  #cursor: number[];
  #loadedTo = 0;
  readonly #step: StepAssembler;

  constructor(o: PaperRunOptions) {
    this.#o = o;
    const n = o.markets.length;
    const start = o.clock.now();
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
    this.#cursor = o.markets.map(() => 0);
    this.#step = new StepAssembler(n, o.models);
  }

  /** Warm-up, then one cycle every spec.cycleSeconds until aborted or maxCycles. */
  /** Why run() returned: SIGTERM/abort, the cycle limit, or a replay source with nothing left. */
  async run(): Promise<'aborted' | 'maxCycles' | 'sourceEnded'> {
    const { clock, spec, signal } = this.#o;
    const now = clock.now();
    await this.#load(now - warmupMs(spec), now + DAY_MS);
    await this.#release(now, false);
    let cycle = 0;
    const cycleMs = spec.cycleSeconds * 1000;
    let next = clock.now();
    while (!signal.aborted && (this.#o.maxCycles === undefined || cycle < this.#o.maxCycles)) {
      const t = clock.now();
      // Loading candles is I/O (or synthetic generation), not the cycle's compute: timed apart.
      if (t + STEP_MS > this.#loadedTo) {
        await this.#load(this.#lastOpen() + STEP_MS, t + DAY_MS);
        // Nothing after the last candle even a day ahead: a replay has ended (synthetic never does).
        if (this.#series.every((s, m) => this.#cursor[m]! >= s.length)) return 'sourceEnded';
      }
      const started = performance.now();
      const newCandles = await this.#release(t, this.#o.trade ?? true);
      cycle++;
      this.#o.onCycle?.(cycleInfo(this.core, cycle, t, newCandles, started), this.core);
      // A cycle that overran its slot skips the missed slots instead of running them back to back.
      next = Math.max(next + cycleMs, clock.now());
      if (!(await clock.sleepUntil(next, signal))) break;
    }
    return signal.aborted ? 'aborted' : 'maxCycles';
  }

  #lastOpen(): number {
    let last = Number.NEGATIVE_INFINITY;
    this.#series.forEach((s, m) => {
      const i = this.#cursor[m]! - 1;
      if (i >= 0) last = Math.max(last, s.openTime[i]!);
    });
    return Number.isFinite(last) ? last : this.#loadedTo;
  }

  async #load(from: number, to: number): Promise<void> {
    const data: MarketData = await this.#o.source.load({ from, to });
    const previous = this.#series;
    const lastPushed = this.#o.markets.map((_, m) => {
      const i = (this.#cursor[m] ?? 0) - 1;
      return i >= 0 && previous[m] ? previous[m].openTime[i]! : Number.NEGATIVE_INFINITY;
    });
    this.#series = this.#o.markets.map((m) => {
      const s = data.get(m)?.['5m'];
      if (!s) throw new LoopError('NO_DATA', `market source has no 5m candles for ${m}`);
      return s;
    });
    // A source may return more than asked (or overlap the last load): resume after the last candle pushed.
    this.#cursor = this.#series.map((s, m) => {
      let i = 0;
      while (i < s.length && s.openTime[i]! <= lastPushed[m]!) i++;
      return i;
    });
    this.#loadedTo = to;
  }

  /** Steps through every 5m candle closed by `now`; returns how many candles were released. */
  async #release(now: number, trade: boolean): Promise<number> {
    const n = this.#series.length;
    const step = this.#step;
    let released = 0;
    for (;;) {
      let t = Number.POSITIVE_INFINITY;
      for (let m = 0; m < n; m++) {
        const s = this.#series[m]!;
        const i = this.#cursor[m]!;
        if (i < s.length && s.openTime[i]! < t) t = s.openTime[i]!;
      }
      if (t === Number.POSITIVE_INFINITY || t + STEP_MS > now) return released;
      step.begin(t + STEP_MS, trade);
      for (let m = 0; m < n; m++) {
        const s = this.#series[m]!;
        const i = this.#cursor[m]!;
        if (i >= s.length || s.openTime[i] !== t) continue;
        const feed = this.#feeds[m]!;
        feed.pushAt(s, i);
        this.#cursor[m] = i + 1;
        released++;
        step.add(m, feed, t, s.open[i]!, s.close[i]!);
      }
      const pending = this.core.step(await step.finish());
      if (pending) await pending;
    }
  }
}
