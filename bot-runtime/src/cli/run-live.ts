// `kubetrade run` with spec.mode live: refuses to start without its credentials and Redis (named,
// never printed), then runs live/session.ts on the wall clock (optionally sped up with --speed for
// the local fake exchange's demos and tests) and logs JSON lines like the paper run.
import type { ResolvedSpec } from '@kubetrade/crds';
import { registerSecret } from '../exchange/errors.ts';
import { runLiveSession } from '../live/session.ts';
import type { BatchModels } from '../loop/backtest.ts';
import { ScaledClock } from '../loop/clock.ts';
import type { LoopEvent } from '../loop/trading-core.ts';
import { armsSummary } from '../loop/wall-clock.ts';
import { exposeModelMetrics } from '../model-registry/model-metrics.ts';
import { closeServedModel } from '../model-registry/serving.ts';
import { RuntimeMetrics } from '../report/metrics-server.ts';
import type { CommandIo } from './backtest-command.ts';
import { CliError } from './errors.ts';
import { openStoreFromEnv, storeDescription } from './open-store.ts';
import { CycleStatusReporter } from './status-reporting.ts';

/** trader-lease.ts's default, like Kubernetes leader election's leaseDuration. */
const DEFAULT_LEASE_SECONDS = 15;
/** Probes a few times per lease renewal (lease time / 3), so a dead dependency closes the gate well inside one lease. */
const PROBES_PER_LEASE = 15;
/** Missing this many cycles in a row makes /healthz fail (as in the paper run). */
const STALE_CYCLES = 3;

export const LIVE_ENV = ['UPBIT_ACCESS_KEY', 'UPBIT_SECRET_KEY', 'REDIS_URL'] as const;

/**
 * The variables live mode needs that are missing or empty (names only: values are secrets). In a
 * pod (the operator sets KUBETRADE_BOT_NAMESPACE) DATABASE_URL too: PGlite there lives in the pod's
 * memory or emptyDir, and a live trade log must outlive the pod (the operator injects the URL from
 * the chart's runtime.database Secret and holds live bots without it; this catches any other way).
 */
export function missingLiveEnv(env: NodeJS.ProcessEnv): string[] {
  const needed: readonly string[] = env.KUBETRADE_BOT_NAMESPACE ? [...LIVE_ENV, 'DATABASE_URL'] : LIVE_ENV;
  return needed.filter((k) => !env[k]);
}

export async function runLiveCommand(o: {
  spec: ResolvedSpec;
  bot: string;
  name: string;
  revision: string;
  specFile: string;
  speed: number;
  host: string;
  port: number;
  leaseSeconds: number | undefined;
  maxCycles?: number;
  models: BatchModels;
  logEvent: (e: LoopEvent, log: (msg: string, f: Record<string, unknown>) => void, m: RuntimeMetrics) => void;
  io: CommandIo;
  env?: NodeJS.ProcessEnv;
}): Promise<number> {
  const env = o.env ?? process.env;
  const missing = missingLiveEnv(env);
  if (missing.length > 0) {
    throw new CliError(
      'CONFIG',
      `${o.specFile}: spec.mode live needs ${missing.join(', ')} in the environment (the Upbit keys from spec.credentialsSecretRef, REDIS_URL for the single-trader lease, in a pod DATABASE_URL for the trade log: the chart's runtime.redis / runtime.database Secrets); refusing to start`,
    );
  }
  // Masked in every exchange log line and error from here on (exchange/errors.ts redact).
  registerSecret(env.UPBIT_ACCESS_KEY!);
  registerSecret(env.UPBIT_SECRET_KEY!);
  const log = (msg: string, fields: Record<string, unknown> = {}, level = 'info'): void => {
    o.io.stdout.write(
      `${JSON.stringify({ time: new Date().toISOString(), level, bot: o.name, msg, ...fields })}\n`,
    );
  };
  if (o.spec.marketData.source !== 'exchange')
    log('note', {
      note: `mode live trades on the exchange's candles; spec.marketData.source ${o.spec.marketData.source} is ignored`,
    });
  log('store', { store: storeDescription(env) });
  const metrics = new RuntimeMetrics(o.name);
  const reporter = new CycleStatusReporter(o.spec, metrics.registry, o.revision, env);
  exposeModelMetrics(o.models.ml, o.spec.ml.model, metrics.registry);
  const abort = new AbortController();
  const stop = (sig: string): void => {
    log('stopping', { signal: sig });
    abort.abort();
  };
  const onTerm = (): void => stop('SIGTERM');
  const onInt = (): void => stop('SIGINT');
  process.once('SIGTERM', onTerm);
  process.once('SIGINT', onInt);
  const leaseMs = (o.leaseSeconds ?? DEFAULT_LEASE_SECONDS) * 1000;
  try {
    const { reason, runner } = await runLiveSession({
      spec: o.spec,
      bot: o.bot,
      revision: o.revision,
      env,
      openStore: () => openStoreFromEnv(`kubetrade-run-${process.pid}`, env),
      clock: new ScaledClock({ speed: o.speed }),
      models: o.models,
      metrics,
      observeExchange: (x) => reporter.status.metrics.observeExchange(x),
      host: o.host,
      port: o.port,
      leaseMs,
      probeEveryMs: Math.max(100, Math.floor(leaseMs / PROBES_PER_LEASE)),
      probeTimeoutMs: Math.max(200, Math.floor(leaseMs / 5)),
      staleAfterMs: (STALE_CYCLES * o.spec.cycleSeconds * 1000) / o.speed + 5_000,
      ...(o.maxCycles !== undefined ? { maxCycles: o.maxCycles } : {}),
      signal: abort.signal,
      log: (msg, fields, level) => log(msg, fields, level),
      onEvent: (e) => o.logEvent(e, log, metrics),
      onCycle: (info, core) => {
        metrics.cycleSeconds.observe(info.computeMs / 1000);
        metrics.lastCycle.set(Date.now() / 1000);
        for (const arm of core.arms) {
          metrics.equity.set({ arm: arm.spec.name }, arm.equity(core.lastClose));
          metrics.halted.set({ arm: arm.spec.name }, arm.dailyLoss.halted ? 1 : 0);
          metrics.trades.set({ arm: arm.spec.name }, arm.roundTrips.length);
        }
        log('cycle', {
          cycle: info.cycle,
          at: new Date(info.time).toISOString(),
          newCandles: info.newCandles,
          computeMs: Number(info.computeMs.toFixed(3)),
          // Positions are kept (and reported) while a dependency is down.
          positions: core.arms.map((a) => ({ arm: a.spec.name, invested: a.invested(core.lastClose) })),
          equity: info.equity,
        });
        reporter.cycle(core);
      },
    });
    await reporter.finish(runner.core);
    log('stopped', { reason, arms: armsSummary(runner.core) });
    return 0;
  } catch (e) {
    if ((e as Error).name === 'ExchangeError' || (e as Error).name === 'StoreError')
      throw new CliError('DATA', `kubetrade run: ${(e as Error).message}`);
    throw e;
  } finally {
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
    await closeServedModel(o.models.ml);
  }
}
