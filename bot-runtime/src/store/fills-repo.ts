// Fills into the seed's `trade_logs`, exactly once, and the exchange's view of an order applied
// to the store (start-up reconciliation). Amount arithmetic happens in SQL on NUMERIC (exact).

import { createHash } from 'node:crypto';
import type { Order } from '../execution/broker.ts';
import type { Fill } from '../types.ts';
import type { Db } from './db.ts';
import { StoreError } from './errors.ts';
import { toNumeric, toTimestamp } from './numeric.ts';
import {
  ORDER_COLUMNS,
  type StoredOrder,
  TRADE_LOG_COLUMNS,
  type TradeLog,
  toStoredOrder,
  toTradeLog,
} from './order-rows.ts';
import { isFinal } from './order-states.ts';
import { advanceIn, selectOrder } from './orders-repo.ts';

/** What applying the exchange's view of one order changed. */
export interface AppliedOrder {
  order: StoredOrder;
  /** Trade log rows written (0 or 1: the missing volume is written as one fill at its average price). */
  fillsWritten: number;
  /** Set when the exchange reports LESS than the store recorded; nothing is shrunk, a person must look. */
  mismatch?: string;
}

/** A fill's identity when the exchange gives none: the same fill reported twice gets the same key. */
export function fillKey(fill: Fill): string {
  const h = createHash('sha256')
    .update(`${fill.clientOrderId}\n${fill.time}\n${fill.price}\n${fill.volume}\n${fill.fee}`)
    .digest('hex')
    .slice(0, 32);
  return `${fill.clientOrderId}:fill:${h}`;
}

const INSERT_LOG = `INSERT INTO trade_logs (fill_key, client_order_id, bot, revision, arm, market, side,
    price, volume, fee, confidence, layers, source, filled_at)
  SELECT $1, o.client_order_id, o.bot, o.revision, o.arm, o.market, o.side,
    $2::numeric, $3::numeric, $4::numeric, o.confidence, COALESCE(o.signal -> 'layers', '{}'::jsonb), $5, $6::timestamptz
  FROM orders o WHERE o.client_order_id = $7
  ON CONFLICT (fill_key) DO NOTHING
  RETURNING id`;

// A fill WITHOUT an exchange trade id (a broker that reports none) is also a duplicate when a row
// of the same order already has its time, price and volume: the same execution written earlier
// under its trade id (by reconciliation) or under the other path's key. The cost: two genuinely
// distinct executions of one order in the same millisecond at the same price and volume would be
// logged once; brokers that pass trade ids never take this path.
const SAME_EXECUTION_ABSENT = `AND NOT EXISTS (SELECT 1 FROM trade_logs x WHERE x.client_order_id = $7
    AND x.filled_at = $6::timestamptz AND x.price = $2::numeric AND x.volume = $3::numeric)`;

export class FillsRepo {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /**
   * Records one fill of an order: a trade log row plus the order's running totals, in one
   * transaction. Idempotent on `fillId` (default `fill.tradeId`: the exchange's trade id) or,
   * without one, on fillKey(). Live brokers must pass the trade id: reconciliation writes the
   * trades it looks up with the same key, so a fill seen by both paths is written once.
   * An order still in `intent`/`submitted` moves to partially_filled; reaching `filled` is the
   * broker's call (applyExchangeOrder / transition), since a buy by KRW amount has no fixed volume.
   */
  async recordFill(
    fill: Fill & { tradeId?: string },
    fillId: string | undefined = fill.tradeId,
  ): Promise<{ written: boolean; order: StoredOrder }> {
    if (!(fill.volume > 0) || !(fill.price > 0) || !(fill.fee >= 0)) {
      throw new StoreError(
        'INVALID_AMOUNT',
        `fill of ${fill.clientOrderId}: price and volume must be > 0 and fee >= 0 (got ${fill.price}, ${fill.volume}, ${fill.fee})`,
      );
    }
    const price = toNumeric(fill.price, 'fill price');
    const volume = toNumeric(fill.volume, 'fill volume');
    const fee = toNumeric(fill.fee, 'fill fee');
    const key = fillId ? `${fill.clientOrderId}:trade:${fillId}` : fillKey(fill);
    // ONE statement (atomic, one round trip): the trade log row and the order's totals are written
    // together or not at all; a fill key seen before inserts nothing and so updates nothing.
    const r = await this.db.query(
      `WITH ins AS (${fillId ? INSERT_LOG : INSERT_LOG.replace('\n  ON CONFLICT', `\n  ${SAME_EXECUTION_ABSENT}\n  ON CONFLICT`)})
       UPDATE orders SET filled_volume = filled_volume + $3::numeric,
         filled_quote = filled_quote + $2::numeric * $3::numeric, fees = fees + $4::numeric, updated_at = now(),
         state = CASE WHEN state = 'submitted' THEN 'partially_filled' ELSE state END
       WHERE client_order_id = $7 AND EXISTS (SELECT 1 FROM ins)
       RETURNING ${ORDER_COLUMNS}`,
      [key, price, volume, fee, 'broker', toTimestamp(fill.time), fill.clientOrderId],
    );
    if (r.rows[0]) {
      const order = toStoredOrder(r.rows[0]);
      // A fill for an order still in `intent` (the runtime died before marking it submitted):
      // walk it intent -> submitted -> partially_filled, each step guarded.
      if (order.state === 'intent')
        return { written: true, order: await advanceIn(this.db, order, 'partially_filled') };
      return { written: true, order };
    }
    const order = await selectOrder(this.db, fill.clientOrderId);
    if (!order) throw new StoreError('ORDER_NOT_FOUND', `fill for unknown order ${fill.clientOrderId}`);
    return { written: false, order };
  }

  /**
   * Makes the store agree with the exchange's view of an order (cumulative filled volume, quote,
   * fees and state): the volume the store has not recorded yet is written as ONE trade log row at
   * its average price, keyed by the exchange's cumulative volume so a repeated call writes nothing.
   * When the exchange lists the order's trades, record them first (recordFill with their trade
   * ids, as safety/reconcile.ts does): then nothing is missing here and this only moves the state.
   */
  async applyExchangeOrder(exchange: Order, exchangeOrderId?: string): Promise<AppliedOrder> {
    const id = exchange.intent.clientOrderId;
    const volume = toNumeric(exchange.filledVolume, 'exchange filled volume');
    const quote = toNumeric(exchange.filledQuote, 'exchange filled quote');
    const fees = toNumeric(exchange.fees, 'exchange fees');
    return this.db.transaction(async (tx) => {
      const order = await selectOrder(tx, id, true);
      if (!order)
        throw new StoreError('ORDER_NOT_FOUND', `the exchange reports order ${id}, the store has none`);
      const d = await tx.query<{ dv: string; dq: string; df: string }>(
        `SELECT ($2::numeric - filled_volume)::text AS dv, ($3::numeric - filled_quote)::text AS dq,
           GREATEST($4::numeric - fees, 0)::text AS df FROM orders WHERE client_order_id = $1`,
        [id, volume, quote, fees],
      );
      const delta = d.rows[0]!;
      let fillsWritten = 0;
      let mismatch: string | undefined;
      if (Number(delta.dv) > 0) {
        const log = await tx.query(INSERT_LOG.replace('$2::numeric', '($2::numeric / $3::numeric)'), [
          `${id}:exchange:${volume}`,
          delta.dq,
          delta.dv,
          delta.df,
          'reconcile',
          toTimestamp(exchange.updatedAt),
          id,
        ]);
        fillsWritten = log.rowCount;
        await tx.query(
          `UPDATE orders SET filled_volume = $2::numeric, filled_quote = GREATEST(filled_quote, $3::numeric),
             fees = GREATEST(fees, $4::numeric), updated_at = now() WHERE client_order_id = $1`,
          [id, volume, quote, fees],
        );
      } else if (Number(delta.dv) < 0) {
        mismatch = `exchange reports ${exchange.filledVolume} filled for ${id}, the store recorded ${order.filledVolume}`;
      }
      const current = (await selectOrder(tx, id))!;
      const target = exchange.state === 'intent' ? 'submitted' : exchange.state;
      const reason = exchange.rejection
        ? { code: exchange.rejection.code, message: exchange.rejection.message }
        : undefined;
      let next = current;
      if (current.state !== target) {
        if (isFinal(current.state)) {
          mismatch ??= `exchange reports ${id} ${target}, the store has it ${current.state}`;
        } else {
          next = await advanceIn(tx, current, target, {
            ...(exchangeOrderId ? { exchangeOrderId } : {}),
            ...(reason ? { reason } : {}),
          });
        }
      }
      return { order: next, fillsWritten, ...(mismatch ? { mismatch } : {}) };
    });
  }

  /** Trade log rows of `bot` (or of one order), oldest first. */
  async tradeLogs(filter: { bot?: string; clientOrderId?: string } = {}): Promise<TradeLog[]> {
    const where: string[] = [];
    const params: string[] = [];
    if (filter.bot !== undefined) {
      params.push(filter.bot);
      where.push(`bot = $${params.length}`);
    }
    if (filter.clientOrderId !== undefined) {
      params.push(filter.clientOrderId);
      where.push(`client_order_id = $${params.length}`);
    }
    const r = await this.db.query(
      `SELECT ${TRADE_LOG_COLUMNS} FROM trade_logs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`,
      params,
    );
    return r.rows.map(toTradeLog);
  }
}
