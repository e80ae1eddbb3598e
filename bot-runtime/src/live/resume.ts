// A restarted runtime (or a standby taking the lease over) resumes its arms' FULL money state from
// the store before its first decision (issue 6, "a restart resumes from PostgreSQL"): cash,
// positions, realised P&L and round trips from every stored fill, and today's KST start equity,
// daily-loss halt and past breaches by replaying the stored equity snapshots through the loop's own
// rule (both in portfolio/restore.ts); the equity curve goes into the core's recorder, so
// status.performance (drawdown, Sharpe, daily returns), /metrics and the next ledger rows continue
// the figures the store holds instead of starting again from the initial capital. A full rebuild,
// not an increment: running it again after more fills were stored gives the same books, so every
// catch-up cycle of a new lease token may run it.
import type { ResolvedSpec } from '@kubetrade/crds';
import type { TradingCore } from '../loop/trading-core.ts';
import { TIMEFRAME_MS } from '../market/timeframes.ts';
import type { Arm } from '../portfolio/arm.ts';
import { type EquityPoint, type LoggedFill, restoreArms } from '../portfolio/restore.ts';
import { kstDay } from '../portfolio/risk.ts';
import type { EquitySnapshot } from '../store/performance-repo.ts';
import type { TradeStore } from '../store/trade-store.ts';
import type { EquityLedger } from './equity-ledger.ts';
import { type InheritedFills, toLoggedFill } from './positions.ts';
import type { Log } from './session.ts';

/** What the store holds about one bot's books. */
export interface StoredBooks {
  fills: LoggedFill[];
  /** trade_logs id of the newest fill read (the incremental catch-up continues after it). */
  lastFillId: number;
  snapshots: EquitySnapshot[];
  /** Per arm, the ledger's start equity of the newest snapshot's KST day (the day rows continue from it). */
  ledgerDayStart: Map<string, number>;
  /** Newest decision time the store has (an order's or an equity snapshot's): never decided again. */
  decidedUntil: number | undefined;
  /** Per market, the close the loop marked the newest snapshot at (from the stored candles). */
  closesAtLastSnapshot: Map<string, number>;
}

/** Rounding to the won per fill (market-rules.ts roundCash) is the only difference a rebuild may show. */
const MAX_RESTORE_DIFF_KRW = 1;

/** How far back the close of the newest snapshot is looked for (one day of 5m candles). */
const CLOSE_LOOKBACK_MS = TIMEFRAME_MS['1d'];

export async function readStoredBooks(
  store: TradeStore,
  bot: string,
  markets: readonly string[],
  time: number,
): Promise<StoredBooks> {
  const logs = await store.fills.tradeLogs({ bot });
  const snapshots = await store.performance.equityHistory(bot);
  const last = snapshots.at(-1)?.time;
  const ledgerDayStart = await store.performance.dayStartEquity(bot, last ?? time);
  const lastOrder = await store.orders.latestDecisionTime(bot);
  const closesAtLastSnapshot = new Map<string, number>();
  if (last !== undefined)
    for (const market of markets) {
      const candles = await store.market.candles(market, '5m', last - CLOSE_LOOKBACK_MS, last);
      const c = candles.findLast((x) => x.openTime + TIMEFRAME_MS['5m'] <= last);
      if (c) closesAtLastSnapshot.set(market, c.close);
    }
  return {
    fills: logs.map(toLoggedFill),
    lastFillId: logs.reduce((m, t) => Math.max(m, t.id), 0),
    snapshots,
    ledgerDayStart,
    decidedUntil: maxDefined(lastOrder, last),
    closesAtLastSnapshot,
  };
}

/**
 * A new lease token's books (start-up, takeover): everything the store holds, rebuilt into the
 * core, the incremental catch-up and the ledger before the token's first decision. Returns the
 * newest decision time the store holds (the loop decides only after it).
 */
export async function resumeFromStore(d: {
  store: TradeStore;
  bot: string;
  spec: Pick<ResolvedSpec, 'markets' | 'risk'>;
  core: TradingCore;
  inherited: Pick<InheritedFills, 'rebuiltUpTo'>;
  ledger: Pick<EquityLedger, 'resume'>;
  time: number;
  log: Log;
}): Promise<number | undefined> {
  const { core, time, log } = d;
  const books = await readStoredBooks(d.store, d.bot, d.spec.markets, time);
  const r = resumeCore(core, books, { time, dailyLossLimitPct: d.spec.risk.dailyLossLimitPct });
  d.inherited.rebuiltUpTo(books.lastFillId);
  const lastSnapshot = books.snapshots.at(-1)?.time;
  d.ledger.resume(
    core,
    kstDay(lastSnapshot ?? time),
    core.arms.map((a) => books.ledgerDayStart.get(a.spec.name) ?? a.initialCash),
  );
  log('arms restored', {
    fills: books.fills.length,
    skippedFills: r.skippedFills,
    snapshots: r.snapshotsSeeded,
    ...(books.decidedUntil !== undefined ? { decidedUntil: new Date(books.decidedUntil).toISOString() } : {}),
    arms: r.arms,
  });
  // Marked at the newest snapshot's closes, the rebuilt books must give that snapshot's equity; a
  // difference means the trade log misses fills (or has extra ones): a person should look.
  const off = r.arms.filter(
    (a) =>
      a.stored !== undefined &&
      a.equityAtStoredSnapshot !== undefined &&
      Math.abs(a.equityAtStoredSnapshot - a.stored.equityKRW) > MAX_RESTORE_DIFF_KRW,
  );
  if (off.length > 0)
    log(
      "restored books differ from the store's newest equity snapshot",
      { arms: off.map((a) => ({ arm: a.arm, rebuilt: a.equityAtStoredSnapshot, stored: a.stored })) },
      'warn',
    );
  return books.decidedUntil;
}

/** One arm after the rebuild, as logged ('arms restored') and checked against the store. */
export interface RestoredArm {
  arm: string;
  cash: number;
  positions: { market: string; volume: number; avgEntryPrice: number }[];
  realisedPnl: number;
  trades: number;
  dayStartEquity: number;
  halted: boolean;
  /** The store's newest snapshot of the arm, and the rebuilt books marked at that snapshot's closes. */
  stored?: { time: number; equityKRW: number; cashKRW: number };
  equityAtStoredSnapshot?: number;
}

/**
 * Rebuilds the core's arms from `books` (in place: the core, the status reporter and the ledger
 * keep reading core.arms) and appends the stored equity curve the core's recorder does not have
 * yet. Orders still with the broker stay pending; refusal counters carry over.
 */
export function resumeCore(
  core: TradingCore,
  books: StoredBooks,
  o: { time: number; dailyLossLimitPct: number },
): { arms: RestoredArm[]; skippedFills: number; snapshotsSeeded: number } {
  const { arms, skipped } = restoreArms({
    arms: core.arms.map((a) => a.spec),
    markets: core.markets,
    initialCash: core.arms.map((a) => a.initialCash),
    fills: books.fills,
    time: o.time,
    equity: equityCurves(books.snapshots),
    dailyLossLimitPct: o.dailyLossLimitPct,
  });
  arms.forEach((next, a) => {
    const previous = core.arms[a]!;
    next.pending.set(previous.pending);
    Object.assign(next.refused, previous.refused);
  });
  core.arms.splice(0, arms.length, ...arms);
  const snapshotsSeeded = seedRecorder(core, books.snapshots);
  const closes = new Float64Array(core.markets.map((m) => books.closesAtLastSnapshot.get(m) ?? Number.NaN));
  return {
    arms: arms.map((arm) => describeArm(arm, books.snapshots, closes)),
    skippedFills: skipped,
    snapshotsSeeded,
  };
}

/** Appends the stored snapshot rows newer than the recorder's last row (all arms of a time, or none). */
function seedRecorder(core: TradingCore, snapshots: readonly EquitySnapshot[]): number {
  const rec = core.recorder;
  const after = rec.length > 0 ? rec.times()[rec.length - 1]! : Number.NEGATIVE_INFINITY;
  const armIndex = new Map(core.arms.map((a, i) => [a.spec.name, i]));
  let seeded = 0;
  for (let i = 0; i < snapshots.length; ) {
    const time = snapshots[i]!.time;
    const row: (EquitySnapshot | undefined)[] = core.arms.map(() => undefined);
    for (; i < snapshots.length && snapshots[i]!.time === time; i++) {
      const a = armIndex.get(snapshots[i]!.arm);
      if (a !== undefined) row[a] = snapshots[i];
    }
    // A time with an arm missing (trimmed during an outage, or another revision's arms) is skipped:
    // the recorder's rows hold every arm.
    if (time <= after || row.some((s) => s === undefined)) continue;
    const r = rec.begin(time);
    row.forEach((s, a) => {
      const invested = s!.equityKRW - s!.cashKRW;
      rec.set(r, a, s!.equityKRW, s!.equityKRW > 0 ? (invested / s!.equityKRW) * 100 : 0);
    });
    seeded++;
  }
  return seeded;
}

function describeArm(arm: Arm, snapshots: readonly EquitySnapshot[], closes: Float64Array): RestoredArm {
  const stored = snapshots.findLast((s) => s.arm === arm.spec.name);
  const marked = stored ? arm.equity(closes) : Number.NaN;
  return {
    arm: arm.spec.name,
    cash: arm.cash,
    positions: arm.markets.flatMap((market, m) =>
      arm.volume[m]! > 0
        ? [{ market, volume: arm.volume[m]!, avgEntryPrice: arm.cost[m]! / arm.volume[m]! }]
        : [],
    ),
    realisedPnl: arm.realisedPnl,
    trades: arm.roundTrips.length,
    dayStartEquity: arm.dailyLoss.dayStartEquity,
    halted: arm.dailyLoss.halted,
    ...(stored
      ? { stored: { time: stored.time, equityKRW: stored.equityKRW, cashKRW: stored.cashKRW } }
      : {}),
    ...(Number.isFinite(marked) ? { equityAtStoredSnapshot: marked } : {}),
  };
}

function equityCurves(snapshots: readonly EquitySnapshot[]): Map<string, EquityPoint[]> {
  const out = new Map<string, EquityPoint[]>();
  for (const s of snapshots) {
    const curve = out.get(s.arm) ?? [];
    if (curve.length === 0) out.set(s.arm, curve);
    curve.push({ time: s.time, equity: s.equityKRW });
  }
  return out;
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}
