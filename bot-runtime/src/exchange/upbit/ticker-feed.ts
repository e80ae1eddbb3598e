// Upbit's WebSocket quotation feed (wss://api.upbit.com/websocket/v1) for tickers and trades, kept
// alive: a ping every `pingIntervalMs` (Upbit closes connections idle ~120 s), a reconnect when a
// pong is missing or the socket drops, exponential back-off with jitter between attempts, and the
// subscription sent again on every new connection. Messages are validated like REST responses.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { isExchangeError, redact } from '../errors.ts';
import { Reader } from './validate.ts';

export interface FeedTicker {
  market: string;
  tradePrice: number;
  timestamp: number;
}

export interface FeedTrade {
  market: string;
  price: number;
  volume: number;
  side: 'buy' | 'sell';
  timestamp: number;
}

export interface TickerFeedConfig {
  url: string;
  markets: readonly string[];
  types: ReadonlyArray<'ticker' | 'trade'>;
  /** Upbit drops idle sockets after ~120 s; 30 s keeps four pings inside that window. */
  pingIntervalMs: number;
  /** A pong later than this means the connection is dead even if TCP has not noticed yet. */
  pongTimeoutMs: number;
  reconnectBaseMs: number;
  reconnectMaxMs: number;
  onTicker?: (t: FeedTicker) => void;
  onTrade?: (t: FeedTrade) => void;
  /** One line per connection event; already redacted. */
  log?: (line: string) => void;
}

export const FEED_DEFAULTS = {
  pingIntervalMs: 30_000,
  pongTimeoutMs: 10_000,
  reconnectBaseMs: 500,
  reconnectMaxMs: 30_000,
};

export type FeedState = 'connecting' | 'open' | 'waiting' | 'stopped';

export class UpbitTickerFeed {
  readonly #cfg: TickerFeedConfig;
  #ws: WebSocket | undefined;
  #state: FeedState = 'stopped';
  #attempt = 0;
  #pingTimer: NodeJS.Timeout | undefined;
  #pongTimer: NodeJS.Timeout | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  /** Connections opened so far (1 + reconnects), for metrics and tests. */
  connects = 0;
  invalidMessages = 0;

  constructor(cfg: TickerFeedConfig) {
    this.#cfg = cfg;
  }

  get state(): FeedState {
    return this.#state;
  }

  start(): void {
    if (this.#state !== 'stopped') return;
    this.#connect();
  }

  stop(): void {
    this.#state = 'stopped';
    this.#clearTimers();
    this.#ws?.removeAllListeners();
    this.#ws?.on('error', () => {});
    this.#ws?.terminate();
    this.#ws = undefined;
  }

  #connect(): void {
    this.#state = 'connecting';
    const ws = new WebSocket(this.#cfg.url, { handshakeTimeout: this.#cfg.pongTimeoutMs });
    this.#ws = ws;
    ws.on('open', () => {
      this.connects += 1;
      this.#state = 'open';
      ws.send(JSON.stringify(this.#subscription()));
      this.#log(
        `connected to ${this.#cfg.url} (connection ${this.connects}), subscribed ${this.#cfg.types.join('+')} ${this.#cfg.markets.join(',')}`,
      );
      this.#pingTimer = setInterval(() => this.#ping(ws), this.#cfg.pingIntervalMs);
    });
    ws.on('pong', () => {
      clearTimeout(this.#pongTimer);
      this.#pongTimer = undefined;
    });
    ws.on('message', (data) => {
      this.#attempt = 0;
      this.#dispatch(data as Buffer);
    });
    ws.on('error', (error) => this.#log(`socket error: ${error.message}`));
    ws.on('close', (code) => {
      if (this.#ws !== ws || this.#state === 'stopped') return;
      this.#log(`connection closed (${code}); reconnecting`);
      this.#scheduleReconnect();
    });
  }

  #subscription(): unknown[] {
    return [
      { ticket: randomUUID() },
      ...this.#cfg.types.map((type) => ({ type, codes: [...this.#cfg.markets] })),
      { format: 'DEFAULT' },
    ];
  }

  #ping(ws: WebSocket): void {
    if (this.#pongTimer !== undefined) return;
    ws.ping();
    this.#pongTimer = setTimeout(() => {
      this.#log(`no pong within ${this.#cfg.pongTimeoutMs} ms; reconnecting`);
      ws.terminate();
    }, this.#cfg.pongTimeoutMs);
  }

  #scheduleReconnect(): void {
    this.#clearTimers();
    this.#state = 'waiting';
    const ceiling = Math.min(this.#cfg.reconnectMaxMs, this.#cfg.reconnectBaseMs * 2 ** this.#attempt);
    this.#attempt += 1;
    const delay = Math.round(ceiling * (0.5 + Math.random() * 0.5));
    this.#retryTimer = setTimeout(() => this.#connect(), delay);
  }

  #dispatch(data: Buffer): void {
    let message: unknown;
    try {
      message = JSON.parse(data.toString('utf8'));
      const r = new Reader('websocket', '', message);
      if (r.has('error')) {
        this.#log(`server error message: ${JSON.stringify(r.raw('error'))}`);
        return;
      }
      const type = r.string('type');
      if (type === 'ticker') {
        this.#cfg.onTicker?.({
          market: r.string('code'),
          tradePrice: r.decimal('trade_price', 'positive'),
          timestamp: r.integer('timestamp'),
        });
      } else if (type === 'trade') {
        this.#cfg.onTrade?.({
          market: r.string('code'),
          price: r.decimal('trade_price', 'positive'),
          volume: r.decimal('trade_volume', 'positive'),
          side: r.oneOf('ask_bid', ['ASK', 'BID'] as const) === 'BID' ? 'buy' : 'sell',
          timestamp: r.integer('trade_timestamp'),
        });
      }
    } catch (error) {
      this.invalidMessages += 1;
      this.#log(`message refused: ${isExchangeError(error) ? error.message : 'not JSON'}`);
    }
  }

  #clearTimers(): void {
    clearInterval(this.#pingTimer);
    clearTimeout(this.#pongTimer);
    clearTimeout(this.#retryTimer);
    this.#pingTimer = this.#pongTimer = this.#retryTimer = undefined;
  }

  #log(line: string): void {
    this.#cfg.log?.(redact(`ticker-feed: ${line}`));
  }
}
