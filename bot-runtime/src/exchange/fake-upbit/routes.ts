// The fake exchange's REST routes: which rate-limit group a path counts in, whether it needs a
// signature, and the handler that answers it from the book and the market (docs.upbit.com v1 paths).
import type { IncomingMessage } from 'node:http';
import type { Timeframe } from '../../types.ts';
import type { FakeBook, FakeOrder } from './book.ts';
import type { FakeMarket } from './market.ts';
import { UpbitApiError } from './order-rules.ts';
import { accountsJson, candleJson, orderJson, tickerJson } from './wire.ts';

export interface Route {
  group: string;
  auth: boolean;
  handle: (req: IncomingMessage, url: URL, body: Record<string, unknown>) => unknown;
}

const MINUTE_UNITS: Record<string, Timeframe | undefined> = { '5': '5m', '15': '15m', '60': '1h' };
/** Upbit's minute units; the fake holds candles for 5, 15 and 60 and answers [] for the others. */
const SUPPORTED_UNITS = new Set(['1', '3', '5', '10', '15', '30', '60', '240']);

export function routeFor(
  method: string,
  path: string,
  book: FakeBook,
  market: FakeMarket,
): Route | undefined {
  const key = `${method} ${path}`;
  if (key === 'GET /v1/accounts') return { group: 'default', auth: true, handle: () => accountsJson(book) };
  if (key === 'POST /v1/orders') {
    return {
      group: 'order',
      auth: true,
      handle: (_r, _u, body) => orderJson(book.place(body), false),
    };
  }
  if (key === 'GET /v1/order')
    return { group: 'default', auth: true, handle: (_r, url) => orderJson(findOrder(book, url), true) };
  if (key === 'DELETE /v1/order') {
    return {
      group: 'default',
      auth: true,
      handle: (_r, url) => orderJson(book.cancel(findOrder(book, url)), false),
    };
  }
  if (key === 'GET /v1/orders/open') {
    return { group: 'default', auth: true, handle: (_r, url) => openOrders(book, url) };
  }
  if (key === 'GET /v1/ticker')
    return { group: 'ticker', auth: false, handle: (_r, url) => tickers(market, url) };
  if (key === 'GET /v1/market/all') {
    return {
      group: 'market',
      auth: false,
      handle: () => market.markets.map((m) => ({ market: m, english_name: m })),
    };
  }
  if (key === 'GET /v1/candles/days')
    return { group: 'candle', auth: false, handle: (_r, url) => candles(market, url, '1d') };
  const minutes = /^GET \/v1\/candles\/minutes\/(\d+)$/.exec(key);
  if (minutes) {
    const unit = minutes[1]!;
    return {
      group: 'candle',
      auth: false,
      handle: (_r, url) => {
        if (!SUPPORTED_UNITS.has(unit))
          throw new UpbitApiError(400, 'validation_error', `unit ${unit} is not supported`);
        const tf = MINUTE_UNITS[unit];
        return tf ? candles(market, url, tf) : [];
      },
    };
  }
  return undefined;
}

function findOrder(book: FakeBook, url: URL): FakeOrder {
  const uuid = url.searchParams.get('uuid') ?? undefined;
  const identifier = url.searchParams.get('identifier') ?? undefined;
  if (uuid === undefined && identifier === undefined) {
    throw new UpbitApiError(400, 'validation_error', 'uuid or identifier is required');
  }
  const order = book.find({ ...(uuid ? { uuid } : {}), ...(identifier ? { identifier } : {}) });
  if (!order) throw new UpbitApiError(404, 'order_not_found', 'order not found');
  return order;
}

function openOrders(book: FakeBook, url: URL): unknown[] {
  const market = url.searchParams.get('market');
  const states = url.searchParams.getAll('states[]');
  const wanted = new Set(states.length > 0 ? states : ['wait', 'watch']);
  return book.orders
    .filter((o) => wanted.has(o.state) && (market === null || o.market === market))
    .reverse()
    .slice(0, Number(url.searchParams.get('limit') ?? '100'))
    .map((o) => orderJson(o, false));
}

function tickers(market: FakeMarket, url: URL): unknown[] {
  const codes = (url.searchParams.get('markets') ?? '').split(',').filter((c) => c !== '');
  const now = Date.now();
  return codes.map((code) => {
    const price = market.price(code);
    if (price === undefined) throw new UpbitApiError(404, 'not_found', `Code not found: ${code}`);
    return tickerJson(code, price, now);
  });
}

function candles(data: FakeMarket, url: URL, tf: Timeframe): unknown[] {
  const market = url.searchParams.get('market');
  if (!market) throw new UpbitApiError(400, 'validation_error', 'market is required');
  const count = Number(url.searchParams.get('count') ?? '1');
  if (!Number.isInteger(count) || count < 1 || count > 200) {
    throw new UpbitApiError(400, 'validation_error', 'count must be an integer from 1 to 200');
  }
  const toText = url.searchParams.get('to');
  const to = toText
    ? Date.parse(/(Z|[+-]\d{2}:?\d{2})$/.test(toText) ? toText : `${toText.replace(' ', 'T')}Z`)
    : Number.POSITIVE_INFINITY;
  if (Number.isNaN(to)) throw new UpbitApiError(400, 'validation_error', `to is not a date-time: ${toText}`);
  return data.candles(market, tf, count, to).map((c) => candleJson(c, tf));
}
