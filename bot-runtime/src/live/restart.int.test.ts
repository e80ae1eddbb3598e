// A live runtime (real process: fake Upbit, the real PostgreSQL and Redis) trades a while and is
// SIGKILLed; the same bot started again must resume its arm's FULL money state from the store
// (issue 6: "a restart resumes from PostgreSQL without duplicating orders"): its first reported
// cash, positions, trades and equity are the store's (within 1 KRW), its rebuilt books marked at
// the newest snapshot's closes give that snapshot's equity, and no order is placed twice — the
// restarted process (whose sped-up clock starts behind the killed one's) decides nothing the store
// already holds decisions for, and trades again once its clock has passed them.
import { describe, expect, it } from 'vitest';
import { TIMEFRAME_MS } from '../market/timeframes.ts';
import {
  type Line,
  liveEnv,
  type Runtime,
  SPEED,
  startRuntime,
  until,
  useLiveWorld,
} from './live.fixture.ts';
import { swingCandles } from './swing-market.fixture.ts';

const STEP = TIMEFRAME_MS['5m'];
/** The books may differ by the rounding to the won of one fill (market-rules.ts roundCash). */
const KRW = 1;

const world = useLiveWorld('restart', { maxConnections: 1 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Rows = { rows: Record<string, unknown>[] };
const q = (sql: string): Promise<Rows> => world().db.query(sql) as Promise<Rows>;

/** What the store holds about the bot's one arm ('tech'): newest snapshot, trades, net positions. */
async function storeBooks(): Promise<{
  time: number;
  equity: number;
  cash: number;
  trades: number;
  fills: number;
  volume: Map<string, number>;
}> {
  const snap = (
    await q(
      "SELECT taken_at, equity_krw::text AS e, cash_krw::text AS c FROM equity_snapshots WHERE arm = 'tech' ORDER BY taken_at DESC LIMIT 1",
    )
  ).rows[0];
  // Every sell sells the whole position (portfolio/orders.ts), so each sell order closes one round trip.
  const trades = await q(
    "SELECT count(DISTINCT client_order_id)::text AS n FROM trade_logs WHERE arm = 'tech' AND side = 'sell'",
  );
  const fills = await q('SELECT count(*)::text AS n FROM trade_logs');
  const volume = await q(
    "SELECT market, sum(CASE WHEN side = 'buy' THEN volume ELSE -volume END)::text AS v FROM trade_logs WHERE arm = 'tech' GROUP BY market",
  );
  return {
    time: snap ? (snap.taken_at as Date).getTime() : Number.NaN,
    equity: Number(snap?.e),
    cash: Number(snap?.c),
    trades: Number(trades.rows[0]!.n),
    fills: Number(fills.rows[0]!.n),
    volume: new Map(volume.rows.map((r) => [r.market as string, Number(r.v)])),
  };
}

const openOrders = async (): Promise<number> =>
  Number(
    (
      await q(
        "SELECT count(*)::text AS n FROM orders WHERE state IN ('intent', 'submitted', 'partially_filled')",
      )
    ).rows[0]!.n,
  );

interface CycleLine {
  at: string;
  newCandles: number;
  equity: { arm: string; equity: number }[];
  positions: { arm: string; invested: number }[];
}
const cycles = (rt: Runtime): CycleLine[] => rt.lines.filter((l) => l.msg === 'cycle') as never;

/**
 * Stops the runtime at a quiet point: its last cycle's equity is the store's newest snapshot, every
 * fill it booked is stored and no order is open. (A kill mid-order is reconciliation's case,
 * covered by the lease and fault tests; here the store's figures before the kill must be final.)
 */
async function stopQuietly(rt: Runtime): Promise<void> {
  for (let attempt = 0; attempt < 40; attempt++) {
    rt.child.kill('SIGSTOP');
    await sleep(300);
    const last = cycles(rt).at(-1);
    const store = await storeBooks();
    const logged = rt.lines.filter((l) => l.msg === 'fill').length;
    const equity = last?.equity.find((e) => e.arm === 'tech')?.equity;
    if (
      equity !== undefined &&
      Math.abs(equity - store.equity) <= KRW &&
      store.fills === logged &&
      (await openOrders()) === 0
    )
      return;
    rt.child.kill('SIGCONT');
    await sleep(100 + Math.random() * 400);
  }
  throw new Error('the runtime never paused at a quiet point');
}

describe('a live runtime SIGKILLed and started again', () => {
  it('reports the store’s books from its first cycle and duplicates no order', {
    timeout: 120_000,
  }, async () => {
    const { file, fake } = world();
    const env = liveEnv(world(), 'kt-restart');
    // Twice the fixture's speed (a 5m candle every 1.25 s): the round trip and the open position
    // this test waits for take half the wall time.
    const args = ['--lease-seconds', '3', '--speed', String(2 * SPEED)];
    const first = startRuntime(file, env, args);
    let second: Runtime | undefined;
    try {
      // 1. Trade until a round trip is closed and a position is open again.
      await until(
        async () => {
          const b = await storeBooks();
          return b.trades >= 1 && [...b.volume.values()].some((v) => v > 0) ? true : undefined;
        },
        60_000,
        'a closed round trip and an open position',
      ).catch((e: Error) => {
        throw new Error(`${e.message}\n${first.output().slice(-3000)}`);
      });
      await stopQuietly(first);
      first.child.kill('SIGKILL');
      await first.exited;
      const before = await storeBooks();
      const ordersBefore = fake.book.orders.length;

      // 2. The same bot again.
      // Its clock starts at "now", behind the killed one's by the time that one ran x its speed, and
      // it decides nothing until it has passed the store's decisions: twice the killed one's speed
      // catches up in half that time (the last --speed wins).
      second = startRuntime(file, env, [...args, '--speed', String(4 * SPEED)]);
      const restored = (await second.waitFor((l) => l.msg === 'arms restored', 30_000)) as Line & {
        decidedUntil: string;
        arms: {
          arm: string;
          cash: number;
          trades: number;
          positions: { market: string; volume: number }[];
          halted: boolean;
          stored: { equityKRW: number; cashKRW: number };
          equityAtStoredSnapshot: number;
        }[];
      };
      const arm = restored.arms.find((a) => a.arm === 'tech')!;
      expect(arm.stored.equityKRW).toBe(before.equity);
      expect(Math.abs(arm.cash - before.cash)).toBeLessThanOrEqual(KRW);
      expect(Math.abs(arm.equityAtStoredSnapshot - before.equity)).toBeLessThanOrEqual(KRW);
      expect(arm.trades).toBe(before.trades);
      for (const [market, volume] of before.volume)
        expect(arm.positions.find((p) => p.market === market)?.volume ?? 0).toBeCloseTo(volume, 10);
      expect(Date.parse(restored.decidedUntil)).toBeGreaterThanOrEqual(before.time);
      expect(second.lines.some((l) => String(l.msg).startsWith('restored books differ'))).toBe(false);

      // 3. Its first reported cycle: the store's cash, and its positions marked at that cycle's closes.
      const firstCycle = await until(
        () => cycles(second!).find((c) => c.newCandles > 0),
        30_000,
        'the first cycle of the restarted runtime',
      );
      const equity = firstCycle.equity.find((e) => e.arm === 'tech')!.equity;
      const invested = firstCycle.positions.find((p) => p.arm === 'tech')!.invested;
      expect(Math.abs(equity - invested - before.cash)).toBeLessThanOrEqual(KRW);
      // The newest closed candle at the cycle's time (exchange-candles.ts: closed candles only).
      const markedAt = Math.floor(Date.parse(firstCycle.at) / STEP) * STEP - STEP;
      let expected = before.cash;
      for (const [market, volume] of before.volume)
        expected += volume * swingCandles([market], markedAt, markedAt + STEP)[0]!.close;
      expect(Math.abs(equity - expected)).toBeLessThanOrEqual(KRW);
      const metrics = await (
        await fetch(String(second.lines.find((l) => l.msg === 'started')!.metrics))
      ).text();
      expect(Number(/^kubetrade_arm_trades\{[^}]*arm="tech"[^}]*\} (\d+)/m.exec(metrics)?.[1])).toBe(
        before.trades,
      );

      // 4. Trading resumes once its clock passes the store's decisions; no order is placed twice.
      await until(
        () => (fake.book.orders.length > ordersBefore ? true : undefined),
        60_000,
        'an order by the restarted runtime',
      ).catch((e: Error) => {
        throw new Error(`${e.message}\n${second!.output().slice(-3000)}`);
      });
      const ids = fake.book.orders.map((o) => o.identifier ?? '');
      expect(new Set(ids).size).toBe(ids.length);
      const decisions = await q(
        'SELECT arm, market, side, decision_time, count(*)::int AS n FROM orders GROUP BY 1, 2, 3, 4 HAVING count(*) > 1',
      );
      expect(decisions.rows).toEqual([]);
      // Every order of the restarted runtime's token is for a time after the store's decisions.
      const token = Number(second.lines.find((l) => l.msg === 'lease acquired')!.token);
      const early = await q(
        `SELECT count(*)::int AS n FROM orders WHERE fencing_token = ${token} AND decision_time <= '${restored.decidedUntil}'`,
      );
      expect(early.rows[0]!.n).toBe(0);
      expect((await second.stop()).code).toBe(0);
    } finally {
      for (const rt of [first, second])
        if (rt && rt.child.exitCode === null && rt.child.signalCode === null) rt.child.kill('SIGKILL');
    }
  });
});
