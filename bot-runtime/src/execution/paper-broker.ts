// Paper broker: an order decided at the close of candle k fills at the OPEN of candle k+1 (the
// first price anyone could really trade at after the decision; no look-ahead), moved against the
// trader by `slippagePct`, rounded to the KRW tick (KRW markets only) and charged `feePct`.

import { minOrderQuote, roundCash, roundPriceToTick, tradeFee } from '../portfolio/market-rules.ts';
import type { Fill, OrderIntent } from '../types.ts';
import { type CandleFedBroker, type Order, type RejectionCode, TERMINAL_STATES } from './broker.ts';

export interface PaperBrokerConfig {
  feePct: number;
  slippagePct: number;
  minOrderKRW: number;
}

const NO_FILLS: readonly Fill[] = Object.freeze([]) as readonly Fill[];
const NO_ORDERS: readonly Order[] = Object.freeze([]) as readonly Order[];

export class PaperBroker implements CandleFedBroker {
  readonly name = 'paper';
  private readonly cfg: PaperBrokerConfig;
  private readonly orders = new Map<string, Order>();
  /** Open orders per market, filled at that market's next candle open. */
  private readonly open = new Map<string, Order[]>();
  private readonly lastPrice = new Map<string, number>();
  private fills: Fill[] = [];
  private finished: Order[] = [];

  constructor(cfg: PaperBrokerConfig) {
    this.cfg = cfg;
  }

  async submit(intent: OrderIntent): Promise<Order> {
    return this.submitNow(intent);
  }

  /** Synchronous core of submit (the backtest's hot path awaits nothing it does not need to). */
  submitNow(intent: OrderIntent): Order {
    const existing = this.orders.get(intent.clientOrderId);
    if (existing) return existing;
    const order: Order = {
      intent,
      state: 'intent',
      filledVolume: 0,
      filledQuote: 0,
      fees: 0,
      updatedAt: intent.time,
    };
    this.orders.set(intent.clientOrderId, order);
    const problem = this.validate(intent);
    if (problem) return this.reject(order, problem.code, problem.message);
    order.state = 'submitted';
    let queue = this.open.get(intent.market);
    if (!queue) {
      queue = [];
      this.open.set(intent.market, queue);
    }
    queue.push(order);
    return order;
  }

  async cancel(clientOrderId: string): Promise<Order | undefined> {
    const order = this.orders.get(clientOrderId);
    if (!order || TERMINAL_STATES.has(order.state)) return order;
    const queue = this.open.get(order.intent.market);
    if (queue) queue.splice(queue.indexOf(order), 1);
    order.state = 'cancelled';
    this.finished.push(order);
    return order;
  }

  order(clientOrderId: string): Order | undefined {
    return this.orders.get(clientOrderId);
  }

  onCandleOpen(market: string, time: number, open: number): void {
    this.lastPrice.set(market, open);
    const queue = this.open.get(market);
    if (!queue || queue.length === 0) return;
    for (const order of queue) this.fill(order, time, open);
    queue.length = 0;
  }

  takeFills(): readonly Fill[] {
    if (this.fills.length === 0) return NO_FILLS;
    const out = this.fills;
    this.fills = [];
    return out;
  }

  takeFinished(): readonly Order[] {
    if (this.finished.length === 0) return NO_ORDERS;
    const out = this.finished;
    this.finished = [];
    return out;
  }

  private validate(intent: OrderIntent): { code: RejectionCode; message: string } | undefined {
    const hasQuote = intent.quoteAmount !== undefined;
    const hasVolume = intent.volume !== undefined;
    if (hasQuote === hasVolume || (intent.side === 'buy') !== hasQuote) {
      return {
        code: 'INVALID_ORDER',
        message: `order ${intent.clientOrderId}: a buy needs quoteAmount, a sell needs volume`,
      };
    }
    const amount = (hasQuote ? intent.quoteAmount : intent.volume)!;
    if (!(amount > 0)) {
      return {
        code: 'INVALID_ORDER',
        message: `order ${intent.clientOrderId}: amount must be > 0, got ${amount}`,
      };
    }
    const min = minOrderQuote(intent.market, this.cfg.minOrderKRW);
    const ref = this.lastPrice.get(intent.market);
    const notional = hasQuote ? amount : ref !== undefined ? amount * ref : Number.POSITIVE_INFINITY;
    if (notional < min) {
      return {
        code: 'BELOW_MIN_ORDER',
        message: `order ${intent.clientOrderId} on ${intent.market}: ${notional.toFixed(0)} is below the minimum order of ${min} (spec.risk.minOrderKRW)`,
      };
    }
    return undefined;
  }

  private fill(order: Order, time: number, open: number): void {
    const { intent } = order;
    const slip = this.cfg.slippagePct / 100;
    const price = roundPriceToTick(
      intent.market,
      open * (intent.side === 'buy' ? 1 + slip : 1 - slip),
      intent.side,
    );
    const volume = intent.side === 'buy' ? intent.quoteAmount! / price : intent.volume!;
    const notional =
      intent.side === 'buy' ? intent.quoteAmount! : roundCash(intent.market, price * volume, 'down');
    const fee = tradeFee(intent.market, notional, this.cfg.feePct);
    order.state = 'filled';
    order.filledVolume = volume;
    order.filledQuote = notional;
    order.fees = fee;
    order.updatedAt = time;
    this.fills.push({
      clientOrderId: intent.clientOrderId,
      market: intent.market,
      side: intent.side,
      price,
      volume,
      fee,
      time,
    });
    this.finished.push(order);
  }

  private reject(order: Order, code: RejectionCode, message: string): Order {
    order.state = 'rejected';
    order.rejection = { code, message };
    this.finished.push(order);
    return order;
  }
}
