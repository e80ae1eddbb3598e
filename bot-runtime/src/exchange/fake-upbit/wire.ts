// The fake exchange's JSON, field for field as docs.upbit.com documents it: decimals as strings in
// the exchange API, numbers in the quotation API, times as KST offsets / bare UTC.

import { TIMEFRAME_MS } from '../../market/timeframes.ts';
import type { Candle, Timeframe } from '../../types.ts';
import type { FakeBook, FakeOrder } from './book.ts';

const KST_OFFSET_MS = 9 * 3_600_000;

/** Upbit's `created_at`: `2026-11-24T12:00:00+09:00`. */
export function kstTime(epochMs: number): string {
  return `${new Date(epochMs + KST_OFFSET_MS).toISOString().slice(0, 19)}+09:00`;
}

function utcBare(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19);
}

function dec(n: number | undefined): string | null {
  return n === undefined ? null : String(Number(n.toFixed(8)));
}

export function orderJson(o: FakeOrder, withTrades: boolean): Record<string, unknown> {
  const executed = o.trades.reduce((s, t) => s + t.volume, 0);
  const paidFee = o.trades.reduce((s, t) => s + t.fee, 0);
  // Upbit: a market buy has no volume, so its remaining_volume is null.
  const remaining =
    o.ordType === 'price' ? undefined : o.state !== 'wait' ? 0 : Math.max(0, (o.volume ?? 0) - executed);
  const json: Record<string, unknown> = {
    uuid: o.uuid,
    side: o.side,
    ord_type: o.ordType,
    price: dec(o.price),
    state: o.state,
    market: o.market,
    created_at: kstTime(o.createdAt),
    volume: dec(o.volume),
    remaining_volume: dec(remaining),
    reserved_fee: dec(0),
    remaining_fee: dec(0),
    paid_fee: dec(paidFee),
    locked: dec(Math.max(0, o.locked)),
    executed_volume: dec(executed),
    trades_count: o.trades.length,
  };
  if (o.identifier !== undefined) json.identifier = o.identifier;
  if (withTrades) {
    json.trades = o.trades.map((t) => ({
      market: o.market,
      uuid: t.uuid,
      price: dec(t.price),
      volume: dec(t.volume),
      funds: dec(t.funds),
      side: o.side,
      created_at: kstTime(t.createdAt),
    }));
  }
  return json;
}

export function accountsJson(book: FakeBook): Array<Record<string, unknown>> {
  return book.accounts().map((a) => ({
    currency: a.currency,
    balance: dec(a.balance),
    locked: dec(a.locked),
    avg_buy_price: dec(a.avgBuyPrice),
    avg_buy_price_modified: false,
    unit_currency: 'KRW',
  }));
}

export function candleJson(c: Candle, timeframe: Timeframe): Record<string, unknown> {
  const json: Record<string, unknown> = {
    market: c.market,
    candle_date_time_utc: utcBare(c.openTime),
    candle_date_time_kst: utcBare(c.openTime + KST_OFFSET_MS),
    opening_price: c.open,
    high_price: c.high,
    low_price: c.low,
    trade_price: c.close,
    timestamp: c.openTime + TIMEFRAME_MS[timeframe] - 1,
    candle_acc_trade_price: c.quoteVolume,
    candle_acc_trade_volume: c.volume,
  };
  if (timeframe !== '1d') json.unit = TIMEFRAME_MS[timeframe] / 60_000;
  return json;
}

export function tickerJson(market: string, price: number, now: number): Record<string, unknown> {
  return {
    market,
    trade_date: utcBare(now).slice(0, 10).replaceAll('-', ''),
    trade_price: price,
    timestamp: now,
    change: 'EVEN',
  };
}

export function errorJson(name: string, message: string): string {
  return JSON.stringify({ error: { name, message } });
}
