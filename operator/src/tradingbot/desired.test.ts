import type { V1Container, V1PodSpec } from '@kubernetes/client-node';
import { applyDefaults, parseRuntimeConfig } from '@kubetrade/crds';
import { describe, expect, it } from 'vitest';
import {
  childMeta,
  desiredConfigMap,
  desiredRole,
  desiredRoleBinding,
  desiredService,
  desiredServiceAccount,
  specRevision,
} from './desired.ts';
import {
  ANNOTATION_CONFIG_HASH,
  ANNOTATION_REVISION,
  CRONJOB_NAME_MAX,
  childNames,
  DNS_LABEL_MAX,
  LABEL_BOT,
  LABEL_INSTANCE,
} from './names.ts';
import { exampleBot } from './testing.ts';
import { desiredCronJob, desiredDeployment } from './workload.ts';
import { DEFAULT_WORKLOAD_CONFIG as cfg } from './workload-config.ts';

const live = { mode: 'live' as const, credentialsSecretRef: { name: 'upbit-keys' } };
const only = <T>(xs: T[] | undefined): T => {
  expect(xs).toHaveLength(1);
  return xs![0]!;
};
const runtimeContainer = (spec: V1PodSpec | undefined): V1Container => only(spec?.containers);

describe('desiredConfigMap', () => {
  it('renders a RuntimeConfig the runtime parses, with every default applied', () => {
    const bot = exampleBot({ spec: { cycleSeconds: 30 } });
    const { configMap, hash, revision } = desiredConfigMap(bot);
    const text = configMap.data?.['runtime-config.json'] ?? '';
    const config = parseRuntimeConfig(JSON.parse(text));
    expect(config.bot).toEqual({ namespace: 'traders', name: 'krw-majors', uid: bot.metadata.uid });
    expect(config.spec.cycleSeconds).toBe(30);
    expect(config.spec.engine.technical.rsi.oversold).toBe(30);
    expect(config.revision).toBe(revision);
    expect(configMap.metadata?.annotations?.[ANNOTATION_CONFIG_HASH]).toBe(hash);
    expect(configMap.metadata?.name).toBe('krw-majors-config');
  });

  it.each([
    ['cycleSeconds', { cycleSeconds: 120 }, true],
    ['markets', { markets: ['KRW-BTC'] }, true],
    ['paused', { paused: true }, false],
  ])('a change of %s changes the config hash; revision changes: %s', (_field, spec, revisionChanges) => {
    const before = desiredConfigMap(exampleBot());
    const after = desiredConfigMap(exampleBot({ spec }));
    expect(after.hash).not.toBe(before.hash);
    expect(after.revision !== before.revision).toBe(revisionChanges);
  });

  it('is deterministic: the same bot renders the same bytes', () => {
    expect(desiredConfigMap(exampleBot())).toEqual(desiredConfigMap(exampleBot()));
  });
});

describe('desiredDeployment', () => {
  it.each([
    { name: 'running paper bot', spec: {}, runnable: true, replicas: 1 },
    { name: 'paused bot', spec: { paused: true }, runnable: true, replicas: 0 },
    { name: 'blocked live bot (missing Secret)', spec: live, runnable: false, replicas: 0 },
    { name: 'running live bot', spec: live, runnable: true, replicas: 1 },
  ])('$name -> $replicas replica(s), Recreate', ({ spec, runnable, replicas }) => {
    const d = desiredDeployment(exampleBot({ spec }), cfg, { runnable });
    expect(d.spec?.replicas).toBe(replicas);
    expect(d.spec?.strategy).toEqual({ type: 'Recreate' });
  });

  it('runs the runtime hardened, with probes and metrics on the http port', () => {
    const d = desiredDeployment(exampleBot(), cfg);
    const pod = d.spec?.template.spec;
    const c = runtimeContainer(pod);
    expect(c.image).toBe(cfg.runtimeImage);
    expect(c.args).toEqual(['run', '--config', '/etc/kubetrade/runtime-config.json']);
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(c.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(c.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.resources).toEqual(cfg.runtimeResources);
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65532,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod?.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod?.serviceAccountName).toBe('krw-majors-runtime');
    expect(pod?.volumes).toContainEqual({ name: 'tmp', emptyDir: {} });
    expect(pod?.volumes).toContainEqual({ name: 'config', configMap: { name: 'krw-majors-config' } });
    expect(c.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
  });

  it('annotates the pod template with the config hash and revision, so a config change rolls the pods', () => {
    const a = desiredDeployment(exampleBot(), cfg);
    const b = desiredDeployment(exampleBot({ spec: { cycleSeconds: 120 } }), cfg);
    const hashOf = (d: typeof a) => d.spec?.template.metadata?.annotations?.[ANNOTATION_CONFIG_HASH];
    expect(hashOf(a)).toBe(desiredConfigMap(exampleBot()).hash);
    expect(hashOf(b)).not.toBe(hashOf(a));
    expect(b.spec?.template.metadata?.annotations?.[ANNOTATION_REVISION]).toBe(
      specRevision(applyDefaults(exampleBot({ spec: { cycleSeconds: 120 } }).spec)),
    );
  });

  it.each([
    { mode: 'paper', spec: {}, keys: false },
    {
      mode: 'paper with a Secret named',
      spec: { credentialsSecretRef: { name: 'upbit-keys' } },
      keys: false,
    },
    { mode: 'live', spec: live, keys: true },
  ])('$mode: API keys in env = $keys', ({ spec, keys }) => {
    const env = runtimeContainer(desiredDeployment(exampleBot({ spec }), cfg).spec?.template.spec).env ?? [];
    expect(env).toContainEqual({ name: 'KUBETRADE_BOT_NAMESPACE', value: 'traders' });
    expect(env).toContainEqual({ name: 'KUBETRADE_BOT_NAME', value: 'krw-majors' });
    const access = env.find((e) => e.name === 'UPBIT_ACCESS_KEY');
    const secret = env.find((e) => e.name === 'UPBIT_SECRET_KEY');
    expect(access !== undefined).toBe(keys);
    expect(secret !== undefined).toBe(keys);
    if (keys) {
      expect(access?.valueFrom?.secretKeyRef).toEqual({ name: 'upbit-keys', key: 'accessKey' });
      expect(secret?.valueFrom?.secretKeyRef).toEqual({ name: 'upbit-keys', key: 'secretKey' });
    }
  });
});

describe('desiredCronJob', () => {
  it('schedules the nightly retrain from spec.ml.retrain, one at a time', () => {
    const c = desiredCronJob(exampleBot(), cfg);
    expect(c.metadata?.name).toBe('krw-majors-retrain');
    expect(c.spec).toMatchObject({
      schedule: '0 3 * * *',
      timeZone: 'Asia/Seoul',
      suspend: false,
      concurrencyPolicy: 'Forbid',
      successfulJobsHistoryLimit: cfg.retrain.successfulJobsHistoryLimit,
      failedJobsHistoryLimit: cfg.retrain.failedJobsHistoryLimit,
      startingDeadlineSeconds: cfg.retrain.startingDeadlineSeconds,
    });
    const trainer = runtimeContainer(c.spec?.jobTemplate.spec?.template.spec);
    expect(trainer.image).toBe(cfg.trainerImage);
    expect(trainer.securityContext?.readOnlyRootFilesystem).toBe(true);
    expect(trainer.env?.some((e) => e.name.startsWith('UPBIT_'))).toBe(false);
  });

  it.each([
    [{ paused: true }, true],
    [{ paused: false }, false],
  ])('spec %o -> suspend %s', (spec, suspend) => {
    expect(desiredCronJob(exampleBot({ spec }), cfg).spec?.suspend).toBe(suspend);
  });

  it('uses a custom schedule and time zone', () => {
    const bot = exampleBot({ spec: { ml: { retrain: { schedule: '30 4 * * 1', timeZone: 'UTC' } } } });
    expect(desiredCronJob(bot, cfg).spec).toMatchObject({ schedule: '30 4 * * 1', timeZone: 'UTC' });
  });
});

describe('Service and RBAC', () => {
  it('exposes metrics on port http 8080, selecting only runtime pods', () => {
    const s = desiredService(exampleBot());
    expect(s.spec?.ports).toEqual([{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }]);
    expect(s.spec?.selector?.['app.kubernetes.io/component']).toBe('runtime');
    expect(s.spec?.clusterIP).toBe('None');
  });

  it('lets the runtime get its own bot and patch its own status, nothing else', () => {
    const role = desiredRole(exampleBot());
    expect(role.rules).toEqual([
      {
        apiGroups: ['kubetrade.io'],
        resources: ['tradingbots'],
        resourceNames: ['krw-majors'],
        verbs: ['get'],
      },
      {
        apiGroups: ['kubetrade.io'],
        resources: ['tradingbots/status'],
        resourceNames: ['krw-majors'],
        verbs: ['get', 'patch', 'update'],
      },
    ]);
    const binding = desiredRoleBinding(exampleBot());
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: role.metadata?.name,
    });
    expect(binding.subjects).toEqual([
      {
        kind: 'ServiceAccount',
        name: desiredServiceAccount(exampleBot()).metadata?.name,
        namespace: 'traders',
      },
    ]);
  });
});

describe('every child', () => {
  const bot = exampleBot();
  const all = [
    desiredConfigMap(bot).configMap,
    desiredDeployment(bot, cfg),
    desiredCronJob(bot, cfg),
    desiredService(bot),
    desiredServiceAccount(bot),
    desiredRole(bot),
    desiredRoleBinding(bot),
  ];
  it.each(all.map((o) => [o.kind, o]))('%s is owned by the bot and labelled', (_kind, obj) => {
    expect(obj.metadata?.namespace).toBe('traders');
    expect(obj.metadata?.ownerReferences).toEqual([
      {
        apiVersion: 'kubetrade.io/v1alpha1',
        kind: 'TradingBot',
        name: 'krw-majors',
        uid: bot.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(obj.metadata?.labels).toMatchObject({
      'app.kubernetes.io/name': 'kubetrade-bot',
      'app.kubernetes.io/instance': 'krw-majors',
      'app.kubernetes.io/managed-by': 'kubetrade',
      'kubetrade.io/bot': 'krw-majors',
    });
  });
});

describe('names of a bot with a long name', () => {
  const long = `bot-${'x'.repeat(240)}.y`;
  const other = `bot-${'x'.repeat(240)}.z`;
  it('fit the Kubernetes limits and stay unique', () => {
    const a = childNames(long);
    const b = childNames(other);
    expect(a.retrain.length).toBeLessThanOrEqual(CRONJOB_NAME_MAX);
    expect(a.retrain.endsWith('-retrain')).toBe(true);
    for (const n of Object.values(a)) expect(n.length).toBeLessThanOrEqual(DNS_LABEL_MAX);
    expect(a.runtime).not.toBe(b.runtime);
    expect(a.retrain).not.toBe(b.retrain);
  });

  it('labels fit 63 chars and end alphanumeric', () => {
    const labels = childMeta({ namespace: 'n', name: long, uid: 'u' }, 'x', 'runtime').labels;
    for (const key of [LABEL_INSTANCE, LABEL_BOT]) {
      expect(labels[key]?.length).toBeLessThanOrEqual(DNS_LABEL_MAX);
      expect(labels[key]).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
    }
  });
});
