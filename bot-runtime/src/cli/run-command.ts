// `kubetrade run`: paper-trades the bot on the wall clock (synthetic market by default), logs every
// decision as a JSON line on stdout, serves /metrics and /healthz, and stops cleanly on SIGTERM.
import type { ResolvedSpec } from '@kubetrade/crds';
import { ModelError } from '../engines/errors.ts';
import { loadStrategyModels } from '../engines/strategy-models.ts';
import { PaperBroker } from '../execution/paper-broker.ts';
import type { BatchModels } from '../loop/backtest.ts';
import { ScaledClock } from '../loop/clock.ts';
import { LoopError } from '../loop/errors.ts';
import { PaperRunner } from '../loop/paper-run.ts';
import type { LoopEvent } from '../loop/trading-core.ts';
import { armsSummary } from '../loop/wall-clock.ts';
import { warmupMs } from '../loop/warmup.ts';
import { MarketDataError } from '../market/data-issue.ts';
import { TIMEFRAME_MS } from '../market/timeframes.ts';
import { exposeModelMetrics } from '../model-registry/model-metrics.ts';
import { closeServedModel, openServedModel } from '../model-registry/serving.ts';
import { RuntimeMetrics, startMetricsServer } from '../report/metrics-server.ts';
import { type FlagSpec, helpText, parseFlags, parseIntFlag, parseNumberFlag } from './args.ts';
import type { CommandIo } from './backtest-command.ts';
import { CliError } from './errors.ts';
import { loadRuntimeConfigFile, loadSpecFile } from './load-spec.ts';
import { openMarketSource } from './market-source.ts';
import { runLiveCommand } from './run-live.ts';
import { CycleStatusReporter } from './status-reporting.ts';

export const RUN_FLAGS = {
  file: { type: 'string', short: 'f', value: 'FILE', description: 'TradingBot YAML (or --config)' },
  config: {
    type: 'string',
    value: 'FILE',
    description: 'RuntimeConfig JSON rendered by the operator (in-cluster form)',
  },
  data: { type: 'string', value: 'DIR', description: 'replay candle files instead of spec.marketData' },
  synthetic: {
    type: 'string',
    value: 'SEED',
    description: 'synthetic market with this seed instead of spec.marketData',
  },
  speed: {
    type: 'string',
    value: 'X',
    description: 'run the clock X times faster than real time (demos; default 1)',
  },
  listen: {
    type: 'string',
    value: 'HOST:PORT',
    description: '/metrics and /healthz address (default 127.0.0.1:9464; port 0 = any)',
  },
  cycles: { type: 'string', value: 'N', description: 'stop after N cycles (default: until SIGTERM)' },
  'lease-seconds': {
    type: 'string',
    value: 'S',
    description: 'mode live: trader lease time, how long a crashed runtime blocks a standby (default 15)',
  },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
} satisfies FlagSpec;

export const RUN_SUMMARY =
  'Trades the bot (paper, or live on the exchange with spec.mode live): one decision cycle every spec.cycleSeconds, JSON-line log, /metrics, /healthz, /readyz.';

const LISTEN_LOCAL = '127.0.0.1:9464';
const LISTEN_IN_CLUSTER = '0.0.0.0:8080';

/** Missing this many cycles in a row makes /healthz fail. */
const STALE_CYCLES = 3;

export async function runCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const flags = parseFlags('run', RUN_FLAGS, argv);
  if (flags.help) {
    io.stdout.write(helpText('run', RUN_SUMMARY, RUN_FLAGS));
    return 0;
  }
  if ((flags.file === undefined) === (flags.config === undefined)) {
    throw new CliError(
      'USAGE',
      'kubetrade run: give exactly one of -f/--file <tradingbot.yaml> or --config <runtime-config.json>',
    );
  }
  const specFile = (flags.file ?? flags.config)!;
  const loaded = flags.config
    ? await loadRuntimeConfigFile('run', flags.config)
    : await loadSpecFile('run', flags.file).then(({ bot, spec }) => ({
        name: bot.metadata.name ?? 'bot',
        revision: 'local',
        spec,
      }));
  const { spec, revision } = loaded;
  const speed = parseNumberFlag('run', 'speed', flags.speed) ?? 1;
  const maxCycles = parseIntFlag('run', 'cycles', flags.cycles, 1);
  // In-cluster (--config) the probes and Prometheus reach the pod on the operator's runtime HTTP
  // port (operator/src/tradingbot/workload-config.ts RUNTIME_HTTP_PORT = 8080) on every interface.
  const [host, portText] = splitListen(flags.listen ?? (flags.config ? LISTEN_IN_CLUSTER : LISTEN_LOCAL));
  const port = parseIntFlag('run', 'listen', portText, 0)!;
  if (spec.mode === 'live') {
    return runLiveCommand({
      spec,
      bot: 'namespace' in loaded ? `${loaded.namespace}/${loaded.name}` : loaded.name,
      name: loaded.name,
      revision,
      specFile,
      speed,
      host,
      port,
      leaseSeconds: parseIntFlag('run', 'lease-seconds', flags['lease-seconds'], 1),
      ...(maxCycles !== undefined ? { maxCycles } : {}),
      models: await loadModels(spec, specFile),
      logEvent,
      io,
    });
  }
  const now = Date.now();
  const step = TIMEFRAME_MS['5m'];
  // The synthetic market starts one warm-up (plus a day of slack) before now, on the 5m grid.
  const syntheticStart = Math.floor((now - warmupMs(spec) - TIMEFRAME_MS['1d']) / step) * step;
  const choice = await openMarketSource({
    command: 'run',
    spec,
    specFile,
    data: flags.data,
    synthetic: parseIntFlag('run', 'synthetic', flags.synthetic, 0),
    syntheticStart,
  });
  const name = loaded.name;
  const log = (msg: string, fields: Record<string, unknown> = {}): void => {
    io.stdout.write(
      `${JSON.stringify({ time: new Date().toISOString(), level: 'info', bot: name, msg, ...fields })}\n`,
    );
  };
  if (choice.note) log('note', { note: choice.note });

  const models = await loadModels(spec, specFile);

  const metrics = new RuntimeMetrics(name);
  let lastCycleWall: number | undefined;
  const abort = new AbortController();
  const server = await startMetricsServer({
    registry: metrics.registry,
    health: {
      lastCycleWallMs: () => lastCycleWall,
      readiness: () =>
        abort.signal.aborted
          ? { ready: false, reasons: ['stopping'] }
          : lastCycleWall === undefined
            ? { ready: false, reasons: ['warming up: no cycle completed yet'] }
            : { ready: true, reasons: [] },
    },
    staleAfterMs: (STALE_CYCLES * spec.cycleSeconds * 1000) / speed + 5_000,
    host,
    port,
  });
  const stop = (sig: string): void => {
    log('stopping', { signal: sig });
    abort.abort();
  };
  const onTerm = (): void => stop('SIGTERM');
  const onInt = (): void => stop('SIGINT');
  process.once('SIGTERM', onTerm);
  process.once('SIGINT', onInt);
  if (spec.paused) log('paused', { reason: 'spec.paused is true: following the market, sending no orders' });
  log('started', {
    revision,
    source: choice.description,
    markets: choice.markets,
    arms: spec.capital.split.map((a) => a.name),
    cycleSeconds: spec.cycleSeconds,
    speed,
    metrics: `${server.url}/metrics`,
    healthz: `${server.url}/healthz`,
  });

  // Replayed candles are history: the clock starts where the replay can first decide (its first
  // candle plus the warm-up) instead of at today's date, and runs at --speed from there.
  let clockStart: number | undefined;
  if (choice.description.startsWith('replay')) {
    const data = await choice.source.load();
    const firsts = choice.markets.map((m) => data.get(m)?.['5m']?.openTime[0] ?? Number.NaN);
    const first = Math.min(...firsts.filter(Number.isFinite));
    if (!Number.isFinite(first))
      throw new CliError(
        'DATA',
        `kubetrade run: ${choice.description} has no 5m candles for ${choice.markets.join(', ')}`,
      );
    clockStart = first + warmupMs(spec);
  }
  const reporter = new CycleStatusReporter(spec, metrics.registry, revision);
  exposeModelMetrics(models.ml, spec.ml.model, metrics.registry);
  const runner = new PaperRunner({
    spec,
    source: choice.source,
    markets: choice.markets,
    clock: new ScaledClock({ speed, ...(clockStart !== undefined ? { start: clockStart } : {}) }),
    broker: new PaperBroker({
      feePct: spec.risk.feePct,
      slippagePct: spec.risk.slippagePct,
      minOrderKRW: spec.risk.minOrderKRW,
    }),
    models,
    bot: name,
    revision,
    signal: abort.signal,
    trade: !spec.paused,
    ...(maxCycles !== undefined ? { maxCycles } : {}),
    onEvent: (e) => logEvent(e, log, metrics),
    onCycle: (info, core) => {
      lastCycleWall = Date.now();
      metrics.cycleSeconds.observe(info.computeMs / 1000);
      metrics.lastCycle.set(lastCycleWall / 1000);
      for (const arm of core.arms) {
        metrics.equity.set({ arm: arm.spec.name }, arm.equity(core.lastClose));
        metrics.halted.set({ arm: arm.spec.name }, arm.dailyLoss.halted ? 1 : 0);
        metrics.trades.set({ arm: arm.spec.name }, arm.roundTrips.length);
      }
      reporter.cycle(core);
      log('cycle', {
        cycle: info.cycle,
        at: new Date(info.time).toISOString(),
        newCandles: info.newCandles,
        computeMs: Number(info.computeMs.toFixed(3)),
        equity: info.equity,
      });
    },
  });
  let reason: string;
  try {
    reason = await runner.run();
  } catch (e) {
    // The market source ran dry (a replay reached its end) or refused its data: stop with the reason.
    if (e instanceof LoopError || e instanceof MarketDataError)
      throw new CliError('DATA', `kubetrade run: ${e.message}`);
    throw e;
  } finally {
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
    await reporter.finish(runner.core);
    await server.close();
    await closeServedModel(models.ml);
  }
  log('stopped', { reason, arms: armsSummary(runner.core) });
  return 0;
}

function splitListen(text: string): [string, string] {
  const i = text.lastIndexOf(':');
  if (i <= 0)
    throw new CliError('BAD_FLAG_VALUE', `kubetrade run: --listen ${JSON.stringify(text)} must be HOST:PORT`);
  return [text.slice(0, i).replace(/^\[|\]$/g, ''), text.slice(i + 1)];
}

export function logEvent(
  e: LoopEvent,
  log: (msg: string, f: Record<string, unknown>) => void,
  metrics: RuntimeMetrics,
): void {
  const at = new Date(e.time).toISOString();
  if (e.kind === 'decision') {
    metrics.decisions.inc({ arm: e.arm, action: e.signal.action });
    log('decision', {
      at,
      arm: e.arm,
      market: e.signal.market,
      action: e.signal.action,
      confidence: e.signal.confidence,
      reasons: e.signal.reasons,
      layers: e.signal.layers,
      ...(e.intent
        ? {
            order: {
              clientOrderId: e.intent.clientOrderId,
              side: e.intent.side,
              quoteAmount: e.intent.quoteAmount,
              volume: e.intent.volume,
            },
          }
        : {}),
      ...(e.refused ? { refused: e.refused } : {}),
    });
  } else if (e.kind === 'order') {
    metrics.orders.inc({ arm: e.arm, side: e.order.intent.side, state: e.order.state });
    log('order', {
      at,
      arm: e.arm,
      clientOrderId: e.order.intent.clientOrderId,
      state: e.order.state,
      ...(e.order.rejection ? { rejection: e.order.rejection } : {}),
    });
  } else {
    // The fill's own `time` is the market time (already in `at`); the log line's `time` is the wall clock.
    const { time: _marketTime, ...fill } = e.fill;
    log('fill', { at, arm: e.arm, ...fill });
  }
}

/** The spec's ONNX models (ml, rl) when an arm needs them; a bad or missing file refuses to start. */
export async function loadModels(spec: ResolvedSpec, specFile: string): Promise<BatchModels> {
  try {
    const loaded = await loadStrategyModels(spec.capital.split, spec.ml, spec.rl);
    // With DATABASE_URL the ML model follows the model registry (hot reload each cycle, issue 9).
    const served = await openServedModel(spec);
    if (served) await loaded.ml?.close();
    const ml = served ?? loaded.ml;
    return {
      ...(ml ? { ml } : {}),
      ...(loaded.rl ? { rl: { act: (rows: Float32Array) => loaded.rl!.act(rows) } } : {}),
    };
  } catch (e) {
    if (e instanceof ModelError) throw new CliError('MODEL', `${specFile}: ${e.message}`);
    throw e;
  }
}
