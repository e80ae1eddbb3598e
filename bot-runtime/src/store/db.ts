// The one seam between the trade store and a PostgreSQL engine: node-postgres against a server
// (`DATABASE_URL`), or PGlite embedded in the process when there is none (DESIGN.md "Real parts":
// embedded defaults only where a newcomer runs the product with no infrastructure). Both speak the
// same SQL, so the same migrations and the same repository code run on either.

/** A value bound to a `$n` parameter: money as a decimal string (numeric.ts), times as ISO strings, JSON as text. */
export type SqlParam = string | number | boolean | null;

export interface QueryResult<Row> {
  rows: Row[];
  /** Rows inserted/updated/deleted (or returned) by the statement. */
  rowCount: number;
}

/** What runs inside one transaction (and what a whole `Db` can do outside of one). */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly SqlParam[]): Promise<QueryResult<Row>>;
  /** Runs several statements without parameters (migration files). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  /** `pg` or `pglite`: for logs, benchmarks and the two halves of the shared store suite. */
  readonly kind: 'pg' | 'pglite';
  /**
   * Runs `work` in one transaction on one connection: COMMIT when it resolves, ROLLBACK when it
   * throws (the error is re-thrown unchanged). Nothing of a failed transaction is ever visible.
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
