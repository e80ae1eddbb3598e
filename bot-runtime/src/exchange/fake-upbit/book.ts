// The fake exchange's order book and accounts: Upbit's order rules (minimum order, KRW tick size,
// funds, unique `identifier`) and fills against the current ticker price, optionally in several
// partial fills. Pure state + methods; HTTP lives in server.ts. Rules come from the portfolio
// module so the fake and the runtime can never disagree on a tick or a minimum (STYLE.md rule 11).
import { randomUUID } from 'node:crypto';
import { roundCash, tradeFee } from '../../portfolio/market-rules.ts';
import { checkOrderRequest, type OrderRequest, UpbitApiError } from './order-rules.ts';

export { type OrderRequest, UpbitApiError } from './order-rules.ts';

export interface BookConfig {
  /** Upbit's 5,000 KRW minimum order (spec.risk.minOrderKRW's default). */
  minOrderKRW: number;
  /** Fee per side in percent (Upbit KRW market: 0.05). */
  feePct: number;
  /** An accepted marketable order fills in this many equal trades: 1 now, one more per `advance()`. */
  fillSteps: number;
  /** Starting balances, currency -> amount (KRW in won). */
  balances: Record<string, number>;
}

export const DEFAULT_BOOK: BookConfig = {
  minOrderKRW: 5000,
  feePct: 0.05,
  fillSteps: 1,
  balances: { KRW: 10_000_000 },
};

export interface FakeTrade {
  uuid: string;
  price: number;
  volume: number;
  funds: number;
  fee: number;
  createdAt: number;
}

export interface FakeOrder {
  uuid: string;
  identifier: string | undefined;
  market: string;
  side: 'bid' | 'ask';
  ordType: 'limit' | 'price' | 'market';
  price: number | undefined;
  volume: number | undefined;
  state: 'wait' | 'done' | 'cancel';
  createdAt: number;
  trades: FakeTrade[];
  /** Funds (bid, KRW incl. fee) or volume (ask) still reserved. */
  locked: number;
  stepsDone: number;
}

interface Balance {
  balance: number;
  locked: number;
  avgBuyPrice: number;
}

export class FakeBook {
  readonly #cfg: BookConfig;
  readonly #priceOf: (market: string) => number | undefined;
  readonly #now: () => number;
  readonly #accounts = new Map<string, Balance>();
  readonly #orders = new Map<string, FakeOrder>();
  readonly #byIdentifier = new Map<string, string>();

  constructor(cfg: BookConfig, priceOf: (market: string) => number | undefined, now: () => number) {
    this.#cfg = cfg;
    this.#priceOf = priceOf;
    this.#now = now;
    for (const [currency, amount] of Object.entries(cfg.balances)) {
      this.#accounts.set(currency, { balance: amount, locked: 0, avgBuyPrice: 0 });
    }
  }

  /** Every order ever accepted, oldest first (tests count them). */
  get orders(): FakeOrder[] {
    return [...this.#orders.values()];
  }

  accounts(): Array<{ currency: string } & Balance> {
    return [...this.#accounts.entries()]
      .filter(([, b]) => b.balance > 0 || b.locked > 0)
      .map(([currency, b]) => ({ currency, ...b }));
  }

  place(req: OrderRequest): FakeOrder {
    const valid = checkOrderRequest(req, this.#priceOf, this.#cfg.minOrderKRW);
    const { market, side, ordType, price, volume, identifier, notional } = valid;
    if (identifier !== undefined && this.#byIdentifier.has(identifier)) {
      // Upbit keeps an identifier unique per account forever, even after the order finished.
      throw new UpbitApiError(
        400,
        'duplicate_identifier',
        `identifier ${identifier} was already used by another order`,
      );
    }
    const locked = this.#reserve(market, side, side === 'bid' ? notional : volume!);
    const order: FakeOrder = {
      uuid: randomUUID(),
      identifier,
      market,
      side,
      ordType,
      price,
      volume,
      state: 'wait',
      createdAt: this.#now(),
      trades: [],
      locked,
      stepsDone: 0,
    };
    this.#orders.set(order.uuid, order);
    if (identifier !== undefined) this.#byIdentifier.set(identifier, order.uuid);
    this.#step(order);
    return order;
  }

  find(ref: { uuid?: string; identifier?: string }): FakeOrder | undefined {
    const uuid =
      ref.uuid ?? (ref.identifier !== undefined ? this.#byIdentifier.get(ref.identifier) : undefined);
    return uuid === undefined ? undefined : this.#orders.get(uuid);
  }

  cancel(order: FakeOrder): FakeOrder {
    if (order.state !== 'wait') {
      throw new UpbitApiError(
        400,
        'order_not_found',
        `order ${order.uuid} is ${order.state}; only waiting orders can be cancelled`,
      );
    }
    this.#release(order);
    order.state = 'cancel';
    return order;
  }

  /** One more partial fill for every waiting order (a marketable one, for limits). */
  advance(): void {
    for (const order of this.#orders.values()) if (order.state === 'wait') this.#step(order);
  }

  #reserve(market: string, side: 'bid' | 'ask', amount: number): number {
    const currency = side === 'bid' ? 'KRW' : market.slice(market.indexOf('-') + 1);
    const need = side === 'bid' ? amount + tradeFee(market, amount, this.#cfg.feePct) : amount;
    const account = this.#accounts.get(currency);
    if (!account || account.balance + 1e-12 < need) {
      throw new UpbitApiError(
        400,
        `insufficient_funds_${side}`,
        `not enough ${currency}: need ${need}, available ${account?.balance ?? 0}`,
      );
    }
    account.balance -= need;
    account.locked += need;
    return need;
  }

  #release(order: FakeOrder): void {
    const account = this.#account(order.side === 'bid' ? 'KRW' : base(order.market));
    account.locked -= order.locked;
    account.balance += order.locked;
    order.locked = 0;
  }

  #step(order: FakeOrder): void {
    const current = this.#priceOf(order.market)!;
    if (order.ordType === 'limit' && (order.side === 'bid' ? current > order.price! : current < order.price!))
      return;
    const price = order.ordType === 'limit' ? order.price! : current;
    const steps = Math.max(1, this.#cfg.fillSteps);
    const last = order.stepsDone === steps - 1;
    let volume: number;
    let funds: number;
    if (order.ordType === 'price') {
      const spent = order.trades.reduce((s, t) => s + t.funds, 0);
      funds = last ? order.price! - spent : Math.floor(order.price! / steps);
      volume = floor8(funds / price);
    } else {
      const done = order.trades.reduce((s, t) => s + t.volume, 0);
      volume = last ? floor8(order.volume! - done) : floor8(order.volume! / steps);
      funds =
        order.side === 'bid'
          ? roundCash(order.market, price * volume, 'up')
          : roundCash(order.market, price * volume, 'down');
    }
    // The last trade of a market buy takes the fee left in its reservation, so per-trade rounding
    // can never charge more than the fee reserved on the whole order.
    const fee =
      last && order.ordType === 'price'
        ? Math.max(0, order.locked - funds)
        : tradeFee(order.market, funds, this.#cfg.feePct);
    order.trades.push({ uuid: randomUUID(), price, volume, funds, fee, createdAt: this.#now() });
    order.stepsDone += 1;
    const krw = this.#account('KRW');
    const coin = this.#account(base(order.market));
    if (order.side === 'bid') {
      const cost = funds + fee;
      krw.locked -= cost;
      order.locked -= cost;
      const held = coin.balance + coin.locked;
      coin.avgBuyPrice = (coin.avgBuyPrice * held + price * volume) / (held + volume);
      coin.balance += volume;
    } else {
      coin.locked -= volume;
      order.locked -= volume;
      krw.balance += funds - fee;
    }
    if (order.stepsDone >= steps) {
      if (order.locked > 0) this.#release(order);
      order.state = 'done';
    }
  }

  #account(currency: string): Balance {
    let a = this.#accounts.get(currency);
    if (!a) {
      a = { balance: 0, locked: 0, avgBuyPrice: 0 };
      this.#accounts.set(currency, a);
    }
    return a;
  }
}

function base(market: string): string {
  return market.slice(market.indexOf('-') + 1);
}

function floor8(n: number): number {
  return Math.floor(Number((n * 1e8).toFixed(4))) / 1e8;
}
