// status.lastRetrain through the status subresource, by server-side apply with its own field manager
// (`kubetrade-trainer`): the operator owns phase/conditions, the runtime owns performance, the
// trainer owns lastRetrain, and none can drop another's fields. The CronJob's pod runs with the bot's
// ServiceAccount, whose Role allows get/patch on this bot's status only (operator desiredRole).
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { TradingBotStatus } from '@kubetrade/crds';
import { applyBotStatus, type BotIdentity, defaultKubeConfig } from '../status/kube-status.ts';

export const TRAINER_FIELD_MANAGER = 'kubetrade-trainer';

export type LastRetrain = NonNullable<TradingBotStatus['lastRetrain']>;

export async function writeLastRetrain(
  bot: BotIdentity,
  lastRetrain: LastRetrain,
  kc: KubeConfig = defaultKubeConfig(),
): Promise<void> {
  await applyBotStatus(kc.makeApiClient(CustomObjectsApi), bot, { lastRetrain }, TRAINER_FIELD_MANAGER);
}
