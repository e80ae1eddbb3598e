// The runtime's and the collector's trade store from the environment (store/trade-store.ts:
// DATABASE_URL -> PostgreSQL, else PGlite). KUBETRADE_DB_SCHEMA confines a process to one schema
// (tests share one PostgreSQL server and isolate each run in a fresh schema); the application
// name shows in pg_stat_activity so an operator (or a test) can find this process's backends.
import { openTradeStore, storeOptionsFromEnv, type TradeStore } from '../store/trade-store.ts';

export function openStoreFromEnv(
  applicationName: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TradeStore> {
  const base = storeOptionsFromEnv(env);
  const schema = env.KUBETRADE_DB_SCHEMA;
  return openTradeStore({
    ...base,
    pg: { applicationName, ...(schema ? { schema } : {}) },
  });
}

/** Where the store lives, for the start-up log line (never the URL: it may carry a password). */
export function storeDescription(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DATABASE_URL)
    return `postgresql${env.KUBETRADE_DB_SCHEMA ? ` (schema ${env.KUBETRADE_DB_SCHEMA})` : ''}`;
  if (env.KUBETRADE_DATA_DIR) return `pglite ${env.KUBETRADE_DATA_DIR}`;
  return 'pglite in memory (lost at exit; set DATABASE_URL or KUBETRADE_DATA_DIR to keep it)';
}
