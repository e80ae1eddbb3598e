// The operator process: config (validated first) -> Manager -> TradingBot controller -> run until
// SIGTERM, then shut down gracefully (reconciles in flight finish, the Lease is released so a
// follower takes over at once). `npm run start:operator` and the `kubetrade-operator` bin land here.
import { KubeConfig } from '@kubernetes/client-node';
import { ConfigError, type OperatorConfig, parseConfig, usage } from './config.ts';
import type { ControllerOptions, OperatorContext } from './controller/index.ts';
import { Logger, Manager } from './controller/index.ts';
// RECONCILER WIRING: the one line that plugs the TradingBot reconciler into the manager.
import { tradingBotController } from './tradingbot/index.ts';

/** What a reconciler module exports (contract in controller/README.md). */
// biome-ignore lint/suspicious/noExplicitAny: the reconciler picks its own object type.
type AnyControllerOptions = ControllerOptions<any>;
export type ControllerFactory = (
  ctx: OperatorContext,
) => AnyControllerOptions | Promise<AnyControllerOptions>;

export interface RunningOperator {
  manager: Manager;
  config: OperatorConfig;
  stop(): Promise<void>;
}

/** Builds and starts the operator; the caller decides what ends it. */
export async function startOperator(
  config: OperatorConfig,
  options: {
    kubeConfig?: KubeConfig;
    log?: Logger;
    /** Tests swap the reconciler; production runs the TradingBot controller. */
    controller?: ControllerFactory;
    onLostLeadership?: () => void;
  } = {},
): Promise<RunningOperator> {
  const log = options.log ?? new Logger({ level: config.logLevel, fields: { logger: 'kubetrade-operator' } });
  const kubeConfig = options.kubeConfig ?? defaultKubeConfig();
  const manager = new Manager({
    kubeConfig,
    log,
    bindAddress: config.metricsBindAddress === '0' ? false : config.metricsBindAddress,
    leaderElection: config.leaderElect
      ? { namespace: config.leaderElectionNamespace, name: config.leaderElectionId }
      : false,
    watchNamespace: config.watchNamespace,
    informerTimings: { resyncPeriodMs: config.syncPeriodMs },
    onLostLeadership: options.onLostLeadership,
  });
  const controller = await (options.controller ?? tradingBotController)({ manager, config });
  manager.addController({
    ...controller,
    concurrency: controller.concurrency ?? config.maxConcurrentReconciles,
  });
  await manager.start();
  log.info('operator started', {
    leaderElection: config.leaderElect
      ? `${config.leaderElectionNamespace}/${config.leaderElectionId}`
      : 'off',
    watchNamespace: config.watchNamespace || '(all)',
  });
  return { manager, config, stop: () => manager.stop() };
}

function defaultKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  // $KUBECONFIG, ~/.kube/config, or the in-cluster service account.
  kc.loadFromDefault();
  return kc;
}

/** The command line entry: exit codes 0 (stopped by signal), 1 (lost leadership), 2 (bad config). */
export async function runFromCli(argv = process.argv.slice(2), env = process.env): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usage(env) + '\n');
    return;
  }
  let config: OperatorConfig;
  try {
    config = parseConfig(argv, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    new Logger().error(err.message, { code: err.code, flag: err.flag, envVar: err.envVar, value: err.value });
    process.exitCode = 2;
    return;
  }
  const log = new Logger({ level: config.logLevel, fields: { logger: 'kubetrade-operator' } });
  let running: RunningOperator;
  try {
    running = await startOperator(config, {
      log,
      // Like controller-runtime: a replica that lost its Lease exits, and the Deployment restarts
      // it as a clean follower (no half-stopped state to reason about).
      onLostLeadership: () => {
        log.error('leadership lost; exiting so the pod restarts as a follower');
        process.exit(1);
      },
    });
  } catch (err) {
    // E.g. the metrics port is taken or the kubeconfig is unreadable: say so in one JSON line.
    log.error('operator failed to start', { err });
    process.exit(1);
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      log.warn('second signal; exiting without waiting', { signal });
      process.exit(1);
    }
    stopping = true;
    log.info('shutting down', { signal });
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error('shutdown failed', { err });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

if (import.meta.main) await runFromCli();
