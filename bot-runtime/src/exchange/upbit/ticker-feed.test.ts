import { afterEach, describe, expect, it } from 'vitest';
import { FakeUpbit } from '../fake-upbit/server.ts';
import { type FeedTicker, type FeedTrade, UpbitTickerFeed } from './ticker-feed.ts';

let fake: FakeUpbit | undefined;
let feed: UpbitTickerFeed | undefined;
afterEach(async () => {
  feed?.stop();
  await fake?.close();
});

async function until(ok: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function startFeed(url: string, over: Partial<ConstructorParameters<typeof UpbitTickerFeed>[0]> = {}) {
  const tickers: FeedTicker[] = [];
  const trades: FeedTrade[] = [];
  const logs: string[] = [];
  feed = new UpbitTickerFeed({
    url,
    markets: ['KRW-BTC', 'KRW-ETH'],
    types: ['ticker', 'trade'],
    pingIntervalMs: 50,
    pongTimeoutMs: 100,
    reconnectBaseMs: 20,
    reconnectMaxMs: 100,
    onTicker: (t) => tickers.push(t),
    onTrade: (t) => trades.push(t),
    log: (l) => logs.push(l),
    ...over,
  });
  feed.start();
  return { tickers, trades, logs };
}

describe('UpbitTickerFeed', () => {
  it('subscribes with Upbit request format and receives validated tickers and trades', async () => {
    fake = await FakeUpbit.start({ tickerIntervalMs: 20 });
    const got = startFeed(fake.websocketUrl);
    await until(() => got.tickers.length >= 2 && got.trades.length >= 2);
    expect(new Set(got.tickers.map((t) => t.market))).toEqual(new Set(['KRW-BTC', 'KRW-ETH']));
    expect(got.tickers[0]!.tradePrice).toBe(fake.market.price(got.tickers[0]!.market));
    expect(['buy', 'sell']).toContain(got.trades[0]!.side);
  });

  it('reconnects and resubscribes after the server drops the connection', async () => {
    fake = await FakeUpbit.start({ tickerIntervalMs: 20 });
    const got = startFeed(fake.websocketUrl);
    await until(() => got.tickers.length > 0);
    fake.ticker.dropAll();
    const before = got.tickers.length;
    await until(() => feed!.connects === 2 && got.tickers.length > before + 2);
    expect(fake.ticker.connections).toBe(2);
    expect(got.logs.some((l) => l.includes('reconnecting'))).toBe(true);
  });

  it('treats a missing pong as a dead connection and reconnects', async () => {
    fake = await FakeUpbit.start({ tickerIntervalMs: 1000 });
    fake.ticker.answerPings = false;
    const got = startFeed(fake.websocketUrl);
    await until(() => got.logs.some((l) => l.includes('no pong')));
    fake.ticker.answerPings = true;
    await until(() => (feed?.connects ?? 0) >= 2);
    expect(fake.ticker.connections).toBeGreaterThanOrEqual(2);
  });

  it('keeps retrying with back-off while the exchange is down, and connects when it is back', async () => {
    fake = await FakeUpbit.start({ tickerIntervalMs: 20 });
    const port = Number(new URL(fake.url).port);
    await fake.close();
    const got = startFeed(`ws://127.0.0.1:${port}/websocket/v1`);
    await new Promise((r) => setTimeout(r, 150));
    expect(feed!.connects).toBe(0);
    expect(feed!.state).not.toBe('open');
    fake = await FakeUpbit.start({ port, tickerIntervalMs: 20 });
    await until(() => got.tickers.length > 0);
    expect(feed!.connects).toBe(1);
  });

  it('refuses malformed messages instead of passing them on', async () => {
    const { WebSocketServer } = await import('ws');
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => wss.once('listening', r));
    wss.on('connection', (ws) => {
      ws.send(
        Buffer.from(JSON.stringify({ type: 'ticker', code: 'KRW-BTC', trade_price: -5, timestamp: 1 })),
      );
      ws.send('not json');
      ws.send(
        Buffer.from(JSON.stringify({ type: 'ticker', code: 'KRW-BTC', trade_price: 100, timestamp: 2 })),
      );
    });
    try {
      const address = wss.address() as { port: number };
      const got = startFeed(`ws://127.0.0.1:${address.port}`);
      await until(() => got.tickers.length === 1);
      expect(got.tickers[0]!.tradePrice).toBe(100);
      expect(feed!.invalidMessages).toBe(2);
      expect(got.logs.some((l) => l.includes('trade_price'))).toBe(true);
    } finally {
      feed?.stop();
      feed = undefined;
      for (const c of wss.clients) c.terminate();
      await new Promise((r) => wss.close(r));
    }
  });
});
