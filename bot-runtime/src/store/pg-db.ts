// Db over node-postgres: a Pool against a real PostgreSQL server (DATABASE_URL).
import pg from 'pg';
import type { Db, Queryable, QueryResult, SqlParam } from './db.ts';
import { classifyDbError } from './errors.ts';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

export interface PgDbOptions {
  connectionString: string;
  /** Schema to work in (tests isolate each file in its own); default: the server's search_path. */
  schema?: string;
  /** Pool size; the runtime is one process writing a few rows per cycle. */
  maxConnections?: number;
  /** Fail a connection attempt after this long instead of hanging (fail closed, DESIGN.md). */
  connectTimeoutMs?: number;
  /** Server-side statement timeout so a stuck query cannot stall a trading cycle. */
  statementTimeoutMs?: number;
  /** Shown in pg_stat_activity; tests use it to find (and terminate) exactly their own backends. */
  applicationName?: string;
}

// Identical row values on both engines: NUMERIC and BIGINT stay exact strings here (node-postgres
// already gives NUMERIC as a string; BIGINT too) and numeric.ts converts them in one place.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID || oid === NUMERIC_OID
      ? (v: string) => v
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export class PgDb implements Db {
  readonly kind = 'pg';
  readonly pool: pg.Pool;

  constructor(opts: PgDbOptions) {
    const options = opts.schema ? `-c search_path=${quoteIdent(opts.schema)}` : undefined;
    this.pool = new pg.Pool({
      connectionString: opts.connectionString,
      max: opts.maxConnections ?? 4,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000,
      statement_timeout: opts.statementTimeoutMs ?? 10_000,
      application_name: opts.applicationName ?? 'kubetrade-bot-runtime',
      ...(options ? { options } : {}),
      types,
    });
    // An idle client losing its server must not crash the process: the next query reports it.
    this.pool.on('error', () => undefined);
  }

  async query<Row = Record<string, unknown>>(
    sql: string,
    params: readonly SqlParam[] = [],
  ): Promise<QueryResult<Row>> {
    try {
      const r = await this.pool.query(sql, params as unknown[]);
      return { rows: r.rows as Row[], rowCount: r.rowCount ?? r.rows.length };
    } catch (err) {
      throw classifyDbError(err);
    }
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw classifyDbError(err);
    }
    // A backend that dies while this client is checked out (pg_terminate_backend, a cut network)
    // emits 'error' on the client, which would crash the process unhandled; the next query on it
    // fails anyway, and that failure is what we report.
    const onError = () => undefined;
    client.on('error', onError);
    const tx: Queryable = {
      async query<Row>(sql: string, params: readonly SqlParam[] = []) {
        const r = await client.query(sql, params as unknown[]);
        return { rows: r.rows as Row[], rowCount: r.rowCount ?? r.rows.length };
      },
      async exec(sql: string) {
        await client.query(sql);
      },
    };
    let broken: unknown;
    try {
      await client.query('BEGIN');
      const out = await work(tx);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      broken = err;
      // A lost connection has rolled back on the server already; ROLLBACK then fails too.
      await client.query('ROLLBACK').catch(() => undefined);
      throw classifyDbError(err);
    } finally {
      // Passing the error destroys a client whose connection may be dead instead of reusing it.
      client.off('error', onError);
      client.release(broken instanceof Error && isConnectionError(broken) ? broken : undefined);
    }
  }

  async exec(sql: string): Promise<void> {
    try {
      // No parameters: node-postgres uses the simple protocol, which runs several statements.
      await this.pool.query(sql);
    } catch (err) {
      throw classifyDbError(err);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function isConnectionError(err: Error): boolean {
  return classifyDbError(err) !== err;
}

/** Double-quotes an identifier (schema names come from tests and config, never from users' SQL). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
