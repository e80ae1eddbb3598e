// Row <-> domain mapping for `orders` and `trade_logs` (money via numeric.ts, in one place).
import type { Order, OrderState, RejectionCode } from '../execution/broker.ts';
import type { OrderIntent, Side, Signal } from '../types.ts';
import { fromNumeric, fromOptionalNumeric, fromTimestamp } from './numeric.ts';

/** An order as the store knows it: the intent, its state and the fills recorded so far. */
export interface StoredOrder {
  intent: OrderIntent;
  state: OrderState;
  fencingToken: number;
  exchangeOrderId?: string;
  filledVolume: number;
  /** Quote value of the recorded fills before fees (sum of price x volume, exact in NUMERIC). */
  filledQuote: number;
  fees: number;
  /** Why the order ended without (full) execution: a RejectionCode or a reconciliation code. */
  reason?: { code: string; message: string };
  createdAt: number;
  updatedAt: number;
}

/** One row of the seed's `trade_logs` table. */
export interface TradeLog {
  id: number;
  fillKey: string;
  clientOrderId: string;
  bot: string;
  revision: string;
  arm: string;
  market: string;
  side: Side;
  price: number;
  volume: number;
  fee: number;
  confidence: number;
  layers: Signal['layers'];
  source: 'broker' | 'reconcile';
  filledAt: number;
}

export const ORDER_COLUMNS = `client_order_id, bot, revision, arm, market, side, quote_amount, volume,
  decision_time, confidence, signal, fencing_token, state, exchange_order_id, filled_volume,
  filled_quote, fees, reason_code, reason_message, created_at, updated_at`;

export function toStoredOrder(r: Record<string, unknown>): StoredOrder {
  const quoteAmount = fromOptionalNumeric(r.quote_amount);
  const volume = fromOptionalNumeric(r.volume);
  const intent: OrderIntent = {
    clientOrderId: r.client_order_id as string,
    bot: r.bot as string,
    revision: r.revision as string,
    arm: r.arm as string,
    market: r.market as string,
    side: r.side as Side,
    ...(quoteAmount !== undefined ? { quoteAmount } : {}),
    ...(volume !== undefined ? { volume } : {}),
    time: fromTimestamp(r.decision_time),
    confidence: Number(r.confidence),
    signal: r.signal as Signal,
  };
  return {
    intent,
    state: r.state as OrderState,
    fencingToken: fromNumeric(r.fencing_token),
    ...(r.exchange_order_id ? { exchangeOrderId: r.exchange_order_id as string } : {}),
    filledVolume: fromNumeric(r.filled_volume),
    filledQuote: fromNumeric(r.filled_quote),
    fees: fromNumeric(r.fees),
    ...(r.reason_code
      ? { reason: { code: r.reason_code as string, message: String(r.reason_message ?? '') } }
      : {}),
    createdAt: fromTimestamp(r.created_at),
    updatedAt: fromTimestamp(r.updated_at),
  };
}

/** The store's order in the broker's shape (what reconciliation compares with the exchange's). */
export function toBrokerOrder(o: StoredOrder): Order {
  return {
    intent: o.intent,
    state: o.state,
    filledVolume: o.filledVolume,
    filledQuote: o.filledQuote,
    fees: o.fees,
    ...(o.state === 'rejected' && o.reason
      ? { rejection: { code: o.reason.code as RejectionCode, message: o.reason.message } }
      : {}),
    updatedAt: o.updatedAt,
  };
}

export const TRADE_LOG_COLUMNS = `id, fill_key, client_order_id, bot, revision, arm, market, side, price,
  volume, fee, confidence, layers, source, filled_at`;

export function toTradeLog(r: Record<string, unknown>): TradeLog {
  return {
    id: fromNumeric(r.id),
    fillKey: r.fill_key as string,
    clientOrderId: r.client_order_id as string,
    bot: r.bot as string,
    revision: r.revision as string,
    arm: r.arm as string,
    market: r.market as string,
    side: r.side as Side,
    price: fromNumeric(r.price),
    volume: fromNumeric(r.volume),
    fee: fromNumeric(r.fee),
    confidence: Number(r.confidence),
    layers: r.layers as Signal['layers'],
    source: r.source as 'broker' | 'reconcile',
    filledAt: fromTimestamp(r.filled_at),
  };
}
