// Order intents behind the fence, and the state machine's guarded updates.
import type { OrderState } from '../execution/broker.ts';
import type { OrderIntent } from '../types.ts';
import type { Db, Queryable } from './db.ts';
import { StoreError } from './errors.ts';
import { fromTimestamp, optionalNumeric, toTimestamp } from './numeric.ts';
import { ORDER_COLUMNS, type StoredOrder, toStoredOrder } from './order-rows.ts';
import { canTransition, isFinal, OPEN_STATES, ORDER_STATES, pathTo, predecessors } from './order-states.ts';

export interface TransitionDetails {
  exchangeOrderId?: string;
  reason?: { code: string; message: string };
}

/** `'a', 'b'` for a list of our own state constants (never user input). */
function sqlList(states: readonly OrderState[]): string {
  return states.map((s) => `'${s}'`).join(', ');
}

const OPEN_LIST = sqlList(OPEN_STATES);

export class OrdersRepo {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /**
   * Writes `intent` as an order in state `intent`, only if `fencingToken` is the newest token seen
   * for the bot (raising the bot's fence to it). A stale token -> StoreError FENCED, nothing
   * written. The same client order id again -> the existing order, unchanged (idempotent).
   */
  async createIntent(
    intent: OrderIntent,
    fencingToken: number,
  ): Promise<{ order: StoredOrder; created: boolean }> {
    if (!Number.isSafeInteger(fencingToken) || fencingToken <= 0) {
      throw new StoreError('FENCED', `fencing token must be a positive integer, got ${fencingToken}`);
    }
    const quote = optionalNumeric(intent.quoteAmount, `order ${intent.clientOrderId} quoteAmount`);
    const volume = optionalNumeric(intent.volume, `order ${intent.clientOrderId} volume`);
    if ((quote === null) === (volume === null)) {
      throw new StoreError(
        'INVALID_AMOUNT',
        `order ${intent.clientOrderId}: exactly one of quoteAmount (buy) and volume (sell) must be set`,
      );
    }
    // ONE statement, so one transaction and one round trip: the upsert raises the bot's fence to
    // GREATEST(stored, ours) and row-locks it until commit, so concurrent writers of one bot
    // serialise on it (a waiting writer re-reads the row after the first commits); the order is
    // inserted only if the fence equals OUR token, i.e. no newer token was ever seen.
    const r = await this.db.query<Record<string, unknown>>(
      `WITH fence AS (
         INSERT INTO trader_fences (bot, token) VALUES ($2, $12::bigint)
         ON CONFLICT (bot) DO UPDATE SET token = GREATEST(trader_fences.token, EXCLUDED.token), updated_at = now()
         RETURNING token),
       ins AS (
         INSERT INTO orders (client_order_id, bot, revision, arm, market, side, quote_amount, volume,
           decision_time, confidence, signal, fencing_token)
         SELECT $1, $2, $3, $4, $5, $6, $7::numeric, $8::numeric, $9::timestamptz, $10::float8, $11::jsonb, $12::bigint
         FROM fence WHERE fence.token = $12::bigint
         ON CONFLICT (client_order_id) DO NOTHING
         RETURNING ${ORDER_COLUMNS})
       SELECT fence.token AS newest_token, ins.* FROM fence LEFT JOIN ins ON true`,
      [
        intent.clientOrderId,
        intent.bot,
        intent.revision,
        intent.arm,
        intent.market,
        intent.side,
        quote,
        volume,
        toTimestamp(intent.time),
        intent.confidence,
        JSON.stringify(intent.signal),
        fencingToken,
      ],
    );
    const row = r.rows[0]!;
    const newest = Number(row.newest_token);
    if (newest > fencingToken) {
      throw new StoreError(
        'FENCED',
        `bot ${intent.bot}: fencing token ${fencingToken} is stale (newest is ${newest}); this runtime lost ` +
          `the trader lease and must stop creating orders until it acquires the lease again`,
      );
    }
    if (row.client_order_id !== null && row.client_order_id !== undefined) {
      return { order: toStoredOrder(row), created: true };
    }
    // The id existed already: the retried intent gets the stored order (identity is immutable).
    const existing = await selectOrder(this.db, intent.clientOrderId);
    assertSameOrder(existing!, intent);
    return { order: existing!, created: false };
  }

  /** The newest fencing token the store has seen for `bot` (0 when none). */
  async fenceToken(bot: string): Promise<number> {
    const r = await this.db.query<{ token: string }>('SELECT token FROM trader_fences WHERE bot = $1', [bot]);
    return r.rows[0] ? Number(r.rows[0].token) : 0;
  }

  /** Newest decision time of any order of `bot` (undefined with none): a restart never decides it again. */
  async latestDecisionTime(bot: string): Promise<number | undefined> {
    const r = await this.db.query('SELECT max(decision_time) AS t FROM orders WHERE bot = $1', [bot]);
    const t = r.rows[0]?.t;
    return t === null || t === undefined ? undefined : fromTimestamp(t);
  }

  async order(clientOrderId: string): Promise<StoredOrder | undefined> {
    return selectOrder(this.db, clientOrderId);
  }

  /** Orders not yet final (intent, submitted, partially_filled), oldest first. */
  async openOrders(bot?: string): Promise<StoredOrder[]> {
    const r = await this.db.query(
      `SELECT ${ORDER_COLUMNS} FROM orders WHERE state IN (${OPEN_LIST})
       ${bot === undefined ? '' : 'AND bot = $1'} ORDER BY created_at, client_order_id`,
      bot === undefined ? [] : [bot],
    );
    return r.rows.map(toStoredOrder);
  }

  /** Like transition(), but walks several legal steps if needed (see advanceOrder). */
  advance(clientOrderId: string, to: OrderState, details: TransitionDetails = {}): Promise<StoredOrder> {
    return advanceOrder(this.db, clientOrderId, to, details);
  }

  /**
   * Moves an order one legal step to `to` (ILLEGAL_TRANSITION otherwise). Setting the state it
   * already has is a no-op that returns the order, so a retried call is harmless.
   */
  async transition(
    clientOrderId: string,
    to: OrderState,
    details: TransitionDetails = {},
  ): Promise<StoredOrder> {
    return this.db.transaction((tx) => transitionIn(tx, clientOrderId, to, details));
  }
}

/**
 * Walks an order along the shortest legal path to `to` (intent -> submitted -> filled when a
 * crash skipped a step), each step a guarded UPDATE; ILLEGAL_TRANSITION if there is no path.
 */
export async function advanceOrder(
  db: Db,
  clientOrderId: string,
  to: OrderState,
  details: TransitionDetails = {},
): Promise<StoredOrder> {
  const order = await selectOrder(db, clientOrderId);
  if (!order) throw new StoreError('ORDER_NOT_FOUND', `no order with client order id ${clientOrderId}`);
  return advanceIn(db, order, to, details);
}

export async function selectOrder(q: Queryable, clientOrderId: string, forUpdate = false) {
  const r = await q.query(
    `SELECT ${ORDER_COLUMNS} FROM orders WHERE client_order_id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [clientOrderId],
  );
  return r.rows[0] ? toStoredOrder(r.rows[0]) : undefined;
}

/** One guarded step inside a transaction: `UPDATE ... WHERE state IN (legal predecessors)`. */
export async function transitionIn(
  tx: Queryable,
  clientOrderId: string,
  to: OrderState,
  details: TransitionDetails = {},
): Promise<StoredOrder> {
  const r = await tx.query(
    `UPDATE orders SET state = $2, updated_at = now(),
       exchange_order_id = COALESCE($3, exchange_order_id),
       reason_code = COALESCE($4, reason_code), reason_message = COALESCE($5, reason_message)
     WHERE client_order_id = $1 AND state IN (${sqlList(predecessors(to))})
     RETURNING ${ORDER_COLUMNS}`,
    [
      clientOrderId,
      to,
      details.exchangeOrderId ?? null,
      details.reason?.code ?? null,
      details.reason?.message ?? null,
    ],
  );
  if (r.rows[0]) return toStoredOrder(r.rows[0]);
  const current = await selectOrder(tx, clientOrderId);
  if (!current) throw new StoreError('ORDER_NOT_FOUND', `no order with client order id ${clientOrderId}`);
  // A final state set again (a retried "filled") is idempotent too.
  if (current.state === to) return current;
  throw illegal(clientOrderId, current.state, to);
}

/** Walks the shortest legal path to `to` (intent -> submitted -> filled), one guarded step each. */
export async function advanceIn(
  tx: Queryable,
  order: StoredOrder,
  to: OrderState,
  details: TransitionDetails = {},
): Promise<StoredOrder> {
  if (order.state === to) return order;
  const path = pathTo(order.state, to);
  if (!path) throw illegal(order.intent.clientOrderId, order.state, to);
  let current = order;
  for (const step of path) current = await transitionIn(tx, order.intent.clientOrderId, step, details);
  return current;
}

function illegal(clientOrderId: string, from: OrderState, to: OrderState): StoreError {
  const hint = isFinal(from)
    ? 'it is final'
    : `legal next states: ${ORDER_STATES.filter((s) => canTransition(from, s)).join(', ')}`;
  return new StoreError(
    'ILLEGAL_TRANSITION',
    `order ${clientOrderId} cannot move from ${from} to ${to} (${hint})`,
  );
}

function assertSameOrder(existing: StoredOrder, intent: OrderIntent): void {
  const e = existing.intent;
  if (
    e.bot !== intent.bot ||
    e.market !== intent.market ||
    e.side !== intent.side ||
    e.quoteAmount !== intent.quoteAmount ||
    e.volume !== intent.volume
  ) {
    throw new StoreError(
      'ORDER_ID_CONFLICT',
      `client order id ${intent.clientOrderId} already belongs to a different order ` +
        `(${e.bot} ${e.side} ${e.market}); order ids must be unique per decision`,
    );
  }
}
