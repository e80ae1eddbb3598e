// The fake exchange's WebSocket quotation feed at /websocket/v1: Upbit's request format
// ([{ticket}, {type, codes}, {format}]), ticker and trade messages as binary JSON frames, ping/pong,
// and the idle close Upbit applies (~120 s without traffic). Faults: drop every connection, stop
// answering pings (a client must notice the missing pong and reconnect).
import type { Server } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';

export interface TickerServerConfig {
  /** How often subscribers get a message per subscribed market. */
  intervalMs: number;
  /** Upbit closes connections idle this long (docs: 120 s). */
  idleTimeoutMs: number;
}

interface Subscriber {
  ws: WebSocket;
  types: Set<string>;
  codes: Set<string>;
  lastActivity: number;
}

export class TickerServer {
  readonly #wss: WebSocketServer;
  readonly #subs = new Set<Subscriber>();
  readonly #timer: NodeJS.Timeout;
  readonly #cfg: TickerServerConfig;
  readonly #priceOf: (market: string) => number | undefined;
  /** When false, pings get no pong (fault switch). */
  answerPings = true;
  connections = 0;
  #sequence = 0;

  constructor(server: Server, cfg: TickerServerConfig, priceOf: (market: string) => number | undefined) {
    this.#cfg = cfg;
    this.#priceOf = priceOf;
    this.#wss = new WebSocketServer({ server, path: '/websocket/v1', autoPong: false });
    this.#wss.on('connection', (ws) => this.#accept(ws));
    this.#timer = setInterval(() => this.#broadcast(), cfg.intervalMs);
    this.#timer.unref();
  }

  get subscribers(): number {
    return this.#subs.size;
  }

  /** Fault: the server drops every open connection (as a network cut or a deploy would). */
  dropAll(): void {
    for (const s of this.#subs) s.ws.terminate();
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.dropAll();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #accept(ws: WebSocket): void {
    this.connections += 1;
    const sub: Subscriber = { ws, types: new Set(), codes: new Set(), lastActivity: Date.now() };
    this.#subs.add(sub);
    ws.on('close', () => this.#subs.delete(sub));
    ws.on('error', () => ws.terminate());
    ws.on('ping', (data) => {
      sub.lastActivity = Date.now();
      if (this.answerPings) ws.pong(data);
    });
    ws.on('message', (data) => {
      sub.lastActivity = Date.now();
      this.#subscribe(sub, data.toString());
    });
  }

  #subscribe(sub: Subscriber, text: string): void {
    let request: unknown;
    try {
      request = JSON.parse(text);
    } catch {
      sub.ws.send(
        JSON.stringify({ error: { name: 'INVALID_REQUEST', message: 'request must be a JSON array' } }),
      );
      return;
    }
    if (!Array.isArray(request)) {
      sub.ws.send(
        JSON.stringify({ error: { name: 'INVALID_REQUEST', message: 'request must be a JSON array' } }),
      );
      return;
    }
    for (const field of request as Array<Record<string, unknown>>) {
      if (typeof field?.type === 'string' && Array.isArray(field.codes)) {
        sub.types.add(field.type);
        for (const code of field.codes) if (typeof code === 'string') sub.codes.add(code);
      }
    }
  }

  #broadcast(): void {
    const now = Date.now();
    for (const sub of this.#subs) {
      if (now - sub.lastActivity > this.#cfg.idleTimeoutMs) {
        sub.ws.close(1000, 'idle');
        continue;
      }
      for (const code of sub.codes) {
        const price = this.#priceOf(code);
        if (price === undefined) continue;
        if (sub.types.has('ticker')) {
          sub.ws.send(
            Buffer.from(
              JSON.stringify({
                type: 'ticker',
                code,
                trade_price: price,
                timestamp: now,
                stream_type: 'REALTIME',
              }),
            ),
          );
        }
        if (sub.types.has('trade')) {
          this.#sequence += 1;
          sub.ws.send(
            Buffer.from(
              JSON.stringify({
                type: 'trade',
                code,
                trade_price: price,
                trade_volume: 0.001,
                ask_bid: this.#sequence % 2 ? 'BID' : 'ASK',
                trade_timestamp: now,
                timestamp: now,
                sequential_id: this.#sequence,
                stream_type: 'REALTIME',
              }),
            ),
          );
        }
      }
    }
  }
}
