// The TradingBot reconciler on the real apiserver + kube-controller-manager (no kubelet: pods
// stay Pending, so the bot stays Pending with Progressing=True — see status.ts).
import type { V1CronJob, V1Deployment } from '@kubernetes/client-node';
import type { TradingBot } from '@kubetrade/crds';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cluster, eventually, useNamespace } from '../../../test/cluster.ts';
import type { Manager } from '../controller/index.ts';
import { ANNOTATION_CONFIG_HASH } from './names.ts';
import {
  createBot,
  exampleManifest,
  getBot,
  installCrd,
  patchSpec,
  STORE_SECRETS,
  startOperator,
  storeSecretManifests,
  TIMINGS,
} from './test-operator.ts';

const ns = useNamespace('tb');
const BOT = 'krw-majors';
let manager: Manager | undefined;

beforeAll(installCrd);
afterEach(async () => {
  await manager?.stop();
  manager = undefined;
});

const deploymentOf = (namespace: string) =>
  cluster().apps.readNamespacedDeployment({ namespace, name: `${BOT}-runtime` }) as Promise<V1Deployment>;
const cronJobOf = (namespace: string) =>
  cluster().batch.readNamespacedCronJob({ namespace, name: `${BOT}-retrain` }) as Promise<V1CronJob>;
/** kube-controller-manager is shared with every suite running at the same time; give it room. */
const KCM_WAIT = { timeoutMs: 90_000 };
const condition = (bot: TradingBot, type: string) => bot.status?.conditions?.find((c) => c.type === type);

async function converged(namespace: string, phase: string, timeoutMs = 60_000): Promise<TradingBot> {
  return eventually(
    async () => {
      const bot = await getBot(namespace, BOT);
      return bot.status?.observedGeneration === bot.metadata.generation && bot.status?.phase === phase && bot;
    },
    { what: `bot ${namespace}/${BOT} in phase ${phase}`, timeoutMs },
  );
}

describe('TradingBot reconciler', { timeout: 240_000 }, () => {
  it('turns examples/tradingbot.yaml into its seven children, owned by the bot', async () => {
    manager = await startOperator(ns());
    const created = await createBot(exampleManifest(ns()));
    const { core, apps, batch, kc } = cluster();
    const rbac = kc.makeApiClient((await import('@kubernetes/client-node')).RbacAuthorizationV1Api);
    const namespace = ns();
    const children = await eventually(async () => ({
      configMap: await core.readNamespacedConfigMap({ namespace, name: `${BOT}-config` }),
      deployment: await apps.readNamespacedDeployment({ namespace, name: `${BOT}-runtime` }),
      cronJob: await batch.readNamespacedCronJob({ namespace, name: `${BOT}-retrain` }),
      service: await core.readNamespacedService({ namespace, name: `${BOT}-metrics` }),
      serviceAccount: await core.readNamespacedServiceAccount({ namespace, name: `${BOT}-runtime` }),
      role: await rbac.readNamespacedRole({ namespace, name: `${BOT}-runtime` }),
      roleBinding: await rbac.readNamespacedRoleBinding({ namespace, name: `${BOT}-runtime` }),
    }));
    for (const child of Object.values(children)) {
      expect(child.metadata?.ownerReferences).toEqual([
        expect.objectContaining({
          kind: 'TradingBot',
          name: BOT,
          uid: created.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        }),
      ]);
      expect(child.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe('kubetrade');
      expect(
        child.metadata?.managedFields?.some((f) => f.manager === 'kubetrade' && f.operation === 'Apply'),
      ).toBe(true);
    }
    const config = JSON.parse(children.configMap.data?.['runtime-config.json'] ?? '{}');
    expect(config.spec.cycleSeconds).toBe(60);
    expect(children.deployment.spec?.strategy?.type).toBe('Recreate');
    expect(
      children.deployment.spec?.template.spec?.containers[0]?.securityContext?.readOnlyRootFilesystem,
    ).toBe(true);
    expect(children.cronJob.spec).toMatchObject({
      schedule: '0 3 * * *',
      timeZone: 'Asia/Seoul',
      concurrencyPolicy: 'Forbid',
    });
    expect(children.role.rules?.every((r) => r.resourceNames?.[0] === BOT)).toBe(true);

    const bot = await converged(namespace, 'Pending');
    expect(condition(bot, 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'RollingOut',
      observedGeneration: 1,
    });
    expect(condition(bot, 'Ready')?.status).toBe('False');
    expect(bot.status?.currentRevision).toBe(config.revision);
    expect(bot.status?.lastReconcileTime).toBeTruthy();
  });

  it('rolls the runtime when the spec changes: new config, new pod template, new ReplicaSet', async () => {
    manager = await startOperator(ns());
    await createBot(exampleManifest(ns()));
    const namespace = ns();
    const before = await eventually(async () => {
      const d = await deploymentOf(namespace);
      return (d.status?.updatedReplicas ?? 0) >= 1 && d;
    }, KCM_WAIT);
    const revisionBefore = (await converged(namespace, 'Pending')).status?.currentRevision;
    await patchSpec(namespace, BOT, { cycleSeconds: 120 });
    const cm = await eventually(async () => {
      const c = await cluster().core.readNamespacedConfigMap({ namespace, name: `${BOT}-config` });
      return JSON.parse(c.data?.['runtime-config.json'] ?? '{}').spec.cycleSeconds === 120 && c;
    });
    const after = await eventually(async () => {
      const d = await deploymentOf(namespace);
      return (
        d.spec?.template.metadata?.annotations?.[ANNOTATION_CONFIG_HASH] ===
          cm.metadata?.annotations?.[ANNOTATION_CONFIG_HASH] && d
      );
    });
    expect(after.spec?.template.metadata?.annotations?.[ANNOTATION_CONFIG_HASH]).not.toBe(
      before.spec?.template.metadata?.annotations?.[ANNOTATION_CONFIG_HASH],
    );
    await eventually(
      async () => {
        const rs = await cluster().apps.listNamespacedReplicaSet({ namespace });
        return rs.items.length >= 2;
      },
      { what: 'a second ReplicaSet from kube-controller-manager', ...KCM_WAIT },
    );
    const bot = await converged(namespace, 'Pending');
    expect(bot.metadata.generation).toBe(2);
    expect(bot.status?.currentRevision).not.toBe(revisionBefore);
  });

  it('pauses (0 replicas, CronJob suspended, phase Paused) and resumes', async () => {
    manager = await startOperator(ns());
    await createBot(exampleManifest(ns()));
    const namespace = ns();
    await converged(namespace, 'Pending');
    await patchSpec(namespace, BOT, { paused: true });
    await eventually(async () => (await deploymentOf(namespace)).spec?.replicas === 0);
    await eventually(async () => (await cronJobOf(namespace)).spec?.suspend === true);
    const paused = await converged(namespace, 'Paused');
    expect(condition(paused, 'Ready')).toMatchObject({ status: 'False', reason: 'Paused' });

    await patchSpec(namespace, BOT, { paused: false });
    await eventually(async () => (await deploymentOf(namespace)).spec?.replicas === 1);
    await eventually(async () => (await cronJobOf(namespace)).spec?.suspend === false);
    const resumed = await converged(namespace, 'Pending');
    expect(condition(resumed, 'Progressing')?.status).toBe('True');
  });

  it('leaves the children to garbage collection when the bot is deleted', async () => {
    manager = await startOperator(ns());
    await createBot(exampleManifest(ns()));
    const namespace = ns();
    await eventually(() => deploymentOf(namespace));
    await cluster().kubectl(['delete', '-n', namespace, 'tradingbot', BOT, '--wait=true']);
    await eventually(
      async () => {
        const [cms, deps, sas] = await Promise.all([
          cluster().core.listNamespacedConfigMap({
            namespace,
            labelSelector: 'app.kubernetes.io/managed-by=kubetrade',
          }),
          cluster().apps.listNamespacedDeployment({ namespace }),
          cluster().core.listNamespacedServiceAccount({
            namespace,
            labelSelector: 'app.kubernetes.io/managed-by=kubetrade',
          }),
        ]);
        return cms.items.length + deps.items.length + sas.items.length === 0;
      },
      { what: 'children garbage-collected', ...KCM_WAIT },
    );
  });

  it('makes zero writes over several resyncs of an unchanged bot', async () => {
    const m = await startOperator(ns());
    manager = m;
    await createBot(exampleManifest(ns()));
    const namespace = ns();
    await converged(namespace, 'Pending');
    // Let the Deployment controller settle (its status updates wake the bot once more).
    await eventually(async () => (await deploymentOf(namespace)).status?.updatedReplicas === 1, KCM_WAIT);
    await new Promise((r) => setTimeout(r, TIMINGS.resyncMs));
    const reconciles = async () =>
      (await m.metrics.reconcileTotal.get()).values.reduce((n, v) => n + v.value, 0);
    const writesBefore = m.requests.writes();
    const reconcilesBefore = await reconciles();
    const rvBefore = (await getBot(namespace, BOT)).metadata.resourceVersion;
    await new Promise((r) => setTimeout(r, TIMINGS.resyncMs * 4));
    expect(await reconciles()).toBeGreaterThan(reconcilesBefore + 2);
    expect(m.requests.writes()).toBe(writesBefore);
    expect((await getBot(namespace, BOT)).metadata.resourceVersion).toBe(rvBefore);
  });

  it('keeps a live bot without its Secret Degraded and at 0 replicas, and recovers when the Secret appears', async () => {
    manager = await startOperator(ns());
    const namespace = ns();
    await createBot(
      exampleManifest(namespace, (b) => {
        b.spec.mode = 'live';
        b.spec.credentialsSecretRef = { name: 'upbit-keys' };
      }),
    );
    const degraded = await converged(namespace, 'Degraded');
    const message = condition(degraded, 'Degraded')?.message ?? '';
    expect(condition(degraded, 'Degraded')).toMatchObject({ status: 'True', reason: 'SecretNotFound' });
    expect(message).toContain(`Secret ${namespace}/upbit-keys`);
    expect((await deploymentOf(namespace)).spec?.replicas).toBe(0);

    await cluster().core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: 'upbit-keys' }, stringData: { accessKey: 'a', secretKey: 's' } },
    });
    // Keys present, but no Redis/PostgreSQL URL Secret yet: still held back, naming what to create.
    const noStore = await eventually(
      async () => {
        const b = await getBot(namespace, BOT);
        return condition(b, 'Ready')?.reason === 'StoreSecretNotFound' && b;
      },
      { what: 'Ready=False StoreSecretNotFound' },
    );
    expect(condition(noStore, 'Ready')?.message).toContain(
      `Secret ${namespace}/${STORE_SECRETS.redis.secretName}`,
    );
    expect((await deploymentOf(namespace)).spec?.replicas).toBe(0);
    for (const body of storeSecretManifests())
      await cluster().core.createNamespacedSecret({ namespace, body });

    const recovered = await converged(namespace, 'Pending');
    expect(condition(recovered, 'Degraded')).toMatchObject({ status: 'False', reason: 'AsExpected' });
    const d = await eventually(async () => {
      const dep = await deploymentOf(namespace);
      return dep.spec?.replicas === 1 && dep;
    });
    const env = d.spec?.template.spec?.containers[0]?.env ?? [];
    expect(env.find((e) => e.name === 'UPBIT_ACCESS_KEY')?.valueFrom?.secretKeyRef).toEqual({
      name: 'upbit-keys',
      key: 'accessKey',
    });
    // The store URLs come from the Secrets by reference, never as values in the Deployment.
    expect(env.find((e) => e.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef).toEqual({
      name: STORE_SECRETS.database.secretName,
      key: STORE_SECRETS.database.key,
    });
    expect(env.find((e) => e.name === 'REDIS_URL')?.valueFrom?.secretKeyRef).toEqual({
      name: STORE_SECRETS.redis.secretName,
      key: STORE_SECRETS.redis.key,
    });
    expect(env.every((e) => e.value === undefined || !/postgresql:|redis:/.test(e.value))).toBe(true);
    const trainerEnv =
      (await cronJobOf(namespace)).spec?.jobTemplate.spec?.template.spec?.containers[0]?.env ?? [];
    expect(trainerEnv.find((e) => e.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef?.name).toBe(
      STORE_SECRETS.database.secretName,
    );
    expect(trainerEnv.some((e) => e.name === 'REDIS_URL' || e.name === 'UPBIT_SECRET_KEY')).toBe(false);
  });

  it('shows a live bot in `kubectl get tradingbots`, keeping the runtime-owned performance', async () => {
    manager = await startOperator(ns());
    const namespace = ns();
    await cluster().core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: 'upbit-keys' }, stringData: { accessKey: 'a', secretKey: 's' } },
    });
    for (const body of storeSecretManifests())
      await cluster().core.createNamespacedSecret({ namespace, body });
    await createBot(
      exampleManifest(namespace, (b) => {
        b.spec.mode = 'live';
        b.spec.credentialsSecretRef = { name: 'upbit-keys' };
      }),
    );
    await converged(namespace, 'Pending');
    // The runtime reports performance with its own field manager; the operator must not remove it.
    await cluster().kubectl([
      'patch',
      '-n',
      namespace,
      'tradingbot',
      BOT,
      '--subresource=status',
      '--type=merge',
      '--field-manager=kubetrade-runtime',
      '-p',
      JSON.stringify({ status: { performance: { equityKRW: 10123456, maxDrawdownPct: -1.5 } } }),
    ]);
    await patchSpec(namespace, BOT, { cycleSeconds: 90 });
    const bot = await eventually(
      async () => {
        const b = await getBot(namespace, BOT);
        return (
          b.status?.observedGeneration === 2 && b.status?.runningRevision === b.status?.currentRevision && b
        );
      },
      { what: 'generation 2 observed and rolled out' },
    );
    expect(bot.status?.performance?.equityKRW).toBe(10123456);

    const out = await cluster().kubectl(['get', 'tradingbots', '-n', namespace]);
    const [header = '', row = ''] = out.trim().split('\n');
    expect(header.split(/\s+/)).toEqual([
      'NAME',
      'MODE',
      'MARKETS',
      'PHASE',
      'EQUITY',
      'DRAWDOWN',
      'REVISION',
      'AGE',
    ]);
    expect(row).toContain('live');
    expect(row).toContain('Pending');
    expect(row).toContain('10123456');
    expect(row).toContain('-1.5');
    expect(row).toContain(bot.status?.runningRevision ?? '<no revision>');
  });
  it('reports Running and Ready once the runtime pod is ready (the test plays kubelet)', async () => {
    manager = await startOperator(ns());
    await createBot(exampleManifest(ns()));
    const namespace = ns();
    const before = await converged(namespace, 'Pending');
    const pod = await eventually(
      async () => {
        const pods = await cluster().core.listNamespacedPod({
          namespace,
          labelSelector: `app.kubernetes.io/instance=${BOT},app.kubernetes.io/component=runtime`,
        });
        return pods.items[0];
      },
      { what: 'the runtime pod from kube-controller-manager', ...KCM_WAIT },
    );
    // No kubelet runs here: report the pod Ready the way a kubelet would, on the status subresource.
    const now = new Date().toISOString();
    await cluster().kubectl([
      'patch',
      '-n',
      namespace,
      'pod',
      pod.metadata?.name ?? '',
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({
        status: {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }],
        },
      }),
    ]);
    const running = await converged(namespace, 'Running');
    expect(condition(running, 'Ready')).toMatchObject({ status: 'True', reason: 'RuntimeAvailable' });
    expect(condition(running, 'Progressing')).toMatchObject({ status: 'False', reason: 'RolloutComplete' });
    expect(running.status?.runningRevision).toBe(running.status?.currentRevision);
    // Ready flipped, so its transition time moved; Degraded stayed False, so its time did not.
    expect(condition(running, 'Ready')?.lastTransitionTime).not.toBe(
      condition(before, 'Ready')?.lastTransitionTime,
    );
    expect(condition(running, 'Degraded')?.lastTransitionTime).toBe(
      condition(before, 'Degraded')?.lastTransitionTime,
    );
  });
});
