// The runtime's one write to Kubernetes: server-side apply of status.performance on its own bot,
// field manager `kubetrade-runtime`. SSA keeps ownership apart: the operator (manager `kubetrade`)
// owns phase, conditions and revisions; the runtime owns performance; neither can drop the other's
// fields. Credentials: the pod's ServiceAccount in-cluster, $KUBECONFIG (or ~/.kube/config) outside.
import { CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import {
  API_VERSION,
  GROUP,
  KIND,
  type Performance,
  PLURAL,
  type TradingBotStatus,
  VERSION,
} from '@kubetrade/crds';
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

/** The apply-patch body: only identity and the given status fields, so SSA gives the manager those alone. */
export function statusApplyPatch(bot: BotIdentity, status: Partial<TradingBotStatus>) {
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: { namespace: bot.namespace, name: bot.name },
    status,
  };
}

/** The apply-patch body of the runtime's report: status.performance only. */
export function performanceApplyPatch(bot: BotIdentity, performance: Performance) {
  return statusApplyPatch(bot, { performance });
}

/**
 * Server-side apply of `status` on the bot's status subresource as `fieldManager`: the one write
 * path of the runtime (status.performance) and the trainer (status.lastRetrain). Forcing takes the
 * manager's fields back if anyone else wrote them; it never touches fields the patch leaves out.
 */
export async function applyBotStatus(
  api: CustomObjectsApi,
  bot: BotIdentity,
  status: Partial<TradingBotStatus>,
  fieldManager: string,
): Promise<void> {
  await api.patchNamespacedCustomObjectStatus(
    {
      group: GROUP,
      version: VERSION,
      namespace: bot.namespace,
      plural: PLURAL,
      name: bot.name,
      body: statusApplyPatch(bot, status),
      fieldManager,
      force: true,
    },
    setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
  );
}

export function kubeStatusSink(bot: BotIdentity, kc: KubeConfig = defaultKubeConfig()): StatusSink {
  const api = kc.makeApiClient(CustomObjectsApi);
  return {
    writePerformance: (performance) => applyBotStatus(api, bot, { performance }, RUNTIME_FIELD_MANAGER),
  };
}
