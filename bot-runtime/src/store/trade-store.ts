// The typed repository over the trade store, and how a runtime opens it: PostgreSQL when
// DATABASE_URL is set, else PGlite (embedded; in memory or in a data directory). Migrations run
// before the store is handed out, so every caller sees the current schema.
import type { Db } from './db.ts';
import { FillsRepo } from './fills-repo.ts';
import { MarketRepo } from './market-repo.ts';
import { migrate } from './migrate.ts';
import { OrdersRepo } from './orders-repo.ts';
import { PerformanceRepo } from './performance-repo.ts';
import { PgDb, type PgDbOptions } from './pg-db.ts';
import { PgliteDb } from './pglite-db.ts';

export class TradeStore {
  readonly db: Db;
  readonly orders: OrdersRepo;
  readonly fills: FillsRepo;
  readonly market: MarketRepo;
  readonly performance: PerformanceRepo;

  constructor(db: Db) {
    this.db = db;
    this.orders = new OrdersRepo(db);
    this.fills = new FillsRepo(db);
    this.market = new MarketRepo(db);
    this.performance = new PerformanceRepo(db);
  }

  /** The fail-closed probe (safety/dependency-gate.ts): one round trip to the database. */
  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

export interface OpenStoreOptions {
  /** PostgreSQL URL; empty or absent = PGlite. */
  databaseUrl?: string;
  /** PGlite data directory; absent = in memory. Ignored with a databaseUrl. */
  dataDir?: string;
  pg?: Omit<PgDbOptions, 'connectionString'>;
}

/**
 * Where the runtime keeps its trades, from the environment: DATABASE_URL (PostgreSQL) if set,
 * else PGlite in KUBETRADE_DATA_DIR if set, else PGlite in memory (trades are lost at exit: fine
 * for paper trading and backtests, and said so in the log by the caller).
 */
export function storeOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): OpenStoreOptions {
  if (env.DATABASE_URL) return { databaseUrl: env.DATABASE_URL };
  if (env.KUBETRADE_DATA_DIR) return { dataDir: env.KUBETRADE_DATA_DIR };
  return {};
}

/** Opens the database the options name, applies the migrations, returns the store. */
export async function openTradeStore(opts: OpenStoreOptions = {}): Promise<TradeStore> {
  const db: Db = opts.databaseUrl
    ? new PgDb({ connectionString: opts.databaseUrl, ...opts.pg })
    : await PgliteDb.open(opts.dataDir ? { dataDir: opts.dataDir } : {});
  try {
    await migrate(db);
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return new TradeStore(db);
}
