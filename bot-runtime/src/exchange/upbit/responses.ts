// Typed Upbit responses and their parsers. Field names follow docs.upbit.com (v1); numbers arrive as
// strings in the exchange API and as numbers in the quotation API; both are read by `Reader.decimal`.
import type { Candle, Timeframe } from '../../types.ts';
import { invalid, Reader, readArray } from './validate.ts';

export type UpbitSide = 'bid' | 'ask';
/** limit: price+volume; price: market BUY spending `price` KRW; market: market SELL of `volume`. */
export type UpbitOrdType = 'limit' | 'price' | 'market' | 'best';
export type UpbitOrderState = 'wait' | 'watch' | 'done' | 'cancel';

export const ORDER_STATES: readonly UpbitOrderState[] = ['wait', 'watch', 'done', 'cancel'];
const SIDES: readonly UpbitSide[] = ['bid', 'ask'];
const ORD_TYPES: readonly UpbitOrdType[] = ['limit', 'price', 'market', 'best'];

export interface UpbitAccount {
  currency: string;
  balance: number;
  locked: number;
  avgBuyPrice: number;
  unitCurrency: string;
}

export interface UpbitTrade {
  uuid: string;
  market: string;
  price: number;
  volume: number;
  /** price x volume in the quote currency. */
  funds: number;
  side: UpbitSide;
  createdAt: number;
}

export interface UpbitOrder {
  uuid: string;
  identifier: string | undefined;
  market: string;
  side: UpbitSide;
  ordType: UpbitOrdType;
  price: number | undefined;
  volume: number | undefined;
  state: UpbitOrderState;
  createdAt: number;
  /** Null on Upbit for market buys (ord_type=price), which have no volume to remain. */
  remainingVolume: number | undefined;
  executedVolume: number;
  paidFee: number;
  tradesCount: number;
  /** Present on GET /order; POST /orders and DELETE /order answer without trades. */
  trades: UpbitTrade[];
}

export interface UpbitTicker {
  market: string;
  tradePrice: number;
  /** Epoch ms of the last trade. */
  timestamp: number;
}

export function parseAccounts(endpoint: string, body: unknown): UpbitAccount[] {
  return readArray(endpoint, body).map((r) => ({
    currency: r.string('currency'),
    balance: r.decimal('balance'),
    locked: r.decimal('locked'),
    avgBuyPrice: r.decimal('avg_buy_price'),
    unitCurrency: r.string('unit_currency'),
  }));
}

function parseTrade(r: Reader): UpbitTrade {
  return {
    uuid: r.string('uuid'),
    market: r.string('market'),
    price: r.decimal('price', 'positive'),
    volume: r.decimal('volume', 'positive'),
    funds: r.decimal('funds'),
    side: r.oneOf('side', SIDES),
    createdAt: r.time('created_at'),
  };
}

export function parseOrder(endpoint: string, body: unknown): UpbitOrder {
  return orderFrom(new Reader(endpoint, '', body));
}

/** GET /v1/orders/open and friends: an array of orders, each checked like a single one. */
export function parseOrders(endpoint: string, body: unknown): UpbitOrder[] {
  return readArray(endpoint, body).map(orderFrom);
}

function orderFrom(r: Reader): UpbitOrder {
  return {
    uuid: r.string('uuid'),
    identifier: r.optionalString('identifier'),
    market: r.string('market'),
    side: r.oneOf('side', SIDES),
    ordType: r.oneOf('ord_type', ORD_TYPES),
    price: r.optionalDecimal('price'),
    volume: r.optionalDecimal('volume'),
    state: r.oneOf('state', ORDER_STATES),
    createdAt: r.time('created_at'),
    remainingVolume: r.optionalDecimal('remaining_volume'),
    executedVolume: r.decimal('executed_volume'),
    paidFee: r.decimal('paid_fee'),
    tradesCount: r.integer('trades_count'),
    trades: r.has('trades') ? r.array('trades').map(parseTrade) : [],
  };
}

export function parseTickers(endpoint: string, body: unknown): UpbitTicker[] {
  return readArray(endpoint, body).map((r) => ({
    market: r.string('market'),
    tradePrice: r.decimal('trade_price', 'positive'),
    timestamp: r.integer('timestamp'),
  }));
}

/** Upbit candles (newest first on the wire) as the runtime's Candle type, in the wire's order. */
export function parseCandles(endpoint: string, body: unknown, timeframe: Timeframe): Candle[] {
  return readArray(endpoint, body).map((r) => {
    const candle: Candle = {
      market: r.string('market'),
      timeframe,
      openTime: r.time('candle_date_time_utc'),
      open: r.decimal('opening_price', 'positive'),
      high: r.decimal('high_price', 'positive'),
      low: r.decimal('low_price', 'positive'),
      close: r.decimal('trade_price', 'positive'),
      volume: r.decimal('candle_acc_trade_volume'),
      quoteVolume: r.decimal('candle_acc_trade_price'),
    };
    if (
      candle.high < Math.max(candle.open, candle.close) ||
      candle.low > Math.min(candle.open, candle.close)
    ) {
      throw invalid(
        endpoint,
        `${r.path}.high_price`,
        `high ${candle.high} / low ${candle.low} do not contain open ${candle.open} and close ${candle.close}`,
      );
    }
    return candle;
  });
}
