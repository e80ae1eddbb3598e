// status.lastRetrain through the status subresource, by server-side apply with its own field manager
// (`kubetrade-trainer`): the operator owns phase/conditions, the runtime owns performance, the
// trainer owns lastRetrain, and none can drop another's fields. The CronJob's pod runs with the bot's
// ServiceAccount, whose Role allows get/patch on this bot's status only (operator desiredRole).
import { CustomObjectsApi, type KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { API_VERSION, GROUP, KIND, PLURAL, type TradingBotStatus, VERSION } from '@kubetrade/crds';
import { type BotIdentity, defaultKubeConfig } from '../status/kube-status.ts';

export const TRAINER_FIELD_MANAGER = 'kubetrade-trainer';

export type LastRetrain = NonNullable<TradingBotStatus['lastRetrain']>;

export async function writeLastRetrain(
  bot: BotIdentity,
  lastRetrain: LastRetrain,
  kc: KubeConfig = defaultKubeConfig(),
): Promise<void> {
  const api = kc.makeApiClient(CustomObjectsApi);
  await api.patchNamespacedCustomObjectStatus(
    {
      group: GROUP,
      version: VERSION,
      namespace: bot.namespace,
      plural: PLURAL,
      name: bot.name,
      body: {
        apiVersion: API_VERSION,
        kind: KIND,
        metadata: { namespace: bot.namespace, name: bot.name },
        status: { lastRetrain },
      },
      fieldManager: TRAINER_FIELD_MANAGER,
      force: true,
    },
    setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
  );
}
