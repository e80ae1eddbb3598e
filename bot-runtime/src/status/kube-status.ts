// The runtime's one write to Kubernetes: server-side apply of status.performance on its own bot,
// field manager `kubetrade-runtime`. SSA keeps ownership apart: the operator (manager `kubetrade`)
// owns phase, conditions and revisions; the runtime owns performance; neither can drop the other's
// fields. Credentials: the pod's ServiceAccount in-cluster, $KUBECONFIG (or ~/.kube/config) outside.
import { CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { API_VERSION, GROUP, KIND, type Performance, PLURAL, VERSION } from '@kubetrade/crds';
import type { StatusSink } from './status-reporter.ts';

export const RUNTIME_FIELD_MANAGER = 'kubetrade-runtime';
/** Set by the operator on the runtime container (operator/src/tradingbot/workload.ts). */
export const ENV_BOT_NAMESPACE = 'KUBETRADE_BOT_NAMESPACE';
export const ENV_BOT_NAME = 'KUBETRADE_BOT_NAME';

export interface BotIdentity {
  namespace: string;
  name: string;
}

export class StatusConfigError extends Error {
  readonly code = 'StatusConfig';
  constructor(message: string) {
    super(message);
    this.name = 'StatusConfigError';
  }
}

export function botIdentityFromEnv(env: NodeJS.ProcessEnv = process.env): BotIdentity {
  const namespace = env[ENV_BOT_NAMESPACE] ?? '';
  const name = env[ENV_BOT_NAME] ?? '';
  if (!namespace || !name)
    throw new StatusConfigError(
      `status reporting needs ${ENV_BOT_NAMESPACE} and ${ENV_BOT_NAME} (the operator sets both on the runtime Deployment); got namespace=${JSON.stringify(namespace)} name=${JSON.stringify(name)}`,
    );
  return { namespace, name };
}

/** In-cluster ServiceAccount when running in a pod, else $KUBECONFIG / ~/.kube/config. */
export function defaultKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc;
}

/** The apply-patch body: only identity and status.performance, so SSA gives us those fields alone. */
export function performanceApplyPatch(bot: BotIdentity, performance: Performance) {
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: { namespace: bot.namespace, name: bot.name },
    status: { performance },
  };
}

export function kubeStatusSink(bot: BotIdentity, kc: KubeConfig = defaultKubeConfig()): StatusSink {
  const api = kc.makeApiClient(CustomObjectsApi);
  return {
    writePerformance: async (performance) => {
      await api.patchNamespacedCustomObjectStatus(
        {
          group: GROUP,
          version: VERSION,
          namespace: bot.namespace,
          plural: PLURAL,
          name: bot.name,
          body: performanceApplyPatch(bot, performance),
          fieldManager: RUNTIME_FIELD_MANAGER,
          // Forcing takes performance back if anyone else wrote it; it never touches other fields.
          force: true,
        },
        setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
      );
    },
  };
}
