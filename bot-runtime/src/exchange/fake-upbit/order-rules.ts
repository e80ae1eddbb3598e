// Upbit's checks on an order request before it touches the book (docs.upbit.com "REST API 사용 및
// 에러 안내" and the 2025-07-31 tick-size changelog): `validation_error` for a missing or malformed
// parameter, `create_bid_error|create_ask_error` for a combination the ord_type does not take,
// `invalid_price_bid|ask` off the tick grid, `under_min_total_bid|ask` below the minimum order.
// Tick and minimum come from the portfolio module (one place).
import { isKrwMarket, krwTickSize, minOrderQuote } from '../../portfolio/market-rules.ts';

/** An Upbit error the server turns into {"error": {name, message}} with `status`. */
export class UpbitApiError extends Error {
  readonly status: number;
  readonly upbitName: string;
  constructor(status: number, upbitName: string, message: string) {
    super(message);
    this.status = status;
    this.upbitName = upbitName;
  }
}

/** The POST /v1/orders body as received (untrusted). */
export interface OrderRequest {
  market?: unknown;
  side?: unknown;
  ord_type?: unknown;
  price?: unknown;
  volume?: unknown;
  identifier?: unknown;
}

export interface ValidOrderRequest {
  market: string;
  side: 'bid' | 'ask';
  ordType: 'limit' | 'price' | 'market';
  price: number | undefined;
  volume: number | undefined;
  identifier: string | undefined;
  /** KRW value of the order at the current price. */
  notional: number;
}

export function checkOrderRequest(
  req: OrderRequest,
  priceOf: (market: string) => number | undefined,
  minOrderKRW: number,
): ValidOrderRequest {
  const market = text(req.market, 'market');
  const side = choice(req.side, 'side', ['bid', 'ask'] as const);
  const ordType = choice(req.ord_type, 'ord_type', ['limit', 'price', 'market'] as const);
  const identifier = req.identifier === undefined ? undefined : text(req.identifier, 'identifier');
  const current = priceOf(market);
  if (!isKrwMarket(market) || current === undefined) {
    throw new UpbitApiError(404, 'market_does_not_exist', `market ${market} is not traded here`);
  }
  const price = optionalNumber(req.price, 'price');
  const volume = optionalNumber(req.volume, 'volume');
  if (ordType === 'price' && (side !== 'bid' || price === undefined || volume !== undefined)) {
    throw new UpbitApiError(
      400,
      `create_${side}_error`,
      'ord_type=price is a market BUY: side=bid with price (KRW to spend) and no volume',
    );
  }
  if (ordType === 'market' && (side !== 'ask' || volume === undefined || price !== undefined)) {
    throw new UpbitApiError(
      400,
      `create_${side}_error`,
      'ord_type=market is a market SELL: side=ask with volume and no price',
    );
  }
  if (ordType === 'limit') {
    if (price === undefined || volume === undefined) {
      throw new UpbitApiError(400, `create_${side}_error`, 'a limit order needs price and volume');
    }
    const tick = krwTickSize(price);
    if (Math.abs(price / tick - Math.round(price / tick)) > 1e-9) {
      throw new UpbitApiError(
        400,
        `invalid_price_${side}`,
        `price ${price} is not a multiple of the tick size ${tick} for that price`,
      );
    }
  }
  const min = minOrderQuote(market, minOrderKRW);
  const notional = ordType === 'price' ? price! : ordType === 'market' ? volume! * current : price! * volume!;
  if (notional < min) {
    throw new UpbitApiError(
      400,
      `under_min_total_${side}`,
      `order total ${notional.toFixed(0)} KRW is below the minimum of ${min} KRW`,
    );
  }
  return { market, side, ordType, price, volume, identifier, notional };
}

function text(v: unknown, name: string): string {
  if (typeof v !== 'string' || v === '')
    throw new UpbitApiError(400, 'validation_error', `${name} is required`);
  return v;
}

function choice<T extends string>(v: unknown, name: string, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new UpbitApiError(400, 'validation_error', `${name} must be one of ${allowed.join('|')}`);
  }
  return v as T;
}

function optionalNumber(v: unknown, name: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' ? Number(v) : Number.NaN;
  if (!Number.isFinite(n) || n <= 0) {
    throw new UpbitApiError(400, 'validation_error', `${name} must be a positive decimal string`);
  }
  return n;
}
