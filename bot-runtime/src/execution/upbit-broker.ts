// The live broker: OrderIntents become Upbit orders with `identifier = clientOrderId`, and Upbit's
// orders and trades come back as Order/Fill. Exactly-once placement (DESIGN.md "Money safety
// first"): an order POST is never blindly re-sent. When its outcome is unknown (timeout, lost
// response, 5xx, refused body) the broker asks the exchange by identifier; only an order the
// exchange says it does not have is sent again, and Upbit's unique identifier turns even a racing
// second POST into a rejection instead of a second order.
import { ExchangeError, isExchangeError, OUTCOME_UNKNOWN } from '../exchange/errors.ts';
import { UpbitClient } from '../exchange/upbit/client.ts';
import { assertSameOrder, newTrades, orderState } from '../exchange/upbit/order-view.ts';
import type { UpbitOrder } from '../exchange/upbit/responses.ts';
import type { ExchangeObserver } from '../exchange/upbit/transport.ts';
import { isKrwMarket, minOrderQuote, roundCash } from '../portfolio/market-rules.ts';
import type { Fill, OrderIntent } from '../types.ts';
import { type Broker, type Order, type RejectionCode, TERMINAL_STATES } from './broker.ts';

/** A fill with the exchange's own trade id (Upbit trades[].uuid): the store's exactly-once key. */
export type ExchangeFill = Fill & { tradeId: string };

/**
 * An Order as the exchange reports it, with every trade so far and the exchange's order id. Fits
 * safety/reconcile.ts's ExchangeOrder, so `lookup` serves reconcileOpenOrders directly.
 */
export type LiveOrder = Order & { trades: ExchangeFill[]; exchangeOrderId: string | undefined };

/**
 * What a broker that talks to a real exchange adds to `Broker`: asking the exchange (the truth)
 * instead of its memory. Proposed for broker.ts (engineer C) so the loop can reconcile any live broker.
 */
export interface LiveBroker extends Broker {
  submit(intent: OrderIntent): Promise<LiveOrder>;
  /**
   * The exchange's view of the order with this client id, or undefined when the exchange has never
   * seen it. `intent` lets a restarted broker (empty memory) build the Order from the answer.
   */
  lookup(clientOrderId: string, intent?: OrderIntent): Promise<LiveOrder | undefined>;
  /**
   * Settles an intent whose placement may have happened (restart after a crash, a timeout): adopts
   * the exchange's order if it exists, places it exactly once if it does not.
   */
  reconcile(intent: OrderIntent): Promise<LiveOrder>;
  /** Polls every open order; new trades become fills, newly terminal orders become finished. */
  sync(): Promise<void>;
}

export interface UpbitBrokerConfig {
  /** spec.risk.minOrderKRW (Upbit: 5,000 KRW). */
  minOrderKRW: number;
  now?: () => number;
}

/** Upbit's order-rejection names -> the broker's codes (docs.upbit.com error table). */
const REJECTIONS: Record<string, RejectionCode> = {
  under_min_total_bid: 'BELOW_MIN_ORDER',
  under_min_total_ask: 'BELOW_MIN_ORDER',
  insufficient_funds_bid: 'INSUFFICIENT_FUNDS',
  insufficient_funds_ask: 'INSUFFICIENT_FUNDS',
  market_does_not_exist: 'UNKNOWN_MARKET',
};

interface Tracked {
  order: LiveOrder;
  uuid: string | undefined;
  /** A POST may have reached the exchange without us knowing the outcome. */
  uncertain: boolean;
  tradeIds: Set<string>;
  feesReported: number;
  finished: boolean;
  /** We asked for the cancel: a `cancel` state is then a real cancellation (see orderState). */
  cancelRequested: boolean;
}

const NO_FILLS: readonly Fill[] = Object.freeze([]) as readonly Fill[];
const NO_ORDERS: readonly Order[] = Object.freeze([]) as readonly Order[];

export class UpbitBroker implements LiveBroker {
  readonly name = 'upbit';
  readonly #client: UpbitClient;
  readonly #cfg: UpbitBrokerConfig;
  readonly #now: () => number;
  readonly #tracked = new Map<string, Tracked>();
  readonly #inflight = new Map<string, Promise<LiveOrder>>();
  #fills: Fill[] = [];
  #finished: Order[] = [];

  constructor(client: UpbitClient, cfg: UpbitBrokerConfig) {
    this.#client = client;
    this.#cfg = cfg;
    this.#now = cfg.now ?? Date.now;
  }

  /**
   * Places the intent once. `possiblySent` (the store had this intent as sent before a restart)
   * makes the first step a lookup instead of a POST. Rejections come back as `rejected` orders;
   * infrastructure failures (blocked, auth, unreachable) throw, leaving the intent to reconcile.
   */
  submit(intent: OrderIntent, opts: { possiblySent?: boolean } = {}): Promise<LiveOrder> {
    // One placement in flight per identifier: a second caller waits for the first one's answer
    // instead of racing it to the exchange.
    const id = intent.clientOrderId;
    const pending = this.#inflight.get(id);
    if (pending) return pending;
    const run = this.#submit(intent, opts).finally(() => this.#inflight.delete(id));
    this.#inflight.set(id, run);
    return run;
  }

  async #submit(intent: OrderIntent, opts: { possiblySent?: boolean }): Promise<LiveOrder> {
    const known = this.#tracked.get(intent.clientOrderId);
    if (known && !known.uncertain && known.order.state !== 'intent') return known.order;
    const tracked = known ?? this.#track(intent);
    const problem = this.#validate(intent);
    if (problem) return this.#reject(tracked, problem.code, problem.message);
    if (opts.possiblySent || tracked.uncertain) return this.reconcile(intent);
    return this.#place(tracked);
  }

  async reconcile(intent: OrderIntent): Promise<LiveOrder> {
    const tracked = this.#tracked.get(intent.clientOrderId) ?? this.#track(intent);
    const found = await this.#client.order({ identifier: intent.clientOrderId });
    if (found) return this.#apply(tracked, found);
    // The exchange has no such order: the earlier POST never arrived. Sending it now is the first
    // placement, not a repeat; a racing late arrival would be refused as a duplicate identifier.
    tracked.uncertain = false;
    return this.#place(tracked);
  }

  async lookup(clientOrderId: string, intent?: OrderIntent): Promise<LiveOrder | undefined> {
    const found = await this.#client.order({ identifier: clientOrderId });
    if (!found) return undefined;
    const tracked = this.#tracked.get(clientOrderId) ?? (intent ? this.#track(intent) : undefined);
    if (!tracked) {
      throw new RangeError(`lookup(${clientOrderId}): the broker does not know this order; pass its intent`);
    }
    return this.#apply(tracked, found);
  }

  async sync(): Promise<void> {
    for (const tracked of this.#tracked.values()) {
      if (tracked.uuid === undefined || TERMINAL_STATES.has(tracked.order.state)) continue;
      const found = await this.#client.order({ uuid: tracked.uuid });
      if (found) this.#apply(tracked, found);
    }
  }

  async cancel(clientOrderId: string): Promise<Order | undefined> {
    const tracked = this.#tracked.get(clientOrderId);
    if (!tracked || tracked.uuid === undefined || TERMINAL_STATES.has(tracked.order.state))
      return tracked?.order;
    tracked.cancelRequested = true;
    try {
      await this.#client.cancelOrder({ uuid: tracked.uuid });
    } catch (error) {
      // Filled in the meantime: Upbit refuses the cancel; the lookup below tells the final state.
      if (!isExchangeError(error, 'EXCHANGE_REJECTED')) throw error;
    }
    const found = await this.#client.order({ uuid: tracked.uuid });
    return found ? this.#apply(tracked, found) : tracked.order;
  }

  /** True after the exchange answered 418: nothing more is sent; /readyz should say so. */
  get blocked(): boolean {
    return this.#client.transport.limiter.blocked;
  }

  order(clientOrderId: string): Order | undefined {
    return this.#tracked.get(clientOrderId)?.order;
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

  #track(intent: OrderIntent): Tracked {
    const tracked: Tracked = {
      order: {
        intent,
        state: 'intent',
        filledVolume: 0,
        filledQuote: 0,
        fees: 0,
        updatedAt: this.#now(),
        trades: [],
        exchangeOrderId: undefined,
      },
      uuid: undefined,
      uncertain: false,
      tradeIds: new Set(),
      feesReported: 0,
      finished: false,
      cancelRequested: false,
    };
    this.#tracked.set(intent.clientOrderId, tracked);
    return tracked;
  }

  #validate(intent: OrderIntent): { code: RejectionCode; message: string } | undefined {
    const id = intent.clientOrderId;
    if (!isKrwMarket(intent.market)) {
      return {
        code: 'UNKNOWN_MARKET',
        message: `order ${id}: the Upbit broker trades KRW markets only, got ${intent.market}`,
      };
    }
    const amount = intent.side === 'buy' ? intent.quoteAmount : intent.volume;
    const other = intent.side === 'buy' ? intent.volume : intent.quoteAmount;
    if (amount === undefined || other !== undefined || !(amount > 0)) {
      return {
        code: 'INVALID_ORDER',
        message: `order ${id}: a buy needs a positive quoteAmount, a sell a positive volume (exactly one)`,
      };
    }
    const min = minOrderQuote(intent.market, this.#cfg.minOrderKRW);
    if (intent.side === 'buy' && roundCash(intent.market, amount, 'down') < min) {
      return {
        code: 'BELOW_MIN_ORDER',
        message: `order ${id} on ${intent.market}: ${amount} KRW is below the minimum order of ${min} KRW (spec.risk.minOrderKRW)`,
      };
    }
    return undefined;
  }

  async #place(tracked: Tracked): Promise<LiveOrder> {
    const { intent } = tracked.order;
    let placed: UpbitOrder;
    try {
      tracked.uncertain = true;
      placed = await this.#client.placeOrder({
        market: intent.market,
        identifier: intent.clientOrderId,
        ...(intent.side === 'buy'
          ? { side: 'bid', ordType: 'price', price: roundCash(intent.market, intent.quoteAmount!, 'down') }
          : { side: 'ask', ordType: 'market', volume: intent.volume! }),
      });
    } catch (error) {
      if (!(error instanceof ExchangeError)) throw error;
      const known = error.upbitName !== undefined ? REJECTIONS[error.upbitName] : undefined;
      const unknownOutcome = OUTCOME_UNKNOWN.has(error.code) || error.code === 'EXCHANGE_INVALID_RESPONSE';
      // A rejection we cannot name may be the exchange refusing a reused identifier (duplicate_identifier
      // on the local exchange; Upbit documents no name): the order it protects may exist, so ask.
      if (unknownOutcome || (error.code === 'EXCHANGE_REJECTED' && known === undefined)) {
        const found = await this.#client.order({ identifier: intent.clientOrderId });
        if (found) return this.#apply(tracked, found);
        // Not on the exchange (yet): it stays uncertain, so the next submit or reconcile asks again
        // before anything is sent; the caller fails closed for this cycle.
        if (unknownOutcome) throw error;
      }
      tracked.uncertain = false;
      if (error.code === 'EXCHANGE_REJECTED')
        return this.#reject(tracked, known ?? 'INVALID_ORDER', error.message);
      throw error;
    }
    tracked.uncertain = false;
    this.#apply(tracked, placed);
    if (placed.executedVolume > 0 || placed.tradesCount > 0 || placed.state !== 'wait') {
      // The POST answer carries no trades; fetch them now so fills are not a cycle late.
      const full = await this.#client.order({ uuid: placed.uuid }).catch(() => undefined);
      if (full) this.#apply(tracked, full);
    }
    return tracked.order;
  }

  #apply(tracked: Tracked, upbit: UpbitOrder): LiveOrder {
    const order = tracked.order;
    const { intent } = order;
    assertSameOrder(
      {
        identifier: intent.clientOrderId,
        uuid: tracked.uuid,
        market: intent.market,
        side: intent.side === 'buy' ? 'bid' : 'ask',
      },
      upbit,
    );
    tracked.uuid = upbit.uuid;
    tracked.uncertain = false;
    const fresh = newTrades(upbit, tracked.tradeIds, tracked.feesReported);
    for (const t of fresh) {
      tracked.tradeIds.add(t.tradeId);
      order.filledQuote += t.funds;
      const fill: ExchangeFill = {
        clientOrderId: intent.clientOrderId,
        market: intent.market,
        side: intent.side,
        price: t.price,
        volume: t.volume,
        fee: t.fee,
        time: t.time,
        tradeId: t.tradeId,
      };
      order.trades.push(fill);
      this.#fills.push(fill);
    }
    order.exchangeOrderId = upbit.uuid;
    if (fresh.length > 0) tracked.feesReported = upbit.paidFee;
    order.filledVolume = Math.max(order.filledVolume, upbit.executedVolume);
    order.fees = tracked.feesReported;
    order.state = orderState(upbit, tracked.cancelRequested);
    order.updatedAt = this.#now();
    if (TERMINAL_STATES.has(order.state) && !tracked.finished) {
      tracked.finished = true;
      this.#finished.push(order);
    }
    return order;
  }

  #reject(tracked: Tracked, code: RejectionCode, message: string): LiveOrder {
    tracked.order.state = 'rejected';
    tracked.order.rejection = { code, message };
    tracked.order.updatedAt = this.#now();
    if (!tracked.finished) {
      tracked.finished = true;
      this.#finished.push(tracked.order);
    }
    return tracked.order;
  }
}

/**
 * The live broker for `mode: live`: credentials from UPBIT_ACCESS_KEY / UPBIT_SECRET_KEY only (the
 * operator mounts spec.credentialsSecretRef as env), REST base from spec.exchange.baseUrl, minimum
 * order from spec.risk.minOrderKRW. Throws EXCHANGE_CREDENTIALS_MISSING before anything is sent.
 */
export function liveUpbitBroker(
  opts: { baseUrl: string; minOrderKRW: number; log?: (line: string) => void; observe?: ExchangeObserver },
  env: NodeJS.ProcessEnv = process.env,
): UpbitBroker {
  const client = UpbitClient.fromEnv(
    {
      baseUrl: opts.baseUrl,
      ...(opts.log ? { log: opts.log } : {}),
      ...(opts.observe ? { observe: opts.observe } : {}),
    },
    env,
  );
  return new UpbitBroker(client, { minOrderKRW: opts.minOrderKRW });
}
