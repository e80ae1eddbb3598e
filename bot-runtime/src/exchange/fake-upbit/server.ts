// A local Upbit-compatible exchange (HTTP + WebSocket on 127.0.0.1, port 0 by default) for tests and
// for `mode: live` in the demo (spec.exchange.baseUrl points at it). It behaves as docs.upbit.com
// says, and has fault switches for what real networks and exchanges do: latency, 5xx, dropped
// connections, and the worst one for money: an order accepted whose response never arrives.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MarketData } from '../../market/source.ts';
import type { Candle } from '../../types.ts';
import { type BookConfig, DEFAULT_BOOK, FakeBook, UpbitApiError } from './book.ts';
import { Authenticator, bodyQuery, RequestBudget, UPBIT_GROUP_LIMITS, urlQueryForHash } from './guards.ts';
import { FakeMarket, seededRandom } from './market.ts';
import { routeFor } from './routes.ts';
import { TickerServer } from './ticker-server.ts';
import { errorJson } from './wire.ts';

export interface Faults {
  /** Added before every HTTP answer. */
  latencyMs: number;
  /** Probability (0..1) that a request gets a 503 before it is processed. */
  serverErrorRate: number;
  /** Probability that a connection is cut before the request is processed. */
  dropRate: number;
  /** The next N requests get a 503 (deterministic counterpart of serverErrorRate). */
  serverErrorsNext: number;
  /** The next N requests are cut before processing. */
  dropsNext: number;
  /** The next N accepted orders lose their response: the order exists, the client sees a hang-up. */
  loseOrderResponsesNext: number;
  /** Answer every request with 418 (blocked). */
  blocked: boolean;
}

export const NO_FAULTS: Faults = {
  latencyMs: 0,
  serverErrorRate: 0,
  dropRate: 0,
  serverErrorsNext: 0,
  dropsNext: 0,
  loseOrderResponsesNext: 0,
  blocked: false,
};

export interface FakeUpbitOptions {
  host?: string;
  port?: number;
  /** access key -> secret key. */
  keys?: Record<string, string>;
  book?: Partial<BookConfig>;
  /** Candles to serve; without them (or `data`) a quick seeded walk. */
  candles?: readonly Candle[];
  /** A MarketSource's load (market/replay-source.ts, market/synthetic-market.ts) to serve instead. */
  data?: MarketData;
  markets?: readonly string[];
  seed?: number;
  /** Requests per second per group (Upbit's limits by default). */
  limits?: Record<string, number>;
  /** After this many 429s in a row the fake blocks with 418, as Upbit does to clients ignoring 429s. */
  blockAfter429s?: number;
  tickerIntervalMs?: number;
  idleTimeoutMs?: number;
  faults?: Partial<Faults>;
  now?: () => number;
}

const MAX_LOG_ENTRIES = 10_000;

export const DEFAULT_MARKETS = ['KRW-BTC', 'KRW-ETH', 'KRW-XRP', 'KRW-SOL'];

export class FakeUpbit {
  readonly book: FakeBook;
  readonly market: FakeMarket;
  readonly faults: Faults;
  readonly #server: Server;
  readonly #ticker: TickerServer;
  readonly #auth: Authenticator;
  readonly #budget: RequestBudget;
  readonly #random: () => number;
  readonly #blockAfter: number;
  #consecutive429 = 0;
  /** Every request seen: method, path and the status answered (0 = connection cut). */
  readonly log: Array<{ method: string; path: string; status: number }> = [];

  private constructor(opts: FakeUpbitOptions) {
    const now = opts.now ?? Date.now;
    const markets = opts.markets ?? DEFAULT_MARKETS;
    this.market = opts.data
      ? FakeMarket.fromData(opts.data)
      : opts.candles
        ? FakeMarket.fromCandles(opts.candles)
        : FakeMarket.synthetic(markets, now(), opts.seed ?? 1);
    this.book = new FakeBook({ ...DEFAULT_BOOK, ...opts.book }, (m) => this.market.price(m), now);
    this.faults = { ...NO_FAULTS, ...opts.faults };
    this.#auth = new Authenticator(new Map(Object.entries(opts.keys ?? {})));
    this.#budget = new RequestBudget(opts.limits ?? UPBIT_GROUP_LIMITS, now);
    this.#random = seededRandom(opts.seed ?? 1);
    this.#blockAfter = opts.blockAfter429s ?? Number.POSITIVE_INFINITY;
    this.#server = createServer((req, res) => void this.#serve(req, res));
    this.#ticker = new TickerServer(
      this.#server,
      { intervalMs: opts.tickerIntervalMs ?? 1000, idleTimeoutMs: opts.idleTimeoutMs ?? 120_000 },
      (m) => this.market.price(m),
    );
  }

  static async start(opts: FakeUpbitOptions = {}): Promise<FakeUpbit> {
    const fake = new FakeUpbit(opts);
    await new Promise<void>((resolve, reject) => {
      fake.#server.once('error', reject);
      fake.#server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
    });
    return fake;
  }

  get url(): string {
    const a = this.#server.address() as AddressInfo;
    return `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
  }

  get websocketUrl(): string {
    return `${this.url.replace(/^http/, 'ws')}/websocket/v1`;
  }

  get ticker(): TickerServer {
    return this.#ticker;
  }

  async close(): Promise<void> {
    await this.#ticker.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const entry = { method: req.method ?? 'GET', path: url.pathname, status: 0 };
    this.log.push(entry);
    // A long demo run must not grow without bound; tests look at far fewer entries than this.
    if (this.log.length > 2 * MAX_LOG_ENTRIES) this.log.splice(0, this.log.length - MAX_LOG_ENTRIES);
    let remainingReq: string | undefined;
    const send = (status: number, body: string): void => {
      entry.status = status;
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        ...(remainingReq ? { 'remaining-req': remainingReq } : {}),
      });
      res.end(body);
    };
    try {
      const body = await readBody(req);
      if (this.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, this.faults.latencyMs));
      if (this.#take('dropsNext', 'dropRate')) return void req.socket.destroy();
      if (this.faults.blocked) return send(418, errorJson('blocked', 'too many requests after 429; blocked'));
      const route = routeFor(entry.method, url.pathname, this.book, this.market);
      if (!route) return send(404, errorJson('not_found', `no route ${entry.method} ${url.pathname}`));
      const { header, over } = this.#budget.take(route.group);
      remainingReq = header;
      if (over) {
        this.#consecutive429 += 1;
        if (this.#consecutive429 > this.#blockAfter) this.faults.blocked = true;
        return send(429, errorJson('too_many_requests', `group ${route.group}: too many requests`));
      }
      this.#consecutive429 = 0;
      if (this.#take('serverErrorsNext', 'serverErrorRate')) {
        return send(503, errorJson('server_error', 'temporarily unavailable'));
      }
      if (route.auth) {
        const query = entry.method === 'POST' ? bodyQuery(body) : urlQueryForHash(url.search);
        this.#auth.check(req.headers.authorization, query);
      }
      const result = route.handle(req, url, body);
      if (entry.method === 'POST' && this.faults.loseOrderResponsesNext > 0) {
        // The order is in the book; the client only sees the socket close.
        this.faults.loseOrderResponsesNext -= 1;
        return void req.socket.destroy();
      }
      send(entry.method === 'POST' ? 201 : 200, JSON.stringify(result));
    } catch (error) {
      if (error instanceof UpbitApiError)
        return send(error.status, errorJson(error.upbitName, error.message));
      send(500, errorJson('server_error', (error as Error).message));
    }
  }

  #take(counter: 'dropsNext' | 'serverErrorsNext', rate: 'dropRate' | 'serverErrorRate'): boolean {
    if (this.faults[counter] > 0) {
      this.faults[counter] -= 1;
      return true;
    }
    return this.faults[rate] > 0 && this.#random() < this.faults[rate];
  }
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (req.method !== 'POST') return {};
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  try {
    const body = JSON.parse(text) as unknown;
    if (typeof body === 'object' && body !== null && !Array.isArray(body))
      return body as Record<string, unknown>;
  } catch {
    // fall through to the Upbit error below
  }
  throw new UpbitApiError(400, 'validation_error', 'body must be a JSON object');
}
