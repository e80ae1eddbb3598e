// `kubetrade collect` as a real child process against the local fake Upbit (in this process) and
// the real PostgreSQL (a fresh schema): it fills all four SPEC windows for four markets; SIGKILLed
// halfway and re-run, it fetches only the pages still missing (counted on the fake) and completes.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FakeUpbit } from '../exchange/fake-upbit/server.ts';
import { MAX_CANDLES_PER_REQUEST } from '../exchange/upbit/client.ts';
import { HISTORY_WINDOW, TIMEFRAME_MS } from '../market/timeframes.ts';
import { migrate } from '../store/migrate.ts';
import type { PgDb } from '../store/pg-db.ts';
import { createTestSchema, type TestSchema } from '../store/test-schema.ts';
import { TradeStore } from '../store/trade-store.ts';
import type { Candle, Timeframe } from '../types.ts';
import { collectionWindow } from './gaps.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const MARKETS = ['KRW-BTC', 'KRW-ETH', 'KRW-XRP', 'KRW-SOL'];
const TIMEFRAMES: Timeframe[] = ['5m', '15m', '1h', '1d'];
const PAGES_PER_MARKET = TIMEFRAMES.reduce(
  (n, tf) => n + Math.ceil(HISTORY_WINDOW[tf] / MAX_CANDLES_PER_REQUEST),
  0,
);

/** Every window plus two candles of slack on both sides, so a 5m boundary crossed mid-test changes nothing. */
function exchangeCandles(now: number): Candle[] {
  const out: Candle[] = [];
  MARKETS.forEach((market, m) => {
    for (const tf of TIMEFRAMES) {
      const step = TIMEFRAME_MS[tf];
      const w = collectionWindow(tf, now);
      for (let t = w.from - 2 * step, i = 0; t < w.to + 2 * step; t += step, i++) {
        const close = 1000 * (m + 1) + (i % 50);
        out.push({
          market,
          timeframe: tf,
          openTime: t,
          open: close,
          high: close + 1,
          low: close - 1,
          close,
          volume: 1 + (i % 7),
          quoteVolume: close * (1 + (i % 7)),
        });
      }
    }
  });
  return out;
}

let fake: FakeUpbit;
let schema: TestSchema;
let db: PgDb;
let store: TradeStore;
let dir: string;
let botFile: string;

beforeAll(async () => {
  fake = await FakeUpbit.start({ candles: exchangeCandles(Date.now()) });
  schema = await createTestSchema(inject('databaseUrl'), 'kt_collect');
  db = schema.connect({ maxConnections: 2 });
  await migrate(db);
  store = new TradeStore(db);
  dir = await mkdtemp(join(tmpdir(), 'kubetrade-collect-'));
  botFile = join(dir, 'bot.yaml');
  await writeFile(
    botFile,
    `apiVersion: kubetrade.io/v1alpha1\nkind: TradingBot\nmetadata: { name: collector }\nspec:\n  exchange: { name: upbit, baseUrl: ${fake.url} }\n  markets: [${MARKETS.join(', ')}]\n`,
  );
}, 60_000);
afterAll(async () => {
  await db?.close();
  await schema?.drop();
  await fake?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const candleRequests = (): number => fake.log.filter((r) => r.path.includes('/candles/')).length;

function collect(onProgress?: (lines: string[], child: ChildProcess) => void): {
  child: ChildProcess;
  done: Promise<{
    code: number | null;
    signal: string | null;
    stdout: string;
    progress: string[];
    stderr: string;
  }>;
} {
  const child = spawn(process.execPath, [`${REPO}bot-runtime/src/cli/main.ts`, 'collect', '-f', botFile], {
    cwd: REPO,
    env: { ...process.env, DATABASE_URL: inject('databaseUrl'), KUBETRADE_DB_SCHEMA: schema.schema },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const progress: string[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    const lines = stderr.split('\n').filter((l) => /^collect: page \d+\/\d+ /.test(l));
    progress.splice(0, progress.length, ...lines);
    onProgress?.(progress, child);
  });
  const done = new Promise<{
    code: number | null;
    signal: string | null;
    stdout: string;
    progress: string[];
    stderr: string;
  }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, progress, stderr })));
  return { child, done };
}

async function storedPerWindow(): Promise<number[]> {
  const now = Date.now();
  const out: number[] = [];
  for (const m of MARKETS)
    for (const tf of TIMEFRAMES) {
      const w = collectionWindow(tf, now);
      out.push((await store.market.candles(m, tf, w.from, w.to)).length);
    }
  return out;
}

describe('kubetrade collect', () => {
  it('killed halfway, re-run: fetches only the missing pages and fills all four windows of four markets', {
    timeout: 90_000,
  }, async () => {
    const total = PAGES_PER_MARKET * MARKETS.length;
    const killAfter = Math.floor(total / 2);
    const before = candleRequests();
    const first = collect((lines, child) => {
      if (lines.length >= killAfter && child.exitCode === null) child.kill('SIGKILL');
    });
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.stderr).toContain(`${total} pages to fetch`);
    const firstRequests = candleRequests() - before;
    // Every progress line is a page stored; at most one more page may have been in flight.
    const stored = killed.progress.length;
    expect(stored).toBeGreaterThanOrEqual(killAfter);
    expect(firstRequests).toBeGreaterThanOrEqual(stored);
    expect(firstRequests).toBeLessThanOrEqual(stored + 1);
    const partial = (await storedPerWindow()).reduce((a, b) => a + b, 0);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(MARKETS.length * TIMEFRAMES.reduce((n, tf) => n + HISTORY_WINDOW[tf], 0));

    const mid = candleRequests();
    const second = await collect().done;
    expect(second.code).toBe(0);
    const secondRequests = candleRequests() - mid;
    // Resumed: only what the first run did not store (a page the kill interrupted is fetched again).
    expect(secondRequests).toBe(total - stored);
    expect(second.stderr).toContain(`${total - stored} pages to fetch`);
    expect(second.progress.length).toBe(total - stored);
    expect(second.progress[0]).toMatch(/^collect: page 1\/\d+ KRW-[A-Z]+ (5m|15m|1h|1d) \+\d+ candles$/);
    expect(second.stdout).toContain(
      `complete: ${MARKETS.length * TIMEFRAMES.length}/${MARKETS.length * TIMEFRAMES.length} windows`,
    );
    expect(second.stdout).toMatch(/^KRW-BTC\s+5m\s+2016\/2016\s+100\.0%$/m);
    expect(await storedPerWindow()).toEqual(
      MARKETS.flatMap(() => TIMEFRAMES.map((tf) => HISTORY_WINDOW[tf])),
    );

    // Nothing missing: a third run asks the exchange for nothing.
    const last = candleRequests();
    const third = await collect().done;
    expect(third.code).toBe(0);
    expect(candleRequests() - last).toBe(0);
    expect(third.stderr).toContain('0 pages to fetch');
  });
});
