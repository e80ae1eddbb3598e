// The live equity ledger against a real TradingCore (paper-traded over three days of a seeded
// random walk) and the PGlite store, with the store refusing writes for a stretch of cycles:
// afterwards the store holds the same KST daily returns as status.performance and each arm's
// newest equity, and nothing queued is left.
import { afterEach, describe, expect, it } from 'vitest';
import { PaperBroker } from '../execution/paper-broker.ts';
import { PaperRunner } from '../loop/paper-run.ts';
import { randomMarketData } from '../loop/random-walk.fixture.ts';
import { performanceReport } from '../report/performance-report.ts';
import { twoArmPaperSpec } from '../report/report.fixture.ts';
import { StoreError } from '../store/errors.ts';
import type { PerformanceRepo } from '../store/performance-repo.ts';
import { openTradeStore, type TradeStore } from '../store/trade-store.ts';
import { EquityLedger } from './equity-ledger.ts';
import { FlushPacedClock } from './paced-clock.fixture.ts';

const MARKETS = ['KRW-BTC', 'KRW-ETH'];
const DATA_START = Date.parse('2026-01-01T00:00:00Z');
const DAY_MS = 86_400_000;

let store: TradeStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

/** The store's performance repo with a switch that makes every write fail (PostgreSQL down). */
function flakyRepo(repo: PerformanceRepo): {
  repo: PerformanceRepo;
  down: { on: boolean };
  failures: { n: number };
} {
  const down = { on: false };
  const failures = { n: 0 };
  const guard =
    <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      if (down.on) {
        failures.n++;
        throw new StoreError('UNAVAILABLE' as never, 'connection refused');
      }
      return f(...a);
    };
  const wrapped = Object.create(repo) as PerformanceRepo;
  wrapped.recordEquity = guard(repo.recordEquity.bind(repo));
  wrapped.recordDailyEquity = guard(repo.recordDailyEquity.bind(repo));
  return { repo: wrapped, down, failures };
}

describe('EquityLedger', () => {
  it('writes what status.performance reports, per KST day and arm, also across a store outage', async () => {
    store = await openTradeStore();
    const spec = twoArmPaperSpec(MARKETS);
    const ledger = new EquityLedger({ bot: 'b', revision: 'rev-1', spec });
    const { repo, down, failures } = flakyRepo(store.performance);
    let inFlight: Promise<unknown> | undefined;
    let stepped = 0;
    const cycles = 3 * 288; // three days of 5m cycles
    const runner = new PaperRunner({
      spec,
      source: { markets: MARKETS, load: async () => randomMarketData(MARKETS, DATA_START, 14, 9) },
      markets: MARKETS,
      clock: new FlushPacedClock(DATA_START + 6 * DAY_MS, () => inFlight),
      broker: new PaperBroker({ feePct: 0.05, slippagePct: 0.05, minOrderKRW: 5_000 }),
      bot: 'b',
      revision: 'rev-1',
      signal: new AbortController().signal,
      maxCycles: cycles,
      onCycle: (info, core) => {
        // The store is down for most of the second day (a KST day boundary falls inside it).
        down.on = info.cycle > 250 && info.cycle < 500;
        if (info.newCandles > 0) stepped++;
        ledger.collect(core);
        inFlight ??= ledger.flush(repo).then(
          () => (inFlight = undefined),
          () => (inFlight = undefined),
        );
      },
    });
    await runner.run();
    await inFlight;
    expect(failures.n).toBeGreaterThan(0);
    await ledger.flush(repo);
    expect(ledger.pending).toBe(0);

    const report = performanceReport(runner.core, 'rev-1');
    const byArm = await Promise.all(
      runner.core.arms.map((a) => store!.performance.dailyReturns('b', a.spec.name, 30)),
    );
    // The bot's daily return = sum of the arms' end equity over the sum of their start equity.
    const dates = byArm[0]!.map((d) => d.date);
    expect(dates).toEqual(report.dailyReturns.map((d) => d.date));
    dates.forEach((date, i) => {
      const start = byArm.reduce((s, rows) => s + rows[i]!.startEquityKRW, 0);
      const end = byArm.reduce((s, rows) => s + rows[i]!.endEquityKRW, 0);
      expect(byArm.every((rows) => rows[i]!.date === date)).toBe(true);
      expect((end / start - 1) * 100).toBeCloseTo(report.dailyReturns[i]!.returnPct, 9);
    });
    expect(report.dailyReturns.some((d) => d.returnPct !== 0)).toBe(true);
    for (const arm of runner.core.arms) {
      const latest = await store.performance.latestEquity('b', arm.spec.name);
      expect(latest?.equityKRW).toBeCloseTo(arm.equity(runner.core.lastClose), 6);
      expect(latest?.cashKRW).toBe(arm.cash);
      expect(latest?.time).toBe(runner.core.recorder.times().at(-1));
    }
    // One snapshot per arm and cycle that recorded a step, none lost to the outage.
    expect(stepped).toBeGreaterThan(cycles / 2);
    const snaps = await store.db.query<{ n: string }>(
      "SELECT count(*)::text AS n FROM equity_snapshots WHERE bot = 'b'",
    );
    expect(Number(snaps.rows[0]!.n)).toBe(stepped * runner.core.arms.length);
  });

  it('keeps at most one day of snapshots per arm while the store is down, and every day row', async () => {
    const spec = { cycleSeconds: 21_600, capital: { split: [{ name: 'a' }] } } as never;
    const ledger = new EquityLedger({ bot: 'b', revision: 'r', spec });
    const times: number[] = [];
    const eq: number[] = [];
    const loop = {
      arms: [{ spec: { name: 'a' }, initialCash: 100, cash: 100 }],
      recorder: {
        get length() {
          return times.length;
        },
        times: () => Float64Array.from(times),
        equity: () => Float64Array.from(eq),
      },
    } as never;
    for (let k = 0; k < 12; k++) {
      times.push(DATA_START + k * 6 * 3_600_000);
      eq.push(100 + k);
      ledger.collect(loop);
    }
    // 12 cycles of 6 h = 3 days: 4 snapshots (one day of cycles) + 4 KST days.
    expect(ledger.pending).toBe(4 + 4);
    const written: { start: number; end: number }[] = [];
    await ledger.flush({
      recordEquity: async () => undefined,
      recordDailyEquity: async (_b, _a, _r, _t, start, end) => {
        written.push({ start, end });
        return undefined as never;
      },
    });
    // Each day starts where the previous one ended (the first at the initial cash).
    expect(written[0]!.start).toBe(100);
    for (let i = 1; i < written.length; i++) expect(written[i]!.start).toBe(written[i - 1]!.end);
    expect(written.at(-1)!.end).toBe(111);
    expect(ledger.pending).toBe(0);
  });
});
