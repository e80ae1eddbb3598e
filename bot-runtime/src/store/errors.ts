// Store errors are values with a code (STYLE.md rule 6); the caller decides: FENCED stops trading,
// UNAVAILABLE closes the dependency gate, ILLEGAL_TRANSITION is a bug or a stale writer.

export type StoreErrorCode =
  /** The writer's fencing token is older than one already seen for the bot: it lost the lease. */
  | 'FENCED'
  /** An order state change the state machine forbids (e.g. filled -> submitted). */
  | 'ILLEGAL_TRANSITION'
  | 'ORDER_NOT_FOUND'
  /** The same client order id was reused for a different order (other bot, market, side or amount). */
  | 'ORDER_ID_CONFLICT'
  /** A money or volume value that NUMERIC must not hold (NaN, Infinity, negative volume). */
  | 'INVALID_AMOUNT'
  /** An applied migration file was edited afterwards: the schema no longer matches the files. */
  | 'MIGRATION_CHANGED'
  /** The database could not be reached or dropped the connection; nothing of the call was written. */
  | 'UNAVAILABLE';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}

export function isStoreError(err: unknown, code?: StoreErrorCode): err is StoreError {
  return err instanceof StoreError && (code === undefined || err.code === code);
}

// Connection-level failures of node-postgres / Node's net (not SQL errors: those carry a SQLSTATE).
const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);

/**
 * Maps an engine error to UNAVAILABLE when the connection itself failed (refused, reset, the
 * server terminated the backend: SQLSTATE class 08 and 57P01..57P03), else returns it unchanged.
 */
export function classifyDbError(err: unknown): unknown {
  if (err instanceof StoreError) return err;
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const lost =
    CONNECTION_ERRNOS.has(code) ||
    code.startsWith('08') ||
    code === '57P01' ||
    code === '57P02' ||
    code === '57P03' ||
    // node-postgres' own messages for a dropped connection and a pool that could not connect in time.
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
      message,
    );
  if (!lost) return err;
  return new StoreError(
    'UNAVAILABLE',
    `PostgreSQL unreachable: ${message}; no data of this call was written`,
    {
      cause: err,
    },
  );
}
