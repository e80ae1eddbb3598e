// What an Upbit order says, in terms the runtime's broker uses: its lifecycle state, the trades not
// seen before (with the fee Upbit charged split over them), and whether an answer is about the order
// asked for at all. Pure functions over validated responses; execution/upbit-broker.ts applies them.
import { ExchangeError } from '../errors.ts';
import type { UpbitOrder, UpbitSide } from './responses.ts';

/** The broker-side states an exchange order can be in (execution/broker.ts OrderState minus local ones). */
export type ExchangeOrderState = 'submitted' | 'partially_filled' | 'filled' | 'cancelled';

/**
 * Upbit wait/watch -> submitted or partially_filled; done -> filled; cancel -> cancelled. Upbit
 * quirk: a market buy (ord_type=price) that spent all it could ends as `cancel` when the KRW left
 * is below one more unit; with something executed and no cancel asked for, that is a filled buy.
 */
export function orderState(
  o: Pick<UpbitOrder, 'state' | 'executedVolume' | 'ordType'>,
  cancelRequested = false,
): ExchangeOrderState {
  switch (o.state) {
    case 'done':
      return 'filled';
    case 'cancel':
      return o.ordType === 'price' && o.executedVolume > 0 && !cancelRequested ? 'filled' : 'cancelled';
    default:
      return o.executedVolume > 0 ? 'partially_filled' : 'submitted';
  }
}

export interface NewTrade {
  tradeId: string;
  price: number;
  volume: number;
  /** price x volume in KRW, before fees. */
  funds: number;
  fee: number;
  time: number;
}

/**
 * Trades of `o` not in `seen`, oldest first as Upbit lists them. Upbit reports only the order's
 * total `paid_fee`, so the fee charged since `feesReported` is split over the new trades by their
 * funds, the last one taking the remainder: the fills' fees always add up to what Upbit charged.
 */
export function newTrades(o: UpbitOrder, seen: ReadonlySet<string>, feesReported: number): NewTrade[] {
  const fresh = o.trades.filter((t) => !seen.has(t.uuid));
  const feeDelta = Math.max(0, o.paidFee - feesReported);
  const funds = fresh.reduce((s, t) => s + t.funds, 0);
  let feeLeft = feeDelta;
  return fresh.map((t, i) => {
    const fee = i === fresh.length - 1 ? feeLeft : funds > 0 ? (feeDelta * t.funds) / funds : 0;
    feeLeft -= fee;
    return { tradeId: t.uuid, price: t.price, volume: t.volume, funds: t.funds, fee, time: t.createdAt };
  });
}

export interface ExpectedOrder {
  identifier: string;
  /** Known once the exchange named it. */
  uuid: string | undefined;
  market: string;
  side: UpbitSide;
}

/**
 * An answer about another order (identifier, uuid, market or side differ) must never move this
 * one's state or money: refuse it like any other invalid response.
 */
export function assertSameOrder(expected: ExpectedOrder, o: UpbitOrder): void {
  const mismatch =
    (o.identifier !== undefined && o.identifier !== expected.identifier && 'identifier') ||
    (expected.uuid !== undefined && o.uuid !== expected.uuid && 'uuid') ||
    (o.market !== expected.market && 'market') ||
    (o.side !== expected.side && 'side');
  if (mismatch) {
    throw new ExchangeError(
      'EXCHANGE_INVALID_RESPONSE',
      'GET /v1/order',
      `field ${mismatch}: the exchange answered about order ${o.uuid} (${o.market} ${o.side}, identifier ${o.identifier ?? 'none'}) for ${expected.identifier} (${expected.market} ${expected.side}); response refused`,
    );
  }
}
