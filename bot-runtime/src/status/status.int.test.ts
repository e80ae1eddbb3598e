// The runtime's status writes on the real apiserver, authenticated as the bot's own ServiceAccount
// with the Role the operator renders (imported from the operator on purpose: the test proves the
// two agree; runtime code itself never imports the operator).
import { CustomObjectsApi, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { GROUP, PLURAL, type TradingBot, VERSION } from '@kubetrade/crds';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  desiredRole,
  desiredRoleBinding,
  desiredServiceAccount,
} from '../../../operator/src/tradingbot/desired.ts';
import {
  createBot,
  exampleManifest,
  getBot,
  installCrd,
} from '../../../operator/src/tradingbot/test-operator.ts';
import { cluster, useNamespace } from '../../../test/cluster.ts';
import { kubeStatusSink, RUNTIME_FIELD_MANAGER } from './kube-status.ts';
import { type PerformanceReport, toStatusPerformance } from './performance.ts';
import { StatusReporter } from './status-reporter.ts';

const ns = useNamespace('status');
beforeAll(installCrd);

const report = (trades: number): PerformanceReport => ({
  revision: 'rev-a',
  equityKRW: 9_800_000,
  maxDrawdownPct: -2.4,
  trades,
  arms: [],
  dailyReturns: [{ date: '2026-11-22', returnPct: -2 }],
  layers: [{ market: 'KRW-BTC', layer: 'technical', action: 'HOLD', confidence: 0.6 }],
  dataCompleteness: [],
});

/** A KubeConfig that authenticates as `serviceAccount`, with a TokenRequest token (as a pod would). */
async function serviceAccountConfig(namespace: string, serviceAccount: string): Promise<KubeConfig> {
  const token = await cluster().core.createNamespacedServiceAccountToken({
    namespace,
    name: serviceAccount,
    body: { spec: { audiences: ['https://kubernetes.default.svc'], expirationSeconds: 600 } },
  });
  const admin = cluster().kc.getCurrentCluster();
  if (!admin) throw new Error('the test kubeconfig has no current cluster');
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: admin.server, caData: admin.caData, caFile: admin.caFile }],
    users: [{ name: 'sa', token: token.status?.token }],
    contexts: [{ name: 'sa', cluster: 'c', user: 'sa', namespace }],
    currentContext: 'sa',
  });
  return kc;
}

async function grantRuntime(bot: TradingBot): Promise<void> {
  const { core, kc } = cluster();
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  const namespace = bot.metadata.namespace ?? '';
  await core.createNamespacedServiceAccount({ namespace, body: desiredServiceAccount(bot) });
  await rbac.createNamespacedRole({ namespace, body: desiredRole(bot) });
  await rbac.createNamespacedRoleBinding({ namespace, body: desiredRoleBinding(bot) });
}

const statusCode = (err: unknown): number | undefined => (err as { code?: number }).code;

describe('runtime status reporting under the bot Role', () => {
  it('patches its own status.performance, is refused elsewhere, and never touches operator fields', async () => {
    const namespace = ns();
    const own = await createBot(exampleManifest(namespace, (b) => (b.metadata.name = 'own')));
    await createBot(exampleManifest(namespace, (b) => (b.metadata.name = 'other')));
    await grantRuntime(own);
    const kc = await serviceAccountConfig(namespace, 'own-runtime');

    // The operator writes its fields first, with its own field manager.
    const operatorStatus = {
      phase: 'Running',
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'RuntimeAvailable',
          message: 'ok',
          lastTransitionTime: '2026-11-23T00:00:00Z',
        },
      ],
    };
    const applyAsOperator = () =>
      cluster().kubectl(
        ['apply', '--server-side', '--field-manager=kubetrade', '--subresource=status', '-f', '-'],
        JSON.stringify({
          apiVersion: 'kubetrade.io/v1alpha1',
          kind: 'TradingBot',
          metadata: { namespace, name: 'own' },
          status: operatorStatus,
        }),
      );
    await applyAsOperator();

    const reporter = new StatusReporter(kubeStatusSink({ namespace, name: 'own' }, kc));
    expect(await reporter.report(report(3))).toEqual({ written: true });
    let bot = await getBot(namespace, 'own');
    expect(bot.status?.performance?.trades).toBe(3);
    expect(bot.status?.performance?.dailyReturns).toEqual([{ date: '2026-11-22', returnPct: -2 }]);
    expect(bot.status?.phase).toBe('Running');
    expect(bot.status?.conditions?.[0]?.reason).toBe('RuntimeAvailable');

    // Ownership is split by field manager: the runtime owns performance, the operator the rest.
    const managed = (bot.metadata.managedFields ?? []) as Array<{
      manager: string;
      subresource?: string;
      fieldsV1?: { 'f:status'?: Record<string, unknown> };
    }>;
    const runtimeFields = managed.find((m) => m.manager === RUNTIME_FIELD_MANAGER)?.fieldsV1?.['f:status'];
    expect(Object.keys(runtimeFields ?? {})).toEqual(['f:performance']);

    // An operator re-apply (its fields only) keeps the runtime's report; a runtime write keeps phase.
    await applyAsOperator();
    expect((await getBot(namespace, 'own')).status?.performance?.trades).toBe(3);
    expect(await reporter.report(report(4))).toEqual({ written: true });
    bot = await getBot(namespace, 'own');
    expect(bot.status?.performance?.trades).toBe(4);
    expect(bot.status?.phase).toBe('Running');

    // Another bot's status: refused by RBAC (resourceNames pins the Role to its own bot).
    const otherWrite = await new StatusReporter(kubeStatusSink({ namespace, name: 'other' }, kc)).report(
      report(1),
    );
    expect(otherWrite.written).toBe(false);
    expect(
      otherWrite.written === false && otherWrite.reason === 'failed' && statusCode(otherWrite.error.cause),
    ).toBe(403);
    expect((await getBot(namespace, 'other')).status?.performance).toBeUndefined();

    // Its own spec: refused too (the Role grants get on the bot, patch only on bot/status).
    const specBefore = JSON.stringify((await getBot(namespace, 'own')).spec);
    const asRuntime = kc.makeApiClient(CustomObjectsApi);
    const specPatch = asRuntime.patchNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: PLURAL,
      name: 'own',
      body: [{ op: 'replace', path: '/spec/paused', value: true }],
    });
    await expect(specPatch).rejects.toMatchObject({ code: 403 });
    expect(JSON.stringify((await getBot(namespace, 'own')).spec)).toBe(specBefore);
  });

  it('stores every field toStatusPerformance produces (the CRD schema prunes none of them)', async () => {
    const namespace = ns();
    await createBot(exampleManifest(namespace, (b) => (b.metadata.name = 'typed')));
    const full: PerformanceReport = {
      ...report(2),
      winRate: 0.5,
      sharpe: 1.1,
      averageConfidence: 0.72,
      arms: [{ name: 'enhanced', equityKRW: 4_900_000, returnPct: -2, trades: 2, winRate: 0.5, sharpe: 1 }],
      dataCompleteness: [{ market: 'KRW-BTC', timeframe: '1h', pct: 42.5 }],
      model: {
        name: 'lgbm-krw',
        version: 'lgbm-krw-20261125T0300',
        trainedAt: Date.parse('2026-11-25T03:00:00Z'),
      },
    };
    await new StatusReporter(kubeStatusSink({ namespace, name: 'typed' }, cluster().kc)).report(full);
    const { updateTime, ...stored } = (await getBot(namespace, 'typed')).status?.performance ?? {};
    expect(stored).toEqual(toStatusPerformance(full));
    expect(stored.model?.version).toBe('lgbm-krw-20261125T0300');
    expect(updateTime).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });
});
