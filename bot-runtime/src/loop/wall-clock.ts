// What the wall-clock runners (paper from a MarketSource, live from the exchange) share besides the
// step assembly: the TradingCore a spec describes, and the per-cycle summary they hand to onCycle.
import type { ResolvedSpec } from '@kubetrade/crds';
import type { Broker } from '../execution/broker.ts';
import { strategyConfig } from './backtest.ts';
import { type LoopEvent, TradingCore } from './trading-core.ts';

export interface CycleInfo {
  cycle: number;
  time: number;
  newCandles: number;
  equity: { arm: string; equity: number; halted: boolean }[];
  computeMs: number;
}

/** The trading core of a bot's spec: its arms, capital, risk rules and strategy. */
export function coreForSpec(o: {
  spec: ResolvedSpec;
  bot: string;
  revision: string;
  markets: readonly string[];
  broker: Broker;
  startTime: number;
  onEvent?: ((e: LoopEvent) => void) | undefined;
}): TradingCore {
  return new TradingCore({
    bot: o.bot,
    revision: o.revision,
    markets: o.markets,
    arms: o.spec.capital.split,
    totalCapital: o.spec.capital.totalKRW,
    risk: { ...o.spec.risk, minConfidence: o.spec.engine.combine.minConfidence },
    strategy: strategyConfig(o.spec),
    broker: o.broker,
    startTime: o.startTime,
    ...(o.onEvent ? { onEvent: o.onEvent } : {}),
  });
}

/** One cycle's summary; `startedMs` is the performance.now() the cycle's compute began at. */
export function cycleInfo(
  core: TradingCore,
  cycle: number,
  time: number,
  newCandles: number,
  startedMs: number,
): CycleInfo {
  return {
    cycle,
    time,
    newCandles,
    equity: core.arms.map((a) => ({
      arm: a.spec.name,
      equity: a.equity(core.lastClose),
      halted: a.dailyLoss.halted,
    })),
    computeMs: performance.now() - startedMs,
  };
}

/** Each arm's equity and round trips: the `stopped` line of `kubetrade run` (paper and live). */
export function armsSummary(core: TradingCore): { arm: string; equity: number; trades: number }[] {
  return core.arms.map((a) => ({
    arm: a.spec.name,
    equity: a.equity(core.lastClose),
    trades: a.roundTrips.length,
  }));
}
