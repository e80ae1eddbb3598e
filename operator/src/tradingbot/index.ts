// The TradingBot controller: what main.ts hands the manager. Wires the informer caches, the
// server-side-apply writers and the metrics into the reconcile story (reconciler.ts), the way a
// kube-rs `Controller::new(bots).owns(children).watches(secrets)` reads.
import {
  type KubernetesObject,
  PatchStrategy,
  type V1ControllerRevision,
  type V1Secret,
} from '@kubernetes/client-node';
import { API_VERSION, GROUP, KIND, PLURAL, type TradingBot, VERSION } from '@kubetrade/crds';
import type { ControllerOptions, Informer, OperatorContext } from '../controller/index.ts';
import { keyOf, RESOURCES, type ResourceRef } from '../controller/index.ts';
import type { Manager } from '../controller/manager.ts';
import { registerRollbackMetrics } from '../rollback/metrics.ts';
import type { RevisionPlan } from '../rollback/plan.ts';
import { type ChildApplier, FIELD_MANAGER } from './apply.ts';
import { registerBotMetrics } from './bot-metrics.ts';
import type { ChildKind } from './cache.ts';
import { credentialsSecretName } from './credentials.ts';
import type { DesiredChild } from './desired.ts';
import { LABEL_MANAGED_BY, MANAGED_BY } from './names.ts';
import { reconcileTradingBot, type StatusWriter } from './reconciler.ts';
import { registerRetrainMetrics } from './retrain-status.ts';
import { StatusMemo } from './status-memo.ts';
import { requiredStoreSecrets } from './store-secrets.ts';
import { type BotWorkloadConfig, DEFAULT_WORKLOAD_CONFIG, workloadConfigFrom } from './workload-config.ts';

export type TradingBotObject = KubernetesObject & TradingBot;

export const TRADINGBOTS: ResourceRef = { group: GROUP, version: VERSION, plural: PLURAL, kind: KIND };

/** Children are cached by our label only: the operator never holds every ConfigMap of the cluster. */
export const MANAGED_SELECTOR = `${LABEL_MANAGED_BY}=${MANAGED_BY}`;

/** events.k8s.io reportingController of the operator's Events. */
export const EVENT_CONTROLLER = 'kubetrade.io/operator';

const CHILD_RESOURCES: Record<ChildKind, ResourceRef> = {
  configMap: RESOURCES.configMaps,
  deployment: RESOURCES.deployments,
  cronJob: RESOURCES.cronJobs,
  service: RESOURCES.services,
  serviceAccount: RESOURCES.serviceAccounts,
  role: RESOURCES.roles,
  roleBinding: RESOURCES.roleBindings,
};

export function serverSideApplier(manager: Manager): ChildApplier {
  const objects = manager.objectApi();
  return {
    apply: async (child) => {
      await objects.patch(child, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
    },
  };
}

/** Server-side apply on the status subresource: our fields only, so status.performance stays the runtime's. */
export function statusApplier(manager: Manager): StatusWriter {
  return {
    write: async (bot, status) => {
      const { namespace = '', name = '', uid } = bot.metadata;
      const updated = await manager.http.request<{ metadata?: { resourceVersion?: string } }>({
        method: 'PATCH',
        path: `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURAL}/${encodeURIComponent(name)}/status`,
        query: { fieldManager: FIELD_MANAGER, force: true },
        contentType: 'application/apply-patch+yaml',
        // uid is a precondition: a bot deleted and re-created under the same name is not written.
        body: {
          apiVersion: API_VERSION,
          kind: KIND,
          metadata: { namespace, name, ...(uid ? { uid } : {}) },
          status,
        },
      });
      return updated.metadata?.resourceVersion;
    },
  };
}

/** The keys of the live bots in the Secret's namespace that read their keys or store URLs from it. */
export function botsReferencing(
  bots: Informer<TradingBotObject>,
  secret: KubernetesObject,
  store: Pick<BotWorkloadConfig, 'database' | 'redis'> = DEFAULT_WORKLOAD_CONFIG,
): string[] {
  const namespace = secret.metadata?.namespace ?? '';
  const name = secret.metadata?.name ?? '';
  return bots
    .list(namespace)
    .filter((bot) => credentialsSecretName(bot) === name || requiredStoreSecrets(bot, store).includes(name))
    .map((bot) => keyOf({ namespace, name: bot.metadata.name ?? '' }));
}

export function tradingBotController(ctx: OperatorContext): ControllerOptions<TradingBotObject> {
  const { manager, config } = ctx;
  const bots = manager.informer<TradingBotObject>(TRADINGBOTS);
  const children = Object.fromEntries(
    Object.entries(CHILD_RESOURCES).map(([kind, resource]) => [
      kind,
      manager.informer(resource, { labelSelector: MANAGED_SELECTOR }),
    ]),
  ) as Record<ChildKind, Informer>;
  const secrets = manager.informer<KubernetesObject & V1Secret>(RESOURCES.secrets);
  const metrics = registerBotMetrics(manager.metrics.registry, () => bots.list());
  registerRetrainMetrics(manager.metrics.registry, () => children.cronJob.list());
  const revisions = manager.informer(RESOURCES.controllerRevisions, { labelSelector: MANAGED_SELECTOR });
  const rollbacks = registerRollbackMetrics(manager.metrics.registry);
  const events = manager.eventRecorder(EVENT_CONTROLLER);
  const applier = serverSideApplier(manager);
  const objects = manager.objectApi();
  const deps = {
    bots,
    children,
    secrets,
    applier,
    status: statusApplier(manager),
    workload: workloadConfigFrom(config),
    now: () => new Date(),
    resyncAfterMs: config.syncPeriodMs,
    onReconciled: metrics.reconciled,
    onGone: metrics.gone,
    memo: new StatusMemo(),
    revisions: {
      cache: revisions,
      writer: {
        apply: (revision: V1ControllerRevision) => applier.apply(revision as DesiredChild),
        delete: async (namespace: string, name: string) => {
          // Already gone (another replica or a person pruned it) is what we wanted.
          await objects
            .delete({ apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { namespace, name } })
            .catch((err: { code?: number }) => {
              if (err.code !== 404) throw err;
            });
        },
      },
    },
    onRolledBack: async (bot: TradingBot, plan: RevisionPlan) => {
      rollbacks.rolledBack(bot.metadata.namespace ?? '', bot.metadata.name ?? '');
      // Cached objects from a LIST carry no apiVersion/kind; the Event's `regarding` needs both.
      await events.record(
        { ...bot, apiVersion: API_VERSION, kind: KIND } as TradingBotObject,
        'Warning',
        'DrawdownRule',
        plan.rollbackNow?.message ?? '',
      );
    },
  };
  return {
    name: 'tradingbot',
    primary: bots,
    owns: [...Object.values(children), revisions],
    // A Secret appearing (or changing) wakes the live bots that reference it: recovery from
    // SecretNotFound needs no back-off polling.
    watches: [
      {
        informer: secrets as unknown as Informer,
        map: (secret) => botsReferencing(bots, secret, deps.workload),
      },
    ],
    reconcile: (req, { log }) => reconcileTradingBot(req, deps, log),
  };
}
