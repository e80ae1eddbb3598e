// Integration-test harness: runs the operator in-process against the test control plane, watching
// one namespace, with short timings so resyncs and fail-overs happen within a test.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { loadTradingBotYaml, type TradingBot } from '@kubetrade/crds';
import { cluster } from '../../../test/cluster.ts';
import { parseConfig } from '../config.ts';
import { Manager, silentLogger } from '../controller/index.ts';
import { tradingBotController } from './index.ts';
import { EXAMPLE_PATH } from './testing.ts';

export const CRD_PATH = resolve(import.meta.dirname, '../../../crds/tradingbot.yaml');

export const TIMINGS = {
  /** Re-list + resync of every informer, and the reconcile's requeueAfter. */
  resyncMs: 1000,
  leaseDurationMs: 3000,
  renewDeadlineMs: 2000,
  retryPeriodMs: 250,
};

let crdInstalled: Promise<void> | undefined;

/** Installs (or updates) the CRD once per test file and waits until it is served. */
export function installCrd(): Promise<void> {
  crdInstalled ??= (async () => {
    const { kubectl } = cluster();
    await kubectl(['apply', '--server-side', '--force-conflicts', '-f', CRD_PATH]);
    await kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/tradingbots.kubetrade.io']);
  })();
  return crdInstalled;
}

/** The store URL Secrets the test operator names (each test creates them in its namespace). */
export const STORE_SECRETS = {
  database: { secretName: 'kubetrade-db-app', key: 'uri' },
  redis: { secretName: 'kubetrade-redis', key: 'url' },
} as const;

/** The Secrets a live bot's runtime needs besides its exchange keys, as the test operator names them. */
export function storeSecretManifests(): { metadata: { name: string }; stringData: Record<string, string> }[] {
  return [
    {
      metadata: { name: STORE_SECRETS.database.secretName },
      stringData: { [STORE_SECRETS.database.key]: 'postgresql://app:pw@db.example:5432/app' },
    },
    {
      metadata: { name: STORE_SECRETS.redis.secretName },
      stringData: { [STORE_SECRETS.redis.key]: 'redis://redis.example:6379' },
    },
  ];
}

export async function startOperator(
  namespace: string,
  options: { identity?: string } = {},
): Promise<Manager> {
  const config = {
    ...parseConfig([], {}),
    syncPeriodMs: TIMINGS.resyncMs,
    watchNamespace: namespace,
    maxConcurrentReconciles: 4,
    // What the chart's runtime.database / runtime.redis values set; live bots need both Secrets.
    runtimeDatabase: STORE_SECRETS.database,
    runtimeRedis: STORE_SECRETS.redis,
  };
  const manager = new Manager({
    kubeConfig: cluster().kc,
    log: silentLogger(),
    bindAddress: false,
    watchNamespace: namespace,
    informerTimings: { resyncPeriodMs: TIMINGS.resyncMs, backoffInitialMs: 100 },
    leaderElection: {
      namespace,
      name: 'kubetrade-operator',
      ...(options.identity ? { identity: options.identity } : {}),
      timings: {
        leaseDurationMs: TIMINGS.leaseDurationMs,
        renewDeadlineMs: TIMINGS.renewDeadlineMs,
        retryPeriodMs: TIMINGS.retryPeriodMs,
      },
    },
  });
  const controller = tradingBotController({ manager, config });
  manager.addController({ ...controller, concurrency: config.maxConcurrentReconciles });
  await manager.start();
  return manager;
}

export function exampleManifest(namespace: string, patch: (bot: TradingBot) => void = () => {}): TradingBot {
  const bot = loadTradingBotYaml(readFileSync(EXAMPLE_PATH, 'utf8'), EXAMPLE_PATH);
  bot.metadata = { ...bot.metadata, namespace };
  patch(bot);
  return bot;
}

export async function createBot(bot: TradingBot): Promise<TradingBot> {
  return (await cluster().objects.create(bot as unknown as KubernetesObject)) as unknown as TradingBot;
}

export async function getBot(namespace: string, name: string): Promise<TradingBot> {
  const obj = await cluster().objects.read({
    apiVersion: 'kubetrade.io/v1alpha1',
    kind: 'TradingBot',
    metadata: { namespace, name },
  });
  return obj as unknown as TradingBot;
}

/** Merge-patches the bot's spec, as `kubectl patch --type merge` would. */
export async function patchSpec(
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
): Promise<void> {
  await cluster().kubectl([
    'patch',
    '-n',
    namespace,
    'tradingbot',
    name,
    '--type',
    'merge',
    '-p',
    JSON.stringify({ spec }),
  ]);
}
