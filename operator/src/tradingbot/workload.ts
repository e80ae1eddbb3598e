// The bot's workloads as pure functions: the bot-runtime Deployment and the nightly retrain
// CronJob. Both run hardened (non-root, read-only root FS, no privilege escalation, no
// capabilities, RuntimeDefault seccomp): the runtime holds exchange API keys in live mode.
import type {
  V1Container,
  V1CronJob,
  V1Deployment,
  V1EnvVar,
  V1PodSpec,
  V1SecurityContext,
} from '@kubernetes/client-node';
import type { TradingBot } from '@kubetrade/crds';
import { botRef, childMeta, desiredConfigMap, resolvedSpec } from './desired.ts';
import {
  ANNOTATION_CONFIG_HASH,
  ANNOTATION_REVISION,
  botLabels,
  childNames,
  selectorLabels,
} from './names.ts';
import { storeEnv } from './store-secrets.ts';
import {
  type BotWorkloadConfig,
  CONFIG_FILE,
  CONFIG_MOUNT_PATH,
  type ContainerResources,
  NONROOT_UID,
  RUNTIME_HTTP_PORT,
  RUNTIME_HTTP_PORT_NAME,
} from './workload-config.ts';

export const ENV_BOT_NAMESPACE = 'KUBETRADE_BOT_NAMESPACE';
export const ENV_BOT_NAME = 'KUBETRADE_BOT_NAME';
export const ENV_ACCESS_KEY = 'UPBIT_ACCESS_KEY';
export const ENV_SECRET_KEY = 'UPBIT_SECRET_KEY';
/** Keys the Secret named by spec.credentialsSecretRef must hold. */
export const SECRET_ACCESS_KEY = 'accessKey';
export const SECRET_SECRET_KEY = 'secretKey';

const CONFIG_VOLUME = 'config';
const TMP_VOLUME = 'tmp';
const CONFIG_PATH = `${CONFIG_MOUNT_PATH}/${CONFIG_FILE}`;

export interface DeploymentOptions {
  /**
   * false holds the runtime at 0 replicas without deleting it (fail closed): a live bot whose
   * Secret is missing must not start with empty keys.
   */
  runnable: boolean;
}

const containerSecurity: V1SecurityContext = {
  runAsNonRoot: true,
  runAsUser: NONROOT_UID,
  runAsGroup: NONROOT_UID,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

function hardenedPod(bot: TradingBot, container: V1Container, configMapName: string): V1PodSpec {
  return {
    serviceAccountName: childNames(bot.metadata.name ?? '').serviceAccount,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: NONROOT_UID,
      runAsGroup: NONROOT_UID,
      fsGroup: NONROOT_UID,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [
      {
        ...container,
        securityContext: containerSecurity,
        volumeMounts: [
          { name: CONFIG_VOLUME, mountPath: CONFIG_MOUNT_PATH, readOnly: true },
          // The root FS is read-only; onnxruntime and Node need a writable /tmp.
          { name: TMP_VOLUME, mountPath: '/tmp' },
        ],
      },
    ],
    volumes: [
      { name: CONFIG_VOLUME, configMap: { name: configMapName } },
      { name: TMP_VOLUME, emptyDir: {} },
    ],
  };
}

function botEnv(bot: TradingBot, withCredentials: boolean): V1EnvVar[] {
  const ref = botRef(bot);
  const env: V1EnvVar[] = [
    { name: ENV_BOT_NAMESPACE, value: ref.namespace },
    { name: ENV_BOT_NAME, value: ref.name },
  ];
  const spec = resolvedSpec(bot);
  // Paper bots never see keys: a paper runtime cannot place a real order even by mistake.
  if (withCredentials && spec.mode === 'live' && spec.credentialsSecretRef) {
    const secret = spec.credentialsSecretRef.name;
    env.push(
      { name: ENV_ACCESS_KEY, valueFrom: { secretKeyRef: { name: secret, key: SECRET_ACCESS_KEY } } },
      { name: ENV_SECRET_KEY, valueFrom: { secretKeyRef: { name: secret, key: SECRET_SECRET_KEY } } },
    );
  }
  return env;
}

const resourcesOf = (r: ContainerResources) => ({ requests: { ...r.requests }, limits: { ...r.limits } });

export function desiredDeployment(
  bot: TradingBot,
  cfg: BotWorkloadConfig,
  options: DeploymentOptions = { runnable: true },
): V1Deployment {
  const ref = botRef(bot);
  const names = childNames(ref.name);
  const spec = resolvedSpec(bot);
  const config = desiredConfigMap(bot, names);
  const httpGet = (path: string) => ({ httpGet: { path, port: RUNTIME_HTTP_PORT_NAME } });
  const runtime: V1Container = {
    name: 'runtime',
    image: cfg.runtimeImage,
    imagePullPolicy: cfg.imagePullPolicy,
    args: ['run', '--config', CONFIG_PATH],
    ports: [{ name: RUNTIME_HTTP_PORT_NAME, containerPort: RUNTIME_HTTP_PORT, protocol: 'TCP' }],
    env: [...botEnv(bot, true), ...storeEnv(bot, cfg, 'runtime')],
    resources: resourcesOf(cfg.runtimeResources),
    readinessProbe: httpGet('/readyz'),
    livenessProbe: httpGet('/healthz'),
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: childMeta(ref, names.runtime, 'runtime', { [ANNOTATION_REVISION]: config.revision }),
    spec: {
      replicas: spec.paused || !options.runnable ? 0 : 1,
      // Recreate: the old runtime is gone before the new one starts, so two never trade one bot.
      strategy: { type: 'Recreate' },
      selector: { matchLabels: selectorLabels(ref.name, 'runtime') },
      template: {
        metadata: {
          labels: botLabels(ref.name, 'runtime'),
          annotations: { [ANNOTATION_CONFIG_HASH]: config.hash, [ANNOTATION_REVISION]: config.revision },
        },
        spec: hardenedPod(bot, runtime, names.config),
      },
    },
  };
}

export function desiredCronJob(bot: TradingBot, cfg: BotWorkloadConfig): V1CronJob {
  const ref = botRef(bot);
  const names = childNames(ref.name);
  const spec = resolvedSpec(bot);
  const trainer: V1Container = {
    name: 'trainer',
    image: cfg.trainerImage,
    imagePullPolicy: cfg.imagePullPolicy,
    args: ['retrain', '--config', CONFIG_PATH],
    // The trainer never trades, so it never gets exchange keys.
    env: [...botEnv(bot, false), ...storeEnv(bot, cfg, 'trainer')],
    resources: resourcesOf(cfg.trainerResources),
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: childMeta(ref, names.retrain, 'trainer'),
    spec: {
      // SPEC: nightly retraining at 03:00 Asia/Seoul — both come from spec.ml.retrain.
      schedule: spec.ml.retrain.schedule,
      timeZone: spec.ml.retrain.timeZone,
      suspend: spec.paused,
      // Two trainers on one model would race to promote it.
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: cfg.retrain.startingDeadlineSeconds,
      successfulJobsHistoryLimit: cfg.retrain.successfulJobsHistoryLimit,
      failedJobsHistoryLimit: cfg.retrain.failedJobsHistoryLimit,
      jobTemplate: {
        metadata: { labels: botLabels(ref.name, 'trainer') },
        spec: {
          backoffLimit: cfg.retrain.backoffLimit,
          template: {
            metadata: { labels: botLabels(ref.name, 'trainer') },
            spec: { ...hardenedPod(bot, trainer, names.config), restartPolicy: 'Never' },
          },
        },
      },
    },
  };
}
