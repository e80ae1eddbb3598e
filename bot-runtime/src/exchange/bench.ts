// Exchange-side figures for `npm run bench` (hack/bench.ts can import benchExchange): JWT signing
// cost, orders per second through UpbitBroker -> client -> local fake exchange on loopback (POST +
// trade lookup per order), and the time to page 2,016 5-minute candles (SPEC's 7-day window).
// Run alone: node bot-runtime/src/exchange/bench.ts
import { UpbitBroker } from '../execution/upbit-broker.ts';
import type { OrderIntent } from '../types.ts';
import { FakeUpbit } from './fake-upbit/server.ts';
import { signUpbitJwt } from './upbit/auth.ts';
import { UpbitClient } from './upbit/client.ts';

export interface ExchangeBench {
  jwtSignMicros: number;
  brokerOrdersPerSecond: number;
  orderRoundTripP50Ms: number;
  candles7dMs: number;
}

const KEYS = { accessKey: 'bench-access-key-0001', secretKey: 'bench-secret-key-0001-xyz' };
/** Limits high enough that the bench measures the code path, not Upbit's 8 orders/s budget. */
const UNLIMITED = { order: 1e6, default: 1e6, candle: 1e6, ticker: 1e6, market: 1e6 };

export async function benchExchange(orders = 300): Promise<ExchangeBench> {
  const n = 20_000;
  let t = performance.now();
  for (let i = 0; i < n; i++) signUpbitJwt(KEYS, `identifier=kt-${i}`);
  const jwtSignMicros = ((performance.now() - t) * 1000) / n;

  const fake = await FakeUpbit.start({
    keys: { [KEYS.accessKey]: KEYS.secretKey },
    limits: UNLIMITED,
    book: { balances: { KRW: 1e12 } },
  });
  try {
    const client = new UpbitClient({ baseUrl: fake.url, credentials: KEYS });
    const broker = new UpbitBroker(client, { minOrderKRW: 5000 });
    const laps: number[] = [];
    const start = performance.now();
    for (let i = 0; i < orders; i++) {
      const lap = performance.now();
      await broker.submit(intent(i));
      laps.push(performance.now() - lap);
    }
    const brokerOrdersPerSecond = orders / ((performance.now() - start) / 1000);
    laps.sort((a, b) => a - b);
    t = performance.now();
    const candles = await client.candleHistory('KRW-BTC', '5m', 2016);
    const candles7dMs = performance.now() - t;
    if (candles.length !== 2016) throw new Error(`bench: expected 2016 candles, got ${candles.length}`);
    return {
      jwtSignMicros,
      brokerOrdersPerSecond,
      orderRoundTripP50Ms: laps[Math.floor(laps.length / 2)]!,
      candles7dMs,
    };
  } finally {
    await fake.close();
  }
}

function intent(i: number): OrderIntent {
  return {
    clientOrderId: `kt-bench-${i}`,
    bot: 'bench',
    revision: 'r',
    arm: 'a',
    market: 'KRW-BTC',
    side: 'buy',
    quoteAmount: 10_000,
    time: i,
    confidence: 0.9,
    signal: { market: 'KRW-BTC', time: i, action: 'BUY', confidence: 0.9, reasons: [], layers: {} },
  };
}

if (import.meta.main) {
  const r = await benchExchange();
  console.log(
    `exchange: JWT sign ${r.jwtSignMicros.toFixed(1)} us; broker ${r.brokerOrdersPerSecond.toFixed(0)} orders/s on loopback (p50 ${r.orderRoundTripP50Ms.toFixed(2)} ms, POST + lookup); 2,016 5m candles in ${r.candles7dMs.toFixed(0)} ms (11 pages)`,
  );
}
