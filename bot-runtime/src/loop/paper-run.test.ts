// The `run` driver on a simulated clock: one cycle every spec.cycleSeconds (SPEC: 60 s), 5m candles
// released only once closed, the capital split by the arms' weights (SPEC: 50 % / 50 %).
import { applyDefaults } from '@kubetrade/crds';
import { describe, expect, it } from 'vitest';
import { PaperBroker } from '../execution/paper-broker.ts';
import type { MarketSource } from '../market/source.ts';
import { SimulatedClock } from './clock.ts';
import { type CycleInfo, PaperRunner } from './paper-run.ts';
import { randomMarketData } from './random-walk.fixture.ts';

const MARKETS = ['KRW-BTC', 'KRW-ETH'];
const DATA_START = Date.parse('2026-01-01T00:00:00Z');

function source(): MarketSource {
  const data = randomMarketData(MARKETS, DATA_START, 12, 5);
  return {
    markets: MARKETS,
    load: async () => data,
  };
}

describe('PaperRunner (kubetrade run)', () => {
  it('runs one cycle every cycleSeconds and releases each 5m candle only after it closed', async () => {
    const spec = applyDefaults({
      markets: MARKETS,
      capital: {
        totalKRW: 10_000_001,
        split: [
          { name: 'enhanced', weight: 50, layers: ['technical', 'multiTimeframe'] },
          { name: 'tech', weight: 50, layers: ['technical'] },
        ],
      },
    } as never);
    expect(spec.cycleSeconds).toBe(60);
    // Start 2 min into a 5m candle, 10 days into the data (well past the warm-up).
    const start = DATA_START + 10 * 86_400_000 + 2 * 60_000;
    const clock = new SimulatedClock(start);
    const cycles: CycleInfo[] = [];
    const runner = new PaperRunner({
      spec,
      source: source(),
      markets: MARKETS,
      clock,
      broker: new PaperBroker({
        feePct: spec.risk.feePct,
        slippagePct: spec.risk.slippagePct,
        minOrderKRW: spec.risk.minOrderKRW,
      }),
      bot: 'b',
      revision: 'r1',
      signal: new AbortController().signal,
      maxCycles: 11,
      onCycle: (info) => cycles.push(info),
    });
    expect(runner.core.arms.map((a) => a.initialCash)).toEqual([5_000_000, 5_000_000]); // whole won, rounded down
    await runner.run();
    expect(cycles.map((c) => c.time - start)).toEqual(Array.from({ length: 11 }, (_, k) => k * 60_000));
    // Minutes 2..12 after a 5m boundary: candles close at minutes 5 and 10 -> released at cycles 4 and 9.
    expect(cycles.map((c) => c.newCandles)).toEqual([0, 0, 0, 2, 0, 0, 0, 0, 2, 0, 0]);
    expect(runner.core.recorder.length).toBe(2);
  });

  it('stops when aborted', async () => {
    const spec = applyDefaults({
      markets: MARKETS,
      capital: { totalKRW: 1_000_000, split: [{ name: 'tech', weight: 100, layers: ['technical'] }] },
    } as never);
    const abort = new AbortController();
    const cycles: number[] = [];
    const runner = new PaperRunner({
      spec,
      source: source(),
      markets: MARKETS,
      clock: new SimulatedClock(DATA_START + 10 * 86_400_000),
      broker: new PaperBroker({ feePct: 0.05, slippagePct: 0.05, minOrderKRW: 5_000 }),
      bot: 'b',
      revision: 'r1',
      signal: abort.signal,
      onCycle: (info) => {
        cycles.push(info.cycle);
        if (info.cycle === 3) abort.abort();
      },
    });
    await runner.run();
    expect(cycles).toEqual([1, 2, 3]);
  });

  it('follows the market without orders when paused (spec.paused)', async () => {
    const spec = applyDefaults({
      markets: MARKETS,
      engine: { technical: { rsi: { period: 14, oversold: 45, overbought: 55 }, volumeSurge: 1.2 } },
      capital: { totalKRW: 1_000_000, split: [{ name: 'tech', weight: 100, layers: ['technical'] }] },
    } as never);
    const run = async (trade: boolean) => {
      const events: string[] = [];
      const runner = new PaperRunner({
        spec: { ...spec, cycleSeconds: 300 },
        source: source(),
        markets: MARKETS,
        clock: new SimulatedClock(DATA_START + 10 * 86_400_000),
        broker: new PaperBroker({ feePct: 0.05, slippagePct: 0.05, minOrderKRW: 5_000 }),
        bot: 'b',
        revision: 'r1',
        signal: new AbortController().signal,
        trade,
        maxCycles: 288,
        onEvent: (e) => events.push(e.kind),
      });
      await runner.run();
      return { events, lastClose: [...runner.core.lastClose] };
    };
    const live = await run(true);
    const paused = await run(false);
    expect(live.events).toContain('order');
    expect(paused.events).toEqual([]);
    expect(paused.lastClose).toEqual(live.lastClose);
  });

  it('returns sourceEnded when a replay has no candles left, maxCycles when the limit is reached', async () => {
    const spec = applyDefaults({
      markets: MARKETS,
      capital: { totalKRW: 1_000_000, split: [{ name: 'tech', weight: 100, layers: ['technical'] }] },
    } as never);
    const runner = (start: number, maxCycles: number) =>
      new PaperRunner({
        spec: { ...spec, cycleSeconds: 3600 },
        source: source(),
        markets: MARKETS,
        clock: new SimulatedClock(start),
        broker: new PaperBroker({ feePct: 0.05, slippagePct: 0.05, minOrderKRW: 5_000 }),
        bot: 'b',
        revision: 'r1',
        signal: new AbortController().signal,
        maxCycles,
      });
    // The data has 12 days; starting on day 11 the replay runs dry within two simulated days.
    expect(await runner(DATA_START + 11 * 86_400_000, 100).run()).toBe('sourceEnded');
    expect(await runner(DATA_START + 5 * 86_400_000, 3).run()).toBe('maxCycles');
  });
});
