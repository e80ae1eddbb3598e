// Shared by the live integration tests: a fake Upbit with an oscillating market (from well before
// the warm-up to a day ahead, so the sped-up runtime always finds closed candles),
// an aggressive bot spec (two indicator votes nearly every candle) so trades happen within seconds,
// and `kubetrade run` as a real child process with its JSON lines parsed.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { registerSecret } from '../exchange/errors.ts';
import { FakeUpbit } from '../exchange/fake-upbit/server.ts';
import { TEST_KEYS } from '../exchange/fake-upbit/test-fixture.ts';
import { TIMEFRAME_MS } from '../market/timeframes.ts';
import { migrate } from '../store/migrate.ts';
import type { PgDb } from '../store/pg-db.ts';
import { createTestSchema, type TestSchema } from '../store/test-schema.ts';
import { swingCandles } from './swing-market.fixture.ts';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const MARKETS = ['KRW-BTC', 'KRW-ETH'];
/** Clock speed of the runtimes: one 5m candle closes every 2.5 s of wall time. */
export const SPEED = 120;
export type Line = Record<string, unknown>;

/**
 * A fake Upbit whose 5m candles swing like a sine wave (+-2 %) from six days back to a day ahead.
 * Not the SyntheticMarket: its regime at "now" depends on the date (a trending day gave SELL votes
 * only, so no order for a minute), and these tests need orders both ways every few candles.
 */
export async function startSyntheticFake(): Promise<FakeUpbit> {
  registerSecret(TEST_KEYS.secretKey);
  const now = Date.now();
  return FakeUpbit.start({
    keys: { [TEST_KEYS.accessKey]: TEST_KEYS.secretKey },
    candles: swingCandles(MARKETS, now - 6 * TIMEFRAME_MS['1d'], now + TIMEFRAME_MS['1d']),
    book: { balances: { KRW: 1_000_000_000 } },
  });
}

export async function writeLiveBot(dir: string, name: string, baseUrl: string): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(
    file,
    `apiVersion: kubetrade.io/v1alpha1
kind: TradingBot
metadata: { name: ${name} }
spec:
  mode: live
  exchange: { name: upbit, baseUrl: ${baseUrl}, websocketUrl: ${baseUrl.replace(/^http/, 'ws')}/websocket/v1 }
  marketData: { source: exchange }
  markets: [${MARKETS.join(', ')}]
  cycleSeconds: 30
  credentialsSecretRef: { name: upbit-keys }
  capital:
    totalKRW: 10000000
    split: [{ name: tech, weight: 100, layers: [technical] }]
  engine:
    technical:
      rsi: { period: 14, oversold: 49, overbought: 51 }
      bollinger: { period: 20, stdDev: 2, edge: 0.45 }
`,
  );
  return file;
}

export interface Runtime {
  child: ChildProcess;
  lines: Line[];
  output: () => string;
  waitFor: (pred: (l: Line) => boolean, timeoutMs?: number) => Promise<Line>;
  exited: Promise<{ code: number | null; signal: string | null }>;
  /** SIGTERM, then the exit — bounded, so a shutdown that hangs fails here with the output, not as a test timeout. */
  stop: (timeoutMs?: number) => Promise<{ code: number | null; signal: string | null }>;
}

export function startRuntime(file: string, env: Record<string, string>, extra: string[] = []): Runtime {
  const child = spawn(
    process.execPath,
    [
      `${REPO}bot-runtime/src/cli/main.ts`,
      'run',
      '-f',
      file,
      '--speed',
      String(SPEED),
      '--listen',
      '127.0.0.1:0',
      ...extra,
    ],
    {
      cwd: REPO,
      env: {
        ...process.env,
        UPBIT_ACCESS_KEY: TEST_KEYS.accessKey,
        UPBIT_SECRET_KEY: TEST_KEYS.secretKey,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: Line[] = [];
  let all = '';
  let buffered = '';
  child.stderr!.on('data', (d: Buffer) => {
    all += d.toString();
  });
  child.stdout!.on('data', (d: Buffer) => {
    const text = d.toString();
    all += text;
    buffered += text;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const p of parts) if (p.trim() !== '') lines.push(JSON.parse(p) as Line);
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const waitFor = async (pred: (l: Line) => boolean, timeoutMs = 45_000): Promise<Line> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const hit = lines.find(pred);
      if (hit) return hit;
      if (Date.now() > until || child.exitCode !== null)
        throw new Error(`timed out waiting for a log line; output:\n${all.slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async (timeoutMs = 20_000): Promise<{ code: number | null; signal: string | null }> => {
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no exit within ${timeoutMs} ms of SIGTERM; output:\n${all.slice(-4000)}`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([exited, late]);
    } finally {
      clearTimeout(timer);
    }
  };
  return { child, lines, output: () => all, waitFor, exited, stop };
}

export async function until<T>(
  f: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  const started = Date.now();
  for (;;) {
    // Each probe is bounded too: a query that hangs fails here, naming what was awaited.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`timed out: ${what} (a probe hung)`)),
        Math.max(1, end - Date.now()),
      );
    });
    const v = await Promise.race([f(), late]).finally(() => clearTimeout(timer));
    if (v !== undefined && v !== false) {
      process.stdout.write(`[live test] ${what}: ${Date.now() - started} ms\n`);
      return v;
    }
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function readyz(url: string): Promise<{ status: number; reasons: string[] }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    const body = (await res.json()) as { reasons?: string[] };
    return { status: res.status, reasons: body.reasons ?? [] };
  } catch {
    return { status: 0, reasons: [] };
  }
}

/**
 * Applies `fault` again and again until /readyz names `dependency` as down, keeps it up for
 * `holdMs` more, and returns the reasons and when the outage was first seen.
 */
export async function whileDown(
  url: string,
  dependency: string,
  fault: () => Promise<void>,
  holdMs: number,
): Promise<{ reasons: string[]; downSeenAt: Date }> {
  let down: { reasons: string[]; downSeenAt: Date } | undefined;
  const end = Date.now() + 20_000;
  let holdUntil = Number.POSITIVE_INFINITY;
  while (Date.now() < Math.min(end, holdUntil)) {
    await fault();
    const r = await readyz(url);
    if (!down && r.status === 503 && r.reasons.some((x) => x.startsWith(`${dependency}:`))) {
      down = { reasons: r.reasons, downSeenAt: new Date() };
      holdUntil = Date.now() + holdMs;
    }
    await new Promise((res) => setTimeout(res, 50));
  }
  if (!down) throw new Error(`/readyz never reported ${dependency} down`);
  return down;
}

/** Orders the store holds that were created after `t`. */
export async function ordersSince(db: { query: PgQuery }, t: Date): Promise<number> {
  const r = await db.query('SELECT count(*)::text AS n FROM orders WHERE created_at > $1', [t.toISOString()]);
  return Number((r.rows[0] as { n: string }).n);
}
type PgQuery = (sql: string, params?: readonly string[]) => Promise<{ rows: unknown[] }>;

/** /readyz is 200 again and the runtime has stored a new order since `after`: trading resumed by itself. */
export async function tradesAgain(
  rt: Runtime,
  db: { query: PgQuery },
  url: string,
  after: Date,
): Promise<void> {
  await until(
    async () => ((await readyz(url)).status === 200 ? true : undefined),
    30_000,
    '/readyz 200 again',
  );
  await until(
    async () => ((await ordersSince(db, after)) > 0 ? true : undefined),
    40_000,
    'a new order after recovery',
  );
  if (rt.child.exitCode !== null) throw new Error('the runtime exited');
}

/** What every live test file stands on: the fake exchange, a migrated schema of its own, a bot file. */
export interface LiveWorld {
  fake: FakeUpbit;
  schema: TestSchema;
  db: PgDb;
  /** metadata.name of the bot in `file` (the runtime names its connections after it). */
  bot: string;
  file: string;
}

/**
 * Registers beforeAll/afterAll hooks that build (and tear down) the file's LiveWorld; the schema is
 * migrated before any runtime starts, so the test's first query is valid even before one has.
 */
export function useLiveWorld(name: string, opts: { maxConnections?: number } = {}): () => LiveWorld {
  let world: LiveWorld | undefined;
  let dir = '';
  beforeAll(async () => {
    const fake = await startSyntheticFake();
    const schema = await createTestSchema(inject('databaseUrl'), `kt_live_${name}`);
    const db = schema.connect({ maxConnections: opts.maxConnections ?? 2 });
    await migrate(db);
    dir = await mkdtemp(join(tmpdir(), `kt-live-${name}-`));
    const bot = `${name}-bot`;
    world = { fake, schema, db, bot, file: await writeLiveBot(dir, bot, fake.url) };
  }, 60_000);
  afterAll(async () => {
    await world?.db.close();
    await world?.schema.drop();
    await world?.fake.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return () => {
    if (!world) throw new Error('useLiveWorld: the world is built in beforeAll');
    return world;
  };
}

/** The env a runtime of this world needs: the real PostgreSQL (its schema) and Redis (a fresh key prefix). */
export function liveEnv(world: LiveWorld, prefix: string): Record<string, string> {
  return {
    DATABASE_URL: inject('databaseUrl'),
    KUBETRADE_DB_SCHEMA: world.schema.schema,
    REDIS_URL: inject('redisUrl'),
    KUBETRADE_REDIS_PREFIX: `${prefix}-${process.pid}-${Date.now()}`,
  };
}

type Query = (sql: string) => Promise<{ rows: Record<string, unknown>[] }>;

/** Everything the runtime logged as decided or done is in the store after the outages. */
export async function expectNothingLost(db: { query: Query }, lines: Line[]): Promise<void> {
  // Orders: every order event the loop saw (except placements refused before any intent existed).
  const stored = new Map(
    (await db.query('SELECT client_order_id, state FROM orders')).rows.map((r) => [
      r.client_order_id as string,
      r.state as string,
    ]),
  );
  // An order whose intent could not be stored (state 'intent', STORE_UNAVAILABLE) was never sent.
  const orderLines = lines.filter(
    (l) => l.msg === 'order' && l.state !== 'cancelled' && l.state !== 'intent',
  );
  expect(orderLines.length).toBeGreaterThan(0);
  for (const l of orderLines) expect(stored.has(String(l.clientOrderId))).toBe(true);

  // Fills: the loop books a fill only after the store holds it, so each logged fill is a trade_logs row.
  const fills = lines.filter((l) => l.msg === 'fill');
  expect(fills.length).toBeGreaterThan(0);
  const logged = new Map<string, number>();
  for (const f of fills)
    logged.set(String(f.clientOrderId), (logged.get(String(f.clientOrderId)) ?? 0) + Number(f.volume));
  const trades = await db.query(
    'SELECT client_order_id, sum(volume)::text AS volume FROM trade_logs GROUP BY client_order_id',
  );
  const inStore = new Map(trades.rows.map((r) => [r.client_order_id as string, Number(r.volume)]));
  for (const [id, volume] of logged)
    expect(
      inStore.get(id),
      `fill of ${id} (order ${stored.get(id)}): ${JSON.stringify(fills.filter((f) => f.clientOrderId === id))} vs trade_logs ${JSON.stringify([...inStore])}`,
    ).toBeCloseTo(volume, 8);

  // Equity: each arm's newest snapshot is its final equity (snapshots queued during the PostgreSQL
  // outage were written when it came back), and today's KST day has a daily return row.
  const stopped = lines.find((l) => l.msg === 'stopped') as { arms: { arm: string; equity: number }[] };
  for (const { arm, equity } of stopped.arms) {
    const r = await db.query(
      `SELECT equity_krw::text AS e FROM equity_snapshots WHERE arm = '${arm}' ORDER BY taken_at DESC LIMIT 1`,
    );
    expect(Number(r.rows[0]?.e)).toBeCloseTo(equity, 4);
  }
  const days = await db.query('SELECT count(*)::text AS n FROM daily_returns');
  expect(Number(days.rows[0]!.n)).toBeGreaterThan(0);
  const outage = lines.filter((l) => l.msg === 'equity not written yet');
  const recovered = lines.filter((l) => l.msg === 'equity written again');
  expect(recovered.length).toBe(outage.length);
}
