// Live-mode figures for `npm run bench` (issue 6: "cycle time with the store in the loop"): the
// live driver (LiveRunner) on an oscillating market that trades every few candles, placing every
// order through the money-safe path — fenced intent in the store -> UpbitBroker -> the local fake
// Upbit on loopback -> fills polled and written with their trade log -> final state — once with
// PostgreSQL and once with PGlite, against the SAME loop with the paper broker and no store
// (compute only). Ratios come from one run, on one machine, so the machine's load cancels out.
// The exchange client's own figures (exchange/bench.ts) are reported beside them.
// Run alone: DATABASE_URL=postgres://... node bot-runtime/src/live/bench.ts
import { applyDefaults, type ResolvedSpec } from '@kubetrade/crds';
import { benchExchange, type ExchangeBench } from '../exchange/bench.ts';
import { FakeUpbit } from '../exchange/fake-upbit/server.ts';
import { UpbitClient } from '../exchange/upbit/client.ts';
import type { Broker } from '../execution/broker.ts';
import { PaperBroker } from '../execution/paper-broker.ts';
import { UpbitBroker } from '../execution/upbit-broker.ts';
import { SimulatedClock } from '../loop/clock.ts';
import { warmupMs } from '../loop/warmup.ts';
import { TIMEFRAME_MS } from '../market/timeframes.ts';
import type { Db } from '../store/db.ts';
import { migrate } from '../store/migrate.ts';
import { PgliteDb } from '../store/pglite-db.ts';
import { createTestSchema } from '../store/test-schema.ts';
import { TradeStore } from '../store/trade-store.ts';
import type { Candle } from '../types.ts';
import { ExchangeCandles } from './exchange-candles.ts';
import { GuardedBroker } from './guarded-broker.ts';
import { LiveRunner } from './live-runner.ts';
import { swingCandles } from './swing-market.fixture.ts';

const MARKETS = ['KRW-BTC', 'KRW-ETH', 'KRW-XRP', 'KRW-SOL'];
const STEP = TIMEFRAME_MS['5m'];
const KEYS = { accessKey: 'bench-live-access-0001', secretKey: 'bench-live-secret-0001-xyz' };
/** Limits high enough that the bench measures the code path, not Upbit's 8 orders/s budget. */
const UNLIMITED = { order: 1e6, default: 1e6, candle: 1e6, ticker: 1e6, market: 1e6 };

export interface CycleFigures {
  store: 'none' | 'pglite' | 'pg';
  cycles: number;
  orders: number;
  /** One cycle: settle (fills + trade log written) + decide + place orders; candle fetch excluded. */
  medianCycleMs: number;
  meanCycleMs: number;
  /** Cycles that placed at least one order (the ones the store and the exchange cost something in). */
  medianOrderCycleMs: number;
}

export interface LiveBench {
  computeOnly: CycleFigures;
  withStore: CycleFigures[];
  exchange: ExchangeBench;
}

/** Two votes nearly every candle on the swing market (the live tests' spec), one technical arm. */
function benchLiveSpec(): ResolvedSpec {
  return applyDefaults({
    mode: 'live',
    markets: MARKETS,
    cycleSeconds: STEP / 1000,
    credentialsSecretRef: { name: 'bench' },
    capital: { totalKRW: 100_000_000, split: [{ name: 'tech', weight: 100, layers: ['technical'] }] },
    engine: {
      technical: {
        rsi: { period: 14, oversold: 49, overbought: 51 },
        bollinger: { period: 20, stdDev: 2, edge: 0.45 },
      },
    },
  } as never);
}

/** Candle pages from memory: the exchange's candle I/O is outside the cycle time in live mode too. */
function memoryCandles(candles: readonly Candle[]) {
  return {
    async *candlePages(market: string, _tf: string, opts: { to?: number; from?: number } = {}) {
      yield candles
        .filter(
          (c) =>
            c.market === market &&
            c.openTime >= (opts.from ?? 0) &&
            c.openTime < (opts.to ?? Number.POSITIVE_INFINITY),
        )
        .reverse();
    },
  };
}

async function runCycles(
  spec: ResolvedSpec,
  candles: readonly Candle[],
  start: number,
  cycles: number,
  store: { kind: CycleFigures['store']; db?: Db; fakeUrl?: string },
): Promise<CycleFigures> {
  let broker: Broker;
  let settle: (() => Promise<unknown>) | undefined;
  let trades: TradeStore | undefined;
  if (store.db && store.fakeUrl) {
    await migrate(store.db);
    trades = new TradeStore(store.db);
    const inner = new UpbitBroker(new UpbitClient({ baseUrl: store.fakeUrl, credentials: KEYS }), {
      minOrderKRW: spec.risk.minOrderKRW,
    });
    const always = () => true;
    const guarded = new GuardedBroker(
      inner,
      {
        store: trades,
        lease: { fencingToken: () => 1 },
        gate: {
          canOpenPositions: always,
          canClosePositions: always,
          readiness: () => ({ ready: true, reasons: [] }),
        },
      } as never,
      () => undefined,
    );
    broker = guarded;
    settle = () => guarded.settle();
  } else {
    broker = new PaperBroker({
      feePct: spec.risk.feePct,
      slippagePct: spec.risk.slippagePct,
      minOrderKRW: spec.risk.minOrderKRW,
    });
  }
  const laps: { ms: number; orders: number }[] = [];
  let settleMs = 0;
  let ordersThisCycle = 0;
  const runner = new LiveRunner({
    spec,
    markets: MARKETS,
    candles: new ExchangeCandles(memoryCandles(candles)),
    clock: new SimulatedClock(start),
    broker,
    bot: `bench-${store.kind}-${Date.now()}`,
    revision: 'bench',
    signal: new AbortController().signal,
    trade: () => true,
    maxCycles: cycles + 1,
    beforeCycle: async () => {
      const t = performance.now();
      await settle?.();
      settleMs = performance.now() - t;
    },
    onEvent: (e) => {
      if (e.kind === 'decision' && e.intent) ordersThisCycle++;
    },
    onCycle: (info) => {
      // Cycle 1 is the warm-up (history fed without trading): not a cycle a bot runs every minute.
      if (info.cycle > 1) laps.push({ ms: settleMs + info.computeMs, orders: ordersThisCycle });
      ordersThisCycle = 0;
    },
  });
  await runner.run();
  const all = laps.map((l) => l.ms).sort((a, b) => a - b);
  const withOrders = laps
    .filter((l) => l.orders > 0)
    .map((l) => l.ms)
    .sort((a, b) => a - b);
  return {
    store: store.kind,
    cycles: laps.length,
    orders: laps.reduce((s, l) => s + l.orders, 0),
    medianCycleMs: median(all),
    meanCycleMs: all.reduce((s, x) => s + x, 0) / Math.max(1, all.length),
    medianOrderCycleMs: median(withOrders),
  };
}

function median(sorted: readonly number[]): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor(sorted.length / 2)]!;
}

/** Store-in-loop live cycles on PGlite (and PostgreSQL when `databaseUrl` is given) vs compute only. */
export async function benchLive(
  opts: { databaseUrl?: string; cycles?: number; exchangeOrders?: number } = {},
): Promise<LiveBench> {
  const cycles = opts.cycles ?? 300;
  const spec = benchLiveSpec();
  const start = Math.floor(Date.UTC(2026, 0, 5) / STEP) * STEP;
  const candles = swingCandles(MARKETS, start - warmupMs(spec) - STEP, start + (cycles + 2) * STEP);
  const computeOnly = await runCycles(spec, candles, start, cycles, { kind: 'none' });
  const withStore: CycleFigures[] = [];
  const fake = await FakeUpbit.start({
    keys: { [KEYS.accessKey]: KEYS.secretKey },
    limits: UNLIMITED,
    markets: MARKETS,
    book: { balances: { KRW: 1e12 } },
  });
  try {
    const lite = await PgliteDb.open();
    try {
      withStore.push(
        await runCycles(spec, candles, start, cycles, { kind: 'pglite', db: lite, fakeUrl: fake.url }),
      );
    } finally {
      await lite.close();
    }
    if (opts.databaseUrl) {
      const schema = await createTestSchema(opts.databaseUrl, 'kt_bench_live');
      const db = schema.connect({ maxConnections: 2 });
      try {
        withStore.push(await runCycles(spec, candles, start, cycles, { kind: 'pg', db, fakeUrl: fake.url }));
      } finally {
        await db.close();
        await schema.drop();
      }
    }
  } finally {
    await fake.close();
  }
  return { computeOnly, withStore, exchange: await benchExchange(opts.exchangeOrders) };
}

if (import.meta.main) {
  const r = await benchLive({ databaseUrl: process.env.DATABASE_URL || undefined });
  console.log(JSON.stringify(r, null, 2));
}
