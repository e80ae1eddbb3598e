// The broker seam (DESIGN.md: "Broker (paper | upbit)"). Honest enough for the live Upbit broker of
// a later issue: idempotent client order ids, explicit order states, partial fills, rejections
// with codes. The loop never learns which broker it talks to.
import type { Fill, OrderIntent } from '../types.ts';

/** intent -> submitted -> (partially_filled ->)* filled | cancelled | rejected. */
export type OrderState = 'intent' | 'submitted' | 'partially_filled' | 'filled' | 'cancelled' | 'rejected';

export const TERMINAL_STATES: ReadonlySet<OrderState> = new Set(['filled', 'cancelled', 'rejected']);

export type RejectionCode =
  | 'BELOW_MIN_ORDER' // Upbit under_min_total_bid / under_min_total_ask
  | 'INSUFFICIENT_FUNDS' // Upbit insufficient_funds_bid / insufficient_funds_ask
  | 'INVALID_ORDER' // malformed intent: both or neither of quoteAmount/volume, non-positive amount
  | 'UNKNOWN_MARKET' // no market data / market not traded by this broker
  | 'NO_LIQUIDITY'; // no next candle to fill on before the data ended

export interface Order {
  intent: OrderIntent;
  state: OrderState;
  filledVolume: number;
  /** Quote value of the fills before fees. */
  filledQuote: number;
  fees: number;
  rejection?: { code: RejectionCode; message: string };
  updatedAt: number;
}

export interface Broker {
  readonly name: string;
  /**
   * Sends an order. Idempotent on `intent.clientOrderId`: a second submit returns the existing
   * order unchanged. Rejections come back as an order in state `rejected` with a code, not a throw.
   */
  submit(intent: OrderIntent): Promise<Order>;
  cancel(clientOrderId: string): Promise<Order | undefined>;
  order(clientOrderId: string): Order | undefined;
  /** Fills since the last call, oldest first. Returns the same empty array when there are none. */
  takeFills(): readonly Fill[];
  /** Orders that reached a terminal state since the last call. */
  takeFinished(): readonly Order[];
}

/** Brokers that fill from the candles the loop feeds them (paper, backtest). */
export interface CandleFedBroker extends Broker {
  /** A new 5m candle opened for `market`: pending orders fill at its open. */
  onCandleOpen(market: string, time: number, open: number): void;
}

export function isCandleFed(b: Broker): b is CandleFedBroker {
  return typeof (b as Partial<CandleFedBroker>).onCandleOpen === 'function';
}
