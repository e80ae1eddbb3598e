// A restart's books against the uninterrupted run's: a paper-traded core (two arms, two days of a
// seeded random walk, a tight daily loss limit so halts happen) writes every intent and fill and
// the equity ledger into the store (PGlite), as the live session does; then a fresh core resumed
// from that store must hold the same cash, positions, realised P&L, round trips, daily-loss state
// and equity curve, and report the same status.performance figures.
import { afterEach, describe, expect, it } from 'vitest';
import { PaperBroker } from '../execution/paper-broker.ts';
import { PaperRunner } from '../loop/paper-run.ts';
import { randomMarketData } from '../loop/random-walk.fixture.ts';
import type { TradingCore } from '../loop/trading-core.ts';
import { coreForSpec } from '../loop/wall-clock.ts';
import { candleAt } from '../market/series.ts';
import { kstDay } from '../portfolio/risk.ts';
import { performanceReport } from '../report/performance-report.ts';
import { twoArmPaperSpec } from '../report/report.fixture.ts';
import { openTradeStore, type TradeStore } from '../store/trade-store.ts';
import type { Candle } from '../types.ts';
import { EquityLedger } from './equity-ledger.ts';
import { FlushPacedClock } from './paced-clock.fixture.ts';
import { InheritedFills } from './positions.ts';
import { resumeFromStore } from './resume.ts';

const MARKETS = ['KRW-BTC', 'KRW-ETH'];
const DATA_START = Date.parse('2026-01-01T00:00:00Z');
const DAY_MS = 86_400_000;
const STEP_MS = 300_000;
const BROKER = { feePct: 0.05, slippagePct: 0.05, minOrderKRW: 5_000 };

let store: TradeStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

describe('resumeFromStore', () => {
  it('a restarted core holds and reports exactly the books of the run the store recorded', async () => {
    const s = await openTradeStore();
    store = s;
    const spec = twoArmPaperSpec(MARKETS);
    // Tight enough that the random walk trips it on some days (asserted below).
    spec.risk.dailyLossLimitPct = 0.4;
    const data = randomMarketData(MARKETS, DATA_START, 10, 9);
    const ledger = new EquityLedger({ bot: 'b', revision: 'rev-1', spec });
    // The session's write order: intent before the order is sent, fills as the broker reports them.
    let writes: Promise<unknown> = Promise.resolve();
    const runner = new PaperRunner({
      spec,
      source: { markets: MARKETS, load: async () => data },
      markets: MARKETS,
      clock: new FlushPacedClock(DATA_START + 6 * DAY_MS, () => writes),
      broker: new PaperBroker(BROKER),
      bot: 'b',
      revision: 'rev-1',
      signal: new AbortController().signal,
      // Ends on a day an arm is halted on, with positions open in both arms (seed 9).
      maxCycles: 665,
      onEvent: (e) => {
        if (e.kind === 'decision' && e.intent) {
          const intent = e.intent;
          writes = writes.then(() => s.orders.createIntent(intent, 1));
        }
        if (e.kind === 'fill') writes = writes.then(() => s.fills.recordFill(e.fill));
      },
      onCycle: (_info, core) => {
        ledger.collect(core);
        writes = writes.then(() => ledger.flush(s.performance));
      },
    });
    await runner.run();
    await writes;
    const before = runner.core;
    const last = before.recorder.times().at(-1)!;
    // The closes the snapshots were marked at, as the live feed writes them back (exchange-candles.ts).
    await s.market.upsertCandles(candlesBetween(data, last - DAY_MS, last));

    const restartAt = last + 60_000;
    const after = coreForSpec({
      spec,
      bot: 'b',
      revision: 'rev-1',
      markets: MARKETS,
      broker: new PaperBroker(BROKER),
      startTime: restartAt,
    });
    const resumedLedger = new EquityLedger({ bot: 'b', revision: 'rev-1', spec });
    const logs: { msg: string; fields?: Record<string, unknown> }[] = [];
    const decidedUntil = await resumeFromStore({
      store: s,
      bot: 'b',
      spec,
      core: after,
      inherited: new InheritedFills('b', new Set()),
      ledger: resumedLedger,
      time: restartAt,
      log: (msg, fields) => logs.push({ msg, ...(fields ? { fields } : {}) }),
    });

    // Money: the same books, to the won (the same fills through the same Arm.applyFill).
    expect(before.arms.reduce((n, a) => n + a.roundTrips.length, 0)).toBeGreaterThan(5);
    expect(before.arms.every((a) => a.volume.some((v) => v > 0))).toBe(true);
    after.arms.forEach((arm, a) => {
      const want = before.arms[a]!;
      expect(arm.cash).toBe(want.cash);
      expect([...arm.volume]).toEqual([...want.volume]);
      expect([...arm.cost]).toEqual([...want.cost]);
      expect(arm.realisedPnl).toBe(want.realisedPnl);
      expect(arm.feesPaid).toBe(want.feesPaid);
      expect(arm.roundTrips).toEqual(want.roundTrips);
      expect(arm.confidenceSum).toBe(want.confidenceSum);
      // The daily loss limit: same KST day, start equity, halt and breaches.
      expect(arm.dailyLoss).toEqual(want.dailyLoss);
    });
    expect(before.arms.some((a) => a.dailyLoss.halted)).toBe(true);

    // The equity curve: status.performance gives the same figures once marked at the same closes.
    expect([...after.recorder.times()]).toEqual([...before.recorder.times()]);
    after.lastClose.set(before.lastClose);
    const { layers: _l, dataCompleteness: _d, ...want } = performanceReport(before, 'rev-1');
    const { layers: _l2, dataCompleteness: _d2, ...got } = performanceReport(after, 'rev-1');
    expect(got).toEqual(want);
    expect(want.dailyReturns.length).toBeGreaterThanOrEqual(3);

    // Nothing the store holds is decided again; the rebuilt books match the newest snapshot.
    expect(decidedUntil).toBe(last);
    const restored = logs.find((l) => l.msg === 'arms restored')!.fields!;
    expect(restored.snapshots).toBe(before.recorder.length);
    for (const arm of restored.arms as { equityAtStoredSnapshot: number; stored: { equityKRW: number } }[])
      expect(arm.equityAtStoredSnapshot).toBeCloseTo(arm.stored.equityKRW, 6);
    expect(logs.some((l) => l.msg.startsWith('restored books differ'))).toBe(false);

    // The ledger continues the stored days: the next KST day starts at the last stored equity.
    await expectNextDayStartsAtLastEquity(after, resumedLedger, last);
  });
});

async function expectNextDayStartsAtLastEquity(
  core: TradingCore,
  ledger: EquityLedger,
  last: number,
): Promise<void> {
  const rec = core.recorder;
  const lastEquity = core.arms.map((_, a) => rec.equity(a).at(-1)!);
  const next = (kstDay(last) + 1) * DAY_MS - 9 * 3_600_000 + STEP_MS;
  const row = rec.begin(next);
  core.arms.forEach((_, a) => {
    rec.set(row, a, lastEquity[a]! + 1_000, 0);
  });
  ledger.collect(core);
  const days: { arm: string; start: number; end: number }[] = [];
  await ledger.flush({
    recordEquity: async () => undefined,
    recordDailyEquity: async (_b, arm, _r, _t, start, end) => {
      days.push({ arm, start, end });
      return undefined as never;
    },
  });
  expect(days).toEqual(
    core.arms.map((a, i) => ({ arm: a.spec.name, start: lastEquity[i]!, end: lastEquity[i]! + 1_000 })),
  );
}

function candlesBetween(data: ReturnType<typeof randomMarketData>, from: number, to: number): Candle[] {
  const out: Candle[] = [];
  for (const series of data.values()) {
    const s5 = series['5m']!;
    for (let i = 0; i < s5.length; i++) {
      const openTime = s5.openTime[i]!;
      if (openTime >= from && openTime < to) out.push(candleAt(s5, i));
    }
  }
  return out;
}
