// What the operator (not the TradingBot) decides about a bot's workloads: images, resources and
// the retrain Job's bookkeeping. main.ts fills it from the operator's flags/env; the defaults are
// the values the chart ships with.
import type { OperatorConfig, SecretKeySelector } from '../config.ts';

export interface ResourceList {
  cpu: string;
  memory: string;
}

export interface ContainerResources {
  requests: ResourceList;
  limits: ResourceList;
}

export type ImagePullPolicy = 'Always' | 'IfNotPresent' | 'Never';

export interface BotWorkloadConfig {
  runtimeImage: string;
  trainerImage: string;
  imagePullPolicy: ImagePullPolicy;
  runtimeResources: ContainerResources;
  trainerResources: ContainerResources;
  /**
   * Where the runtime's store URLs come from: a key of a Secret in the bot's namespace (secretName
   * '' = not configured). Operator-wide on purpose: secretKeyRef resolves in the bot's namespace,
   * so teams in different namespaces already point at different databases with the same name.
   */
  database: SecretKeySelector;
  redis: SecretKeySelector;
  retrain: {
    successfulJobsHistoryLimit: number;
    failedJobsHistoryLimit: number;
    /** A retrain that could not start within this many seconds of 03:00 is skipped, not run late. */
    startingDeadlineSeconds: number;
    backoffLimit: number;
  };
}

export const DEFAULT_WORKLOAD_CONFIG: BotWorkloadConfig = {
  runtimeImage: 'ghcr.io/kubetrade/bot-runtime:0.1.0',
  trainerImage: 'ghcr.io/kubetrade/trainer:0.1.0',
  imagePullPolicy: 'IfNotPresent',
  // DESIGN.md: one 60 s cycle is <= 5 ms of compute, so a tenth of a core is plenty; memory holds
  // the SPEC history window (4 markets x ~5.9k candles) plus the ONNX runtime.
  runtimeResources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
  trainerResources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
  database: { secretName: '', key: 'uri' },
  redis: { secretName: '', key: 'url' },
  retrain: {
    successfulJobsHistoryLimit: 3,
    failedJobsHistoryLimit: 1,
    startingDeadlineSeconds: 3600,
    backoffLimit: 2,
  },
};

/** The runtime's HTTP contract (bot-runtime serves /healthz, /readyz and /metrics on it). */
export const RUNTIME_HTTP_PORT = 8080;
export const RUNTIME_HTTP_PORT_NAME = 'http';
export const CONFIG_MOUNT_PATH = '/etc/kubetrade';
export const CONFIG_FILE = 'runtime-config.json';
/** The non-root user of the distroless images (65532 = "nonroot" there). */
export const NONROOT_UID = 65532;

/**
 * The operator config's workload settings over the defaults. Trainer resources, pull policy and
 * retrain bookkeeping have no flags yet (see the report to the lead); they use the defaults.
 */
export function workloadConfigFrom(config: OperatorConfig): BotWorkloadConfig {
  return {
    ...DEFAULT_WORKLOAD_CONFIG,
    runtimeImage: config.runtimeImage,
    trainerImage: config.trainerImage,
    runtimeResources: config.runtimeResources,
    database: config.runtimeDatabase,
    redis: config.runtimeRedis,
  };
}
