// A bot's children as pure functions of the TradingBot (+ the operator's workload config): no I/O,
// so every field is unit-tested without a cluster (desired.test.ts). The reconciler applies what
// these return. Workloads (Deployment, CronJob) live in workload.ts.
import type {
  KubernetesObject,
  V1ConfigMap,
  V1OwnerReference,
  V1Role,
  V1RoleBinding,
  V1Service,
  V1ServiceAccount,
} from '@kubernetes/client-node';
import {
  API_VERSION,
  applyDefaults,
  GROUP,
  KIND,
  PLURAL,
  type ResolvedSpec,
  type RuntimeConfig,
  type TradingBot,
} from '@kubetrade/crds';
import { shortHash } from './hash.ts';
import {
  ANNOTATION_CONFIG_HASH,
  botLabels,
  type ChildNames,
  type Component,
  childNames,
  selectorLabels,
} from './names.ts';
import { CONFIG_FILE, RUNTIME_HTTP_PORT, RUNTIME_HTTP_PORT_NAME } from './workload-config.ts';

const resolvedSpecs = new WeakMap<object, ResolvedSpec>();

/**
 * The bot's spec with every default applied, computed once per cached spec object: one reconcile
 * asks for it nine times, and defaulting is most of a reconcile's CPU (measured 0.15 ms a call).
 */
export function resolvedSpec(bot: TradingBot): ResolvedSpec {
  if (!bot.spec) return applyDefaults(bot.spec);
  let spec = resolvedSpecs.get(bot.spec);
  if (!spec) {
    spec = applyDefaults(bot.spec);
    resolvedSpecs.set(bot.spec, spec);
  }
  return spec;
}

/** Identity of the bot every child is derived from. */
export interface BotRef {
  namespace: string;
  name: string;
  uid: string;
}

export function botRef(bot: TradingBot): BotRef {
  return {
    namespace: bot.metadata.namespace ?? '',
    name: bot.metadata.name ?? '',
    uid: bot.metadata.uid ?? '',
  };
}

/** controller: true so garbage collection deletes the child with the bot and owner-ref.ts maps it back. */
export function ownerReference(ref: BotRef): V1OwnerReference {
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    name: ref.name,
    uid: ref.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function childMeta(
  ref: BotRef,
  name: string,
  component: Component,
  annotations?: Record<string, string>,
) {
  return {
    name,
    namespace: ref.namespace,
    labels: botLabels(ref.name, component),
    ...(annotations ? { annotations } : {}),
    ownerReferences: [ownerReference(ref)],
  };
}

/**
 * The revision of the runtime-affecting spec: everything but `paused`, which only scales the
 * runtime and must not look like a new version (it would restart the rollback clock).
 */
export function specRevision(spec: ResolvedSpec): string {
  const { paused: _paused, ...runtimeAffecting } = spec;
  return shortHash(runtimeAffecting);
}

export function runtimeConfig(bot: TradingBot): RuntimeConfig {
  const ref = botRef(bot);
  const spec = resolvedSpec(bot);
  return {
    apiVersion: API_VERSION,
    kind: 'RuntimeConfig',
    bot: { namespace: ref.namespace, name: ref.name, ...(ref.uid ? { uid: ref.uid } : {}) },
    revision: specRevision(spec),
    spec,
  };
}

export interface RenderedConfig {
  configMap: V1ConfigMap;
  /** Hash of the file's content; the pod template carries it so a change restarts the runtime. */
  hash: string;
  revision: string;
}

export function desiredConfigMap(
  bot: TradingBot,
  names: ChildNames = childNames(bot.metadata.name ?? ''),
): RenderedConfig {
  const config = runtimeConfig(bot);
  const text = `${JSON.stringify(config, null, 2)}\n`;
  const hash = shortHash(text);
  return {
    hash,
    revision: config.revision,
    configMap: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: childMeta(botRef(bot), names.config, 'config', { [ANNOTATION_CONFIG_HASH]: hash }),
      data: { [CONFIG_FILE]: text },
    },
  };
}

/**
 * The runtime's metrics endpoint; a ServiceMonitor selects it by the kubetrade labels. Headless:
 * Prometheus scrapes the endpoints, so a virtual IP per bot would only cost kube-proxy rules and
 * service-CIDR addresses (1,000 ClusterIP bots filled the test cluster's service range).
 */
export function desiredService(
  bot: TradingBot,
  names: ChildNames = childNames(bot.metadata.name ?? ''),
): V1Service {
  const ref = botRef(bot);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: childMeta(ref, names.metrics, 'metrics'),
    spec: {
      type: 'ClusterIP',
      clusterIP: 'None',
      selector: selectorLabels(ref.name, 'runtime'),
      ports: [
        {
          name: RUNTIME_HTTP_PORT_NAME,
          port: RUNTIME_HTTP_PORT,
          targetPort: RUNTIME_HTTP_PORT_NAME,
          protocol: 'TCP',
        },
      ],
    },
  };
}

export function desiredServiceAccount(
  bot: TradingBot,
  names: ChildNames = childNames(bot.metadata.name ?? ''),
): V1ServiceAccount {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: childMeta(botRef(bot), names.serviceAccount, 'rbac'),
  };
}

/** Least privilege: the runtime may read its own TradingBot and report its own status, nothing else. */
export function desiredRole(
  bot: TradingBot,
  names: ChildNames = childNames(bot.metadata.name ?? ''),
): V1Role {
  const ref = botRef(bot);
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: childMeta(ref, names.role, 'rbac'),
    rules: [
      { apiGroups: [GROUP], resources: [PLURAL], resourceNames: [ref.name], verbs: ['get'] },
      {
        apiGroups: [GROUP],
        resources: [`${PLURAL}/status`],
        resourceNames: [ref.name],
        verbs: ['get', 'patch', 'update'],
      },
    ],
  };
}

export function desiredRoleBinding(
  bot: TradingBot,
  names: ChildNames = childNames(bot.metadata.name ?? ''),
): V1RoleBinding {
  const ref = botRef(bot);
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: childMeta(ref, names.roleBinding, 'rbac'),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: names.role },
    subjects: [{ kind: 'ServiceAccount', name: names.serviceAccount, namespace: ref.namespace }],
  };
}

export type DesiredChild = KubernetesObject & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
};
