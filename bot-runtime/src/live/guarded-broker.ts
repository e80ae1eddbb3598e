// The Broker the shared TradingCore talks to in `mode: live`. TradingCore calls broker.submit()
// and reads takeFills()/takeFinished() synchronously; here every submit goes through the one
// money-safe sequence (safety/order-guard.ts placeOrder: gate -> fencing token -> intent stored ->
// exchange -> stored), and fills/final states reach the core only after they are in the store
// (settleBrokerEvents). The core cannot tell this from the paper broker (DESIGN.md "one engine").
import type { Broker, Order, RejectionCode } from '../execution/broker.ts';
import type { LiveBroker } from '../execution/upbit-broker.ts';
import {
  type OrderGuardDeps,
  type PlaceRefusal,
  placeOrder,
  settleBrokerEvents,
} from '../safety/order-guard.ts';
import type { Fill, OrderIntent } from '../types.ts';

/** Why an order of this cycle was not sent, for the log and the refusal counter. */
export interface Refusal {
  clientOrderId: string;
  code: PlaceRefusal;
  message: string;
}

const NO_FILLS: readonly Fill[] = Object.freeze([]) as readonly Fill[];
const NO_ORDERS: readonly Order[] = Object.freeze([]) as readonly Order[];

export class GuardedBroker implements Broker {
  readonly name = 'upbit';
  readonly #inner: LiveBroker;
  readonly #deps: Omit<OrderGuardDeps, 'broker'>;
  readonly #onRefusal: (r: Refusal) => void;
  #fills: Fill[] = [];
  #finished: Order[] = [];
  /** Sent but its outcome unknown (timeout, lost response): reconciliation settles it. */
  readonly uncertain = new Set<string>();
  readonly #uncertainIntents = new Map<string, OrderIntent>();
  /** Every order this process's loop submitted (its fills reach the loop through this broker). */
  readonly own = new Set<string>();

  constructor(inner: LiveBroker, deps: Omit<OrderGuardDeps, 'broker'>, onRefusal: (r: Refusal) => void) {
    this.#inner = inner;
    this.#deps = deps;
    this.#onRefusal = onRefusal;
  }

  async submit(intent: OrderIntent): Promise<Order> {
    this.own.add(intent.clientOrderId);
    // Long-only arms (portfolio/orders.ts): a buy opens or adds to a position, a sell closes one.
    const outcome = await placeOrder({ ...this.#deps, broker: this.#inner }, intent, {
      entry: intent.side === 'buy',
    });
    if (outcome.ok) {
      const order = this.#inner.order(intent.clientOrderId);
      if (order) return order;
      // Stored from an earlier attempt and already past 'intent': the store's row is the truth.
      return this.#refused(
        intent,
        'AWAITING_RECONCILE',
        `order ${intent.clientOrderId} already ${outcome.order.state}`,
      );
    }
    if (outcome.code === 'OUTCOME_UNKNOWN' || outcome.code === 'STORE_UNAVAILABLE') {
      // The order may exist on the exchange: it stays pending in the core (no second decision on
      // this market) until reconcileOpenOrders settles it from the exchange's answer.
      this.uncertain.add(intent.clientOrderId);
      this.#uncertainIntents.set(intent.clientOrderId, intent);
      this.#onRefusal({ clientOrderId: intent.clientOrderId, code: outcome.code, message: outcome.message });
      return {
        intent,
        state: 'intent',
        filledVolume: 0,
        filledQuote: 0,
        fees: 0,
        updatedAt: Date.now(),
      };
    }
    return this.#refused(intent, outcome.code, outcome.message);
  }

  /** Not sent: the core sees a finished order, so the arm's market is free again next cycle. */
  #refused(intent: OrderIntent, code: PlaceRefusal, message: string): Order {
    this.#onRefusal({ clientOrderId: intent.clientOrderId, code, message });
    const order: Order = {
      intent,
      state: 'cancelled',
      filledVolume: 0,
      filledQuote: 0,
      fees: 0,
      // A refusal is not an exchange rejection; the code travels in the message for the log.
      rejection: { code: 'INVALID_ORDER' satisfies RejectionCode, message: `${code}: ${message}` },
      updatedAt: Date.now(),
    };
    this.#finished.push(order);
    return order;
  }

  /**
   * Polls the exchange for open orders' trades and writes new fills and final states to the
   * store, then hands them to the core. Throws when the exchange or the store fails: what was not
   * written stays with the inner broker... except fills already taken, which are re-found by
   * reconciliation (trade ids make that exactly once).
   */
  async settle(): Promise<{ fillsWritten: number; finished: number }> {
    await this.#inner.sync();
    const fills: Fill[] = [];
    const finished: Order[] = [];
    const tee = {
      takeFills: () => {
        const f = this.#inner.takeFills();
        fills.push(...f);
        return f;
      },
      takeFinished: () => {
        const o = this.#inner.takeFinished();
        finished.push(...o);
        return o;
      },
    };
    try {
      return await settleBrokerEvents(this.#deps.store, tee);
    } finally {
      // The core books what the exchange reported even if the store write failed half way: the
      // position exists on the exchange either way; the store catches up at reconciliation.
      this.#fills.push(...fills);
      this.#finished.push(...finished);
    }
  }

  /**
   * Reconciliation settled an order this runtime sent with an unknown outcome. If the exchange
   * knew it, the inner broker already queued its fills and final state; if it never arrived and
   * was abandoned, only the store knows: the core hears it as cancelled so the market is free again.
   */
  resolved(intent: OrderIntent, state: Order['state']): void {
    this.#uncertainIntents.delete(intent.clientOrderId);
    if (!this.uncertain.delete(intent.clientOrderId)) return;
    if (this.#inner.order(intent.clientOrderId)?.state === state) return;
    if (state === 'cancelled' || state === 'rejected')
      this.#finished.push({ intent, state, filledVolume: 0, filledQuote: 0, fees: 0, updatedAt: Date.now() });
  }

  /**
   * The store, reachable again, has no row for an uncertain order: its intent was never written
   * (one statement: committed or not), so it was never sent (the intent is stored BEFORE sending).
   * The core hears it as cancelled, or the arm's market would wait for it forever.
   */
  neverStored(clientOrderId: string): void {
    const intent = this.#uncertainIntents.get(clientOrderId);
    if (intent) this.resolved(intent, 'cancelled');
  }

  cancel(clientOrderId: string): Promise<Order | undefined> {
    return this.#inner.cancel(clientOrderId);
  }

  order(clientOrderId: string): Order | undefined {
    return this.#inner.order(clientOrderId);
  }

  takeFills(): readonly Fill[] {
    if (this.#fills.length === 0) return NO_FILLS;
    const out = this.#fills;
    this.#fills = [];
    return out;
  }

  takeFinished(): readonly Order[] {
    if (this.#finished.length === 0) return NO_ORDERS;
    const out = this.#finished;
    this.#finished = [];
    return out;
  }
}
