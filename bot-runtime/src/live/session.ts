// The composition root of `kubetrade run` in `mode: live` (safety/README.md "How the runtime uses
// it"): store (PG or PGlite), Redis lease with fencing, dependency gate with probes, the Upbit
// broker, start-up reconciliation BEFORE any decision is traded, then the shared loop. SIGTERM
// (the caller's abort) stops cycling and releases the lease so a standby takes over at once.
import type { ResolvedSpec } from '@kubetrade/crds';
import { UpbitClient } from '../exchange/upbit/client.ts';
import { DEFAULT_TIMEOUT_MS, type ExchangeObserver } from '../exchange/upbit/transport.ts';
import { liveUpbitBroker } from '../execution/upbit-broker.ts';
import { registerLeaseMetrics } from '../lease/lease-metrics.ts';
import { connectRedis } from '../lease/redis-client.ts';
import { TraderLease } from '../lease/trader-lease.ts';
import type { BatchModels } from '../loop/backtest.ts';
import type { Clock } from '../loop/clock.ts';
import type { CycleInfo } from '../loop/paper-run.ts';
import type { LoopEvent, TradingCore } from '../loop/trading-core.ts';
import { type RuntimeMetrics, startMetricsServer } from '../report/metrics-server.ts';
import { DependencyGate } from '../safety/dependency-gate.ts';
import { wireDependencies } from '../safety/probes.ts';
import { reconcileOpenOrders } from '../safety/reconcile.ts';
import type { TradeStore } from '../store/trade-store.ts';
import { EquityLedger } from './equity-ledger.ts';
import { ExchangeCandles } from './exchange-candles.ts';
import { GuardedBroker, type Refusal } from './guarded-broker.ts';
import { LiveRunner } from './live-runner.ts';
import { InheritedFills } from './positions.ts';
import { resumeFromStore } from './resume.ts';

export type Log = (msg: string, fields?: Record<string, unknown>, level?: 'info' | 'warn' | 'error') => void;

export interface LiveSessionOptions {
  spec: ResolvedSpec;
  /** The bot's identity in the store and the lease (namespace/name in cluster). */
  bot: string;
  revision: string;
  env: NodeJS.ProcessEnv;
  openStore: () => Promise<TradeStore>;
  clock: Clock;
  models: BatchModels;
  metrics: RuntimeMetrics;
  /** Sees every exchange request's outcome (kubetrade_exchange_requests_total, Remaining-Req). */
  observeExchange?: ExchangeObserver;
  host: string;
  port: number;
  /** Lease time; a crashed holder blocks the bot this long (trader-lease.ts: 15 s default). */
  leaseMs: number;
  /** Dependency probe period and timeout. */
  probeEveryMs: number;
  probeTimeoutMs: number;
  /** Missing this many cycles makes /healthz fail. */
  staleAfterMs: number;
  maxCycles?: number;
  signal: AbortSignal;
  log: Log;
  onEvent: (e: LoopEvent) => void;
  onCycle: (info: CycleInfo, core: TradingCore) => void;
}

/**
 * An intent the exchange has not seen is abandoned only after every attempt the client could
 * still make has timed out (the client's timeout per attempt, twice for the one 429 retry a POST gets).
 */
const ABANDON_AFTER_MS = 2 * DEFAULT_TIMEOUT_MS;

export async function runLiveSession(o: LiveSessionOptions): Promise<{ reason: string; runner: LiveRunner }> {
  const { spec, bot, log, env } = o;
  const instance = `${process.pid}`;
  const gate = new DependencyGate({
    registry: o.metrics.registry,
    log: (r) =>
      log(
        r.msg,
        {
          dependency: r.dependency,
          ...(r.error ? { error: r.error } : {}),
          ...(r.downForMs !== undefined ? { downForMs: r.downForMs } : {}),
        },
        r.level,
      ),
  });
  const store = await o.openStore();
  const redis = connectRedis(env.REDIS_URL!, {
    connectionName: `kubetrade-${bot.replace(/[^\w.-]/g, '_')}-${instance}`,
  });
  const lease = new TraderLease(redis, {
    bot,
    ttlMs: o.leaseMs,
    // Every new token is above the store's fence, even after Redis lost its counter.
    tokenFloor: () => store.orders.fenceToken(bot),
    ...(env.KUBETRADE_REDIS_PREFIX ? { keyPrefix: env.KUBETRADE_REDIS_PREFIX } : {}),
  });
  const inner = liveUpbitBroker(
    {
      baseUrl: spec.exchange.baseUrl,
      minOrderKRW: spec.risk.minOrderKRW,
      log: (line) => log('exchange', { line }, 'warn'),
      ...(o.observeExchange ? { observe: o.observeExchange } : {}),
    },
    env,
  );
  // Market data needs no keys: a client of its own keeps the credentials in the broker only.
  const market = new UpbitClient({
    baseUrl: spec.exchange.baseUrl,
    log: (line) => log('exchange', { line }, 'warn'),
    ...(o.observeExchange ? { observe: o.observeExchange } : {}),
  });
  const unwire = wireDependencies(gate, {
    store,
    redis,
    lease,
    exchangeCheck: () => market.tickers([spec.markets[0]!]),
    probeTimeoutMs: o.probeTimeoutMs,
  });
  const refusals = (r: Refusal): void => log('order refused', { ...r }, 'warn');
  const broker = new GuardedBroker(inner, { store, lease, gate }, refusals);
  let reconciledToken = 0;
  /** A settle failed half way: fills the core booked may be missing from the store until reconciled. */
  let storeBehind = false;
  const inherited = new InheritedFills(bot, broker.own);
  const unregisterLeaseMetrics = registerLeaseMetrics(o.metrics.registry, lease);
  const offLease = lease.on((e) =>
    log(`lease ${e.type}`, { token: e.token, ...('reason' in e ? { reason: e.reason } : {}) }),
  );

  /** Settles every open order of this bot from the exchange (start-up, takeover, unknown outcomes). */
  const reconcile = async (): Promise<boolean> => {
    const report = await reconcileOpenOrders(store, inner, { bot, abandonAfterMs: ABANDON_AFTER_MS });
    for (const id of [...broker.uncertain]) {
      const row = await store.orders.order(id);
      if (!row) broker.neverStored(id);
      else if (row.state !== 'intent') broker.resolved(row.intent, row.state);
    }
    if (report.checked > 0 || report.errors.length > 0) log('reconciled', { ...report });
    // Incomplete (exchange down, an intent too young to judge): no trading yet; the next cycle tries again.
    return report.errors.length === 0 && report.pending.length === 0;
  };

  let lastCycleWall: number | undefined;
  const http = await startMetricsServer({
    registry: o.metrics.registry,
    health: {
      readiness: () => gate.readiness(),
      lastCycleWallMs: () => lastCycleWall,
    },
    staleAfterMs: o.staleAfterMs,
    host: o.host,
    port: o.port,
  });
  // The first acquire waits (bounded by one lease time) for the connection: without an offline
  // queue, an attempt before 'ready' fails and costs a whole renew period of standby.
  await redisReady(redis, o.leaseMs);
  await lease.start();
  await gate.start(o.probeEveryMs);
  log('started', {
    mode: 'live',
    revision: o.revision,
    exchange: spec.exchange.baseUrl,
    markets: spec.markets,
    arms: spec.capital.split.map((a) => a.name),
    cycleSeconds: spec.cycleSeconds,
    instance,
    lease: lease.isHeld() ? 'held' : 'standby',
    metrics: `${http.url}/metrics`,
    healthz: `${http.url}/healthz`,
    readyz: `${http.url}/readyz`,
  });

  // Equity snapshots and KST daily returns in the store, written by the holder after each cycle.
  const ledger = new EquityLedger({ bot, revision: o.revision, spec });
  let ledgerInFlight: Promise<void> | undefined;
  let ledgerError = '';
  const flushLedger = (): Promise<void> =>
    ledger.flush(store.performance).then(
      () => {
        if (ledgerError !== '') log('equity written again', { after: ledgerError });
        ledgerError = '';
      },
      (e: Error) => {
        // Queued, not lost: the next flush retries. One line per outage (STYLE.md: log once).
        if (ledgerError === '')
          log('equity not written yet', { error: e.message, queued: ledger.pending }, 'warn');
        ledgerError = e.message;
      },
    );
  /** Newest decision time the store held at the last rebuild: a restart never decides it again. */
  let decidedUntil: number | undefined;
  let resumedOnce = false;
  let historyLogged = false;
  let lastDegraded = '';
  // The warm-up reads what `kubetrade collect` stored and fetches only the rest.
  const candles = new ExchangeCandles(market, store.market);
  const runner = new LiveRunner({
    spec,
    markets: spec.markets,
    candles,
    clock: o.clock,
    broker,
    models: o.models,
    bot,
    revision: o.revision,
    signal: o.signal,
    // Trades only as the lease holder whose token has reconciled the store (start-up, takeover).
    trade: (time) =>
      !spec.paused &&
      lease.isHeld() &&
      reconciledToken === safeToken(lease) &&
      (decidedUntil === undefined || time > decidedUntil),
    ...(o.maxCycles !== undefined ? { maxCycles: o.maxCycles } : {}),
    beforeCycle: async () => {
      const resume = async (): Promise<void> => {
        decidedUntil = await resumeFromStore({
          store,
          bot,
          spec,
          core: runner.core,
          inherited,
          ledger,
          time: o.clock.now(),
          log,
        });
        resumedOnce = true;
      };
      if (!lease.isHeld()) {
        // A standby reports the store's books too (metrics, status), not the initial capital; it
        // rebuilds them again when it takes the lease over.
        if (!resumedOnce) await resume();
        return;
      }
      const token = safeToken(lease);
      const catchUp = reconciledToken !== token || broker.uncertain.size > 0 || storeBehind;
      const complete = catchUp ? await reconcile() : true;
      if (catchUp && complete) storeBehind = false;
      try {
        await broker.settle();
      } catch (e) {
        // The core booked fills the store may have missed (settle's finally): reconciliation
        // writes them from the exchange (trade ids: exactly once) as soon as the store is back.
        storeBehind = true;
        throw e;
      }
      if (reconciledToken !== token) {
        // Start-up or takeover: the arms' whole books from the store (the previous holder's fills
        // and this process's own from before a crash), rebuilt again each cycle until reconciled.
        await resume();
      } else {
        // Holding: fills another writer stored meanwhile (none but reconciliation's, normally).
        const booked = await inherited.catchUp(store.db, runner.core);
        if (booked > 0) log('inherited fills booked', { fills: booked });
      }
      // Trading starts only once the store is reconciled and its positions are in the arms.
      if (complete) reconciledToken = token;
    },
    onEvent: (e) => {
      o.onEvent(e);
      // The dashboard's per-layer signals (SPEC.md "Monitoring"); a store outage loses a row, never a cycle.
      if (e.kind === 'decision' && lease.isHeld())
        store.market.recordSignal(bot, o.revision, e.arm, e.signal).catch(() => undefined);
    },
    onCycle: (info, core) => {
      lastCycleWall = Date.now();
      if (lastDegraded !== '' && info.newCandles > 0) {
        log('cycle recovered', { after: lastDegraded });
        lastDegraded = '';
      }
      if (!historyLogged && runner.warm) {
        historyLogged = true;
        log('history', { completeness: runner.completeness(), warmup: candles.warmup });
      }
      if (lease.isHeld()) ledger.collect(core);
      if (ledger.pending > 0)
        ledgerInFlight ??= flushLedger().finally(() => {
          ledgerInFlight = undefined;
        });
      o.onCycle(info, core);
    },
    // One line per outage, not one per cycle (STYLE.md: log once); the gate logs each dependency's transitions.
    onDataError: (e) => {
      if (e.message === lastDegraded) return;
      lastDegraded = e.message;
      log('cycle degraded', { error: e.message }, 'warn');
    },
  });
  let reason: string;
  try {
    reason = await runner.run();
  } finally {
    await ledgerInFlight;
    if (lease.isHeld()) ledger.collect(runner.core);
    if (ledger.pending > 0) await flushLedger();
    gate.stop();
    unwire();
    offLease();
    unregisterLeaseMetrics();
    // Release first: a standby can take over now instead of after the lease time.
    await lease.stop({ release: true }).catch(() => undefined);
    redis.disconnect();
    await store.close().catch(() => undefined);
    await http.close();
  }
  return { reason, runner };
}

function safeToken(lease: TraderLease): number {
  try {
    return lease.fencingToken();
  } catch {
    return -1;
  }
}

function redisReady(
  redis: {
    status: string;
    once(e: 'ready', f: () => void): unknown;
    off(e: 'ready', f: () => void): unknown;
  },
  timeoutMs: number,
): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    redis.once('ready', done);
  });
}
