// Db over PGlite: PostgreSQL compiled to WASM, embedded in the process. The default when no
// DATABASE_URL is set (DESIGN.md). In memory, or persisted in a data directory.
// PGlite is single-connection and single-process: queries run one at a time (it serialises them
// itself), transactions hold that one connection, and two PROCESSES must never open the same data
// directory. The migration advisory lock is still taken (it is cheap and keeps one code path), but
// it only protects against a second migrator on a real server.
import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable, QueryResult, SqlParam } from './db.ts';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

export interface PgliteDbOptions {
  /** Data directory; omitted = in memory (lost at exit: tests, backtests, a first look). */
  dataDir?: string;
}

export class PgliteDb implements Db {
  readonly kind = 'pglite';
  private readonly db: PGlite;

  private constructor(db: PGlite) {
    this.db = db;
  }

  static async open(opts: PgliteDbOptions = {}): Promise<PgliteDb> {
    // Same row values as PgDb: BIGINT and NUMERIC as exact strings (PGlite gives BIGINT as bigint).
    const parsers = { [INT8_OID]: (v: string) => v, [NUMERIC_OID]: (v: string) => v };
    const db = opts.dataDir ? new PGlite(opts.dataDir, { parsers }) : new PGlite({ parsers });
    await db.waitReady;
    return new PgliteDb(db);
  }

  async query<Row = Record<string, unknown>>(
    sql: string,
    params: readonly SqlParam[] = [],
  ): Promise<QueryResult<Row>> {
    const r = await this.db.query<Row>(sql, params as unknown[]);
    return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
  }

  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction(async (t) =>
      work({
        async query<Row>(sql: string, params: readonly SqlParam[] = []) {
          const r = await t.query<Row>(sql, params as unknown[]);
          return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
        },
        async exec(sql: string) {
          await t.exec(sql);
        },
      }),
    );
  }

  async exec(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
