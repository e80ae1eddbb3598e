// Store throughput for `npm run bench` (issue 6: "orders per second through the store (intent +
// fill + trade log) on PostgreSQL and on PGlite"). One order = the four writes the runtime makes
// for it: fenced intent, -> submitted, one fill (trade log + order totals), -> filled; each its
// own transaction, sequential like the trading loop. Run directly:
//   DATABASE_URL=postgres://... node bot-runtime/src/store/bench.ts [orders]

import type { Db } from './db.ts';
import { migrate } from './migrate.ts';
import { PgliteDb } from './pglite-db.ts';
import { intentFor } from './test-data.ts';
import { createTestSchema } from './test-schema.ts';
import { TradeStore } from './trade-store.ts';

export interface StoreBenchResult {
  engine: 'pglite' | 'pg';
  orders: number;
  seconds: number;
  ordersPerSecond: number;
  /** Median latency of one whole order (4 statements, each its own transaction), ms. */
  p50OrderMs: number;
  /**
   * `SELECT 1` round trips per second on the same connection, measured in the same run: the
   * floor set by the machine (a loaded shared CI box is slow at everything); ordersPerSecond x 4
   * close to it means the store adds little beyond the round trips themselves.
   */
  baselineQueriesPerSecond: number;
}

async function runOrders(
  db: Db,
  engine: StoreBenchResult['engine'],
  orders: number,
): Promise<StoreBenchResult> {
  await migrate(db);
  const store = new TradeStore(db);
  const bot = `bench-${engine}-${Date.now()}`;
  const lat: number[] = [];
  const baseStart = performance.now();
  for (let i = 0; i < orders; i++) await db.query('SELECT 1');
  const baselineQueriesPerSecond = orders / ((performance.now() - baseStart) / 1000);
  // Warm-up: connections, prepared plans, PGlite's JIT; not measured.
  for (let i = 0; i < Math.min(50, orders); i++) await oneOrder(store, bot, `warm-${i}`);
  const start = performance.now();
  for (let i = 0; i < orders; i++) {
    const t = performance.now();
    await oneOrder(store, bot, `o-${i}`);
    lat.push(performance.now() - t);
  }
  const seconds = (performance.now() - start) / 1000;
  lat.sort((a, b) => a - b);
  return {
    engine,
    orders,
    seconds,
    ordersPerSecond: orders / seconds,
    p50OrderMs: lat[Math.floor(lat.length / 2)] ?? 0,
    baselineQueriesPerSecond,
  };
}

async function oneOrder(store: TradeStore, bot: string, suffix: string): Promise<void> {
  const id = `${bot}-${suffix}`;
  const intent = intentFor(bot, id, { quoteAmount: 1_000_000 });
  await store.orders.createIntent(intent, 1);
  await store.orders.transition(id, 'submitted');
  await store.fills.recordFill({
    clientOrderId: id,
    market: intent.market,
    side: 'buy',
    price: 140_000_000,
    volume: 1_000_000 / 140_000_000,
    fee: 500,
    time: intent.time + 300_000,
  });
  await store.orders.transition(id, 'filled');
}

/** Orders per second on PGlite (in memory) and, when `databaseUrl` is given, on PostgreSQL. */
export async function benchStore(
  opts: { databaseUrl?: string; orders?: number } = {},
): Promise<StoreBenchResult[]> {
  const orders = opts.orders ?? 1_000;
  const out: StoreBenchResult[] = [];
  const lite = await PgliteDb.open();
  try {
    out.push(await runOrders(lite, 'pglite', orders));
  } finally {
    await lite.close();
  }
  if (opts.databaseUrl) {
    const schema = await createTestSchema(opts.databaseUrl, 'kt_bench');
    const db = schema.connect({ maxConnections: 2 });
    try {
      out.push(await runOrders(db, 'pg', orders));
    } finally {
      await db.close();
      await schema.drop();
    }
  }
  return out;
}

if (import.meta.main) {
  const orders = Number(process.argv[2] ?? 1_000);
  const results = await benchStore({ databaseUrl: process.env.DATABASE_URL || undefined, orders });
  for (const r of results) {
    console.log(
      `store ${r.engine}: ${r.ordersPerSecond.toFixed(0)} orders/s (${r.orders} orders in ${r.seconds.toFixed(2)} s, p50 ${r.p50OrderMs.toFixed(2)} ms/order; baseline SELECT 1: ${r.baselineQueriesPerSecond.toFixed(0)}/s)`,
    );
  }
}
