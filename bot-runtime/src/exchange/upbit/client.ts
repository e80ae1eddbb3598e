// The typed Upbit REST client (docs.upbit.com v1): accounts, orders with `identifier`, order lookup,
// cancel, candles with `to`+`count` pagination, tickers. Every response is validated before it is
// returned (responses.ts); every call goes through the transport's timeout, rate limit and retries.
import type { Candle, Timeframe } from '../../types.ts';
import { ExchangeError } from '../errors.ts';
import { credentialsFromEnv, type UpbitCredentials } from './auth.ts';
import { RateLimiter, UPBIT_RATE_LIMITS } from './rate-limiter.ts';
import {
  parseAccounts,
  parseCandles,
  parseOrder,
  parseOrders,
  parseTickers,
  type UpbitAccount,
  type UpbitOrder,
  type UpbitOrdType,
  type UpbitSide,
  type UpbitTicker,
} from './responses.ts';
import {
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_TIMEOUT_MS,
  type ExchangeObserver,
  UpbitTransport,
} from './transport.ts';

/** Upbit's largest page of candles per request. */
export const MAX_CANDLES_PER_REQUEST = 200;

/** Upbit's error name for an unknown order (GET/DELETE /order). */
export const ORDER_NOT_FOUND = 'order_not_found';

const CANDLE_PATH: Record<Timeframe, string> = {
  '5m': '/candles/minutes/5',
  '15m': '/candles/minutes/15',
  '1h': '/candles/minutes/60',
  '1d': '/candles/days',
};

export interface PlaceOrder {
  market: string;
  side: UpbitSide;
  ordType: UpbitOrdType;
  /** limit: price per unit; price (market buy): KRW to spend. */
  price?: number;
  /** limit and market (sell): base volume. */
  volume?: number;
  /** Our idempotent client order id; Upbit refuses a second order with the same one. */
  identifier: string;
}

export type OrderRef = { uuid: string } | { identifier: string };

export interface UpbitClientOptions {
  baseUrl: string;
  credentials?: UpbitCredentials;
  timeoutMs?: number;
  maxAttempts?: number;
  limiter?: RateLimiter;
  log?: (line: string) => void;
  observe?: ExchangeObserver;
}

export class UpbitClient {
  readonly transport: UpbitTransport;

  constructor(opts: UpbitClientOptions) {
    this.transport = new UpbitTransport({
      baseUrl: opts.baseUrl,
      ...(opts.credentials ? { credentials: opts.credentials } : {}),
      timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxAttempts: opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      limiter: opts.limiter ?? new RateLimiter(UPBIT_RATE_LIMITS),
      ...(opts.log ? { log: opts.log } : {}),
      ...(opts.observe ? { observe: opts.observe } : {}),
    });
  }

  /** A client for live trading: credentials from UPBIT_ACCESS_KEY / UPBIT_SECRET_KEY only. */
  static fromEnv(
    opts: Omit<UpbitClientOptions, 'credentials'>,
    env: NodeJS.ProcessEnv = process.env,
  ): UpbitClient {
    return new UpbitClient({ ...opts, credentials: credentialsFromEnv(env) });
  }

  async accounts(): Promise<UpbitAccount[]> {
    const body = await this.transport.call({
      method: 'GET',
      path: '/accounts',
      group: 'default',
      auth: true,
      idempotent: true,
    });
    return parseAccounts('GET /v1/accounts', body);
  }

  /**
   * Places one order. NOT retried on timeout or a lost connection (the order may exist): the caller
   * must look it up by `identifier` (UpbitBroker.reconcile). Retried only after a 429, which Upbit
   * answers before accepting anything.
   */
  async placeOrder(req: PlaceOrder): Promise<UpbitOrder> {
    const params = {
      market: req.market,
      side: req.side,
      ord_type: req.ordType,
      ...(req.volume !== undefined ? { volume: decimalString(req.volume) } : {}),
      ...(req.price !== undefined ? { price: decimalString(req.price) } : {}),
      identifier: req.identifier,
    };
    const body = await this.transport.call({
      method: 'POST',
      path: '/orders',
      params,
      group: 'order',
      auth: true,
      idempotent: false,
    });
    return parseOrder('POST /v1/orders', body);
  }

  /** The order, or undefined when Upbit says `order_not_found`. */
  async order(ref: OrderRef): Promise<UpbitOrder | undefined> {
    try {
      const body = await this.transport.call({
        method: 'GET',
        path: '/order',
        params: ref,
        group: 'default',
        auth: true,
        idempotent: true,
      });
      return parseOrder('GET /v1/order', body);
    } catch (error) {
      if (error instanceof ExchangeError && error.upbitName === ORDER_NOT_FOUND) return undefined;
      throw error;
    }
  }

  /**
   * Orders still waiting (GET /v1/orders/open, newest first, up to 100): at start-up the runtime can
   * compare them with its non-final intents and find any order it does not know about.
   */
  async openOrders(market?: string): Promise<UpbitOrder[]> {
    const body = await this.transport.call({
      method: 'GET',
      path: '/orders/open',
      params: { ...(market ? { market } : {}), states: ['wait', 'watch'], limit: 100 },
      group: 'default',
      auth: true,
      idempotent: true,
    });
    return parseOrders('GET /v1/orders/open', body);
  }

  async cancelOrder(ref: OrderRef): Promise<UpbitOrder> {
    const body = await this.transport.call({
      method: 'DELETE',
      path: '/order',
      params: ref,
      group: 'default',
      auth: true,
      idempotent: true,
    });
    return parseOrder('DELETE /v1/order', body);
  }

  async tickers(markets: readonly string[]): Promise<UpbitTicker[]> {
    const body = await this.transport.call({
      method: 'GET',
      path: '/ticker',
      params: { markets: markets.join(',') },
      group: 'ticker',
      auth: false,
      idempotent: true,
    });
    return parseTickers('GET /v1/ticker', body);
  }

  /** One page (<= 200) of candles opening before `to` (exclusive), newest first as Upbit sends them. */
  async candles(
    market: string,
    timeframe: Timeframe,
    opts: { count: number; to?: number },
  ): Promise<Candle[]> {
    if (!Number.isInteger(opts.count) || opts.count < 1 || opts.count > MAX_CANDLES_PER_REQUEST) {
      throw new RangeError(`candles: count must be 1..${MAX_CANDLES_PER_REQUEST}, got ${opts.count}`);
    }
    const path = CANDLE_PATH[timeframe];
    const body = await this.transport.call({
      method: 'GET',
      path,
      params: { market, count: opts.count, ...(opts.to !== undefined ? { to: upbitTime(opts.to) } : {}) },
      group: 'candle',
      auth: false,
      idempotent: true,
    });
    return parseCandles(`GET /v1${path}`, body, timeframe);
  }

  /**
   * Pages of candles walking back in time from `to` (exclusive; default: now), each page newest
   * first as Upbit sends it, moving `to` to the oldest candle of the previous page. Stops after
   * `count` candles, at `from` (inclusive lower bound on open time), or when the exchange runs out.
   * A collector stores each page before asking for the next, so it can resume where it stopped.
   */
  async *candlePages(
    market: string,
    timeframe: Timeframe,
    opts: { to?: number; from?: number; count?: number } = {},
  ): AsyncGenerator<Candle[]> {
    const endpoint = `GET /v1${CANDLE_PATH[timeframe]}`;
    let remaining = opts.count ?? Number.POSITIVE_INFINITY;
    let cursor = opts.to;
    while (remaining > 0) {
      const want = Math.min(MAX_CANDLES_PER_REQUEST, remaining);
      const page = await this.candles(market, timeframe, {
        count: want,
        ...(cursor !== undefined ? { to: cursor } : {}),
      });
      if (page.length === 0) return;
      const oldest = page[page.length - 1]!.openTime;
      if (cursor !== undefined && oldest >= cursor) {
        throw new ExchangeError(
          'EXCHANGE_INVALID_RESPONSE',
          endpoint,
          `page did not move back in time (to=${upbitTime(cursor)}); response refused`,
        );
      }
      const from = opts.from;
      const kept = from === undefined ? page : page.filter((c) => c.openTime >= from);
      if (kept.length > 0) yield kept;
      remaining -= kept.length;
      cursor = oldest;
      if (kept.length < page.length || page.length < want) return;
    }
  }

  /** The newest `count` candles before `to` (default: now), oldest first, in pages of 200. */
  async candleHistory(market: string, timeframe: Timeframe, count: number, to?: number): Promise<Candle[]> {
    const pages: Candle[][] = [];
    for await (const page of this.candlePages(market, timeframe, {
      count,
      ...(to !== undefined ? { to } : {}),
    })) {
      pages.push(page);
    }
    return pages.flat().reverse();
  }
}

/** Upbit's `to` parameter: ISO 8601 UTC without milliseconds. */
export function upbitTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Decimal text without exponent (Upbit rejects "1e-7"), cut DOWN to 8 decimals (Upbit's volume
 * precision): rounding up could ask to sell more than is held (insufficient_funds_ask).
 */
export function decimalString(n: number): string {
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`not a non-negative finite number: ${n}`);
  const floored = Math.floor(Number((n * 1e8).toFixed(4))) / 1e8;
  return floored.toFixed(8).replace(/\.?0+$/, '') || '0';
}
