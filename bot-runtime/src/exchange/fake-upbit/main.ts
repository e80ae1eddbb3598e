// CLI: `node bot-runtime/src/exchange/fake-upbit/main.ts --port 18080` runs the local Upbit for the
// demo's `mode: live` (spec.exchange.baseUrl = http://127.0.0.1:18080). It accepts the key pair in
// UPBIT_ACCESS_KEY / UPBIT_SECRET_KEY, the same variables the runtime reads, so one Secret serves both.
import { parseArgs } from 'node:util';
import { ReplaySource } from '../../market/replay-source.ts';
import type { MarketData } from '../../market/source.ts';
import { SyntheticMarket } from '../../market/synthetic-market.ts';
import { TIMEFRAME_MS } from '../../market/timeframes.ts';
import { roundPriceToTick } from '../../portfolio/market-rules.ts';
import { seededRandom } from './market.ts';
import { DEFAULT_MARKETS, FakeUpbit } from './server.ts';

const USAGE = `usage: main.ts [--port N] [--host 127.0.0.1] [--seed N] [--markets KRW-BTC,...]
  [--data PATH | --walk] [--fill-steps N] [--latency-ms N] [--error-rate 0..1] [--drop-rate 0..1] [--drift-ms N]
  candles: the coherent synthetic market (default, last 366 days), replayed files (--data), or a quick walk (--walk)
env: UPBIT_ACCESS_KEY and UPBIT_SECRET_KEY (the pair the fake accepts)`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      seed: { type: 'string', default: '1' },
      markets: { type: 'string', default: DEFAULT_MARKETS.join(',') },
      'fill-steps': { type: 'string', default: '1' },
      'latency-ms': { type: 'string', default: '0' },
      'error-rate': { type: 'string', default: '0' },
      'drop-rate': { type: 'string', default: '0' },
      // Every drift-ms the price of each market takes a small random step (0 = frozen prices).
      'drift-ms': { type: 'string', default: '1000' },
      data: { type: 'string' },
      walk: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const access = process.env.UPBIT_ACCESS_KEY;
  const secret = process.env.UPBIT_SECRET_KEY;
  if (!access || !secret) {
    console.error(
      `fake-upbit: set UPBIT_ACCESS_KEY and UPBIT_SECRET_KEY (any values; the runtime must use the same)\n${USAGE}`,
    );
    process.exit(2);
  }
  const num = (name: keyof typeof values): number => {
    const n = Number(values[name]);
    if (!Number.isFinite(n) || n < 0) {
      console.error(`fake-upbit: --${name} must be a non-negative number\n${USAGE}`);
      process.exit(2);
    }
    return n;
  };
  const markets = String(values.markets).split(',').filter(Boolean);
  const seed = num('seed');
  const data = values.walk ? undefined : await marketData(values.data, markets, seed);
  const fake = await FakeUpbit.start({
    ...(data ? { data } : {}),
    host: String(values.host),
    port: num('port'),
    keys: { [access]: secret },
    markets,
    seed,
    book: { fillSteps: Math.max(1, Math.floor(num('fill-steps'))) },
    faults: { latencyMs: num('latency-ms'), serverErrorRate: num('error-rate'), dropRate: num('drop-rate') },
  });
  const driftMs = num('drift-ms');
  if (driftMs > 0) {
    const random = seededRandom(seed + 1);
    setInterval(() => {
      for (const m of markets) {
        const p = fake.market.price(m);
        // 0.05% steps: a calm market that still moves enough for the demo's signals.
        if (p !== undefined)
          fake.market.setPrice(m, roundPriceToTick(m, p * (1 + 0.0005 * (random() * 2 - 1)), 'buy'));
      }
      fake.book.advance();
    }, driftMs).unref();
  }
  console.log(
    `fake-upbit listening on ${fake.url} (websocket ${fake.websocketUrl}), markets ${markets.join(',')}`,
  );
  const stop = async (): Promise<void> => {
    await fake.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

/**
 * The candles the fake serves: replayed files, or the runtime's own SyntheticMarket over the last
 * 366 days (the SPEC's 1-year day window plus the day in progress) ending now.
 */
async function marketData(path: string | undefined, markets: string[], seed: number): Promise<MarketData> {
  const now = Date.now();
  if (path) return (await ReplaySource.open(path, { markets })).load();
  const DAY = TIMEFRAME_MS['1d'];
  const source = new SyntheticMarket({ seed, markets, start: Math.floor(now / DAY) * DAY - 366 * DAY });
  return source.load({ to: Math.floor(now / TIMEFRAME_MS['5m']) * TIMEFRAME_MS['5m'] });
}

await main();
