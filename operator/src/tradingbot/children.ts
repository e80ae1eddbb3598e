// All of a bot's children, in apply order: identity and config first, workloads last, so a pod
// never starts before its ServiceAccount and ConfigMap exist.
import type { TradingBot } from '@kubetrade/crds';
import type { ChildKind } from './cache.ts';
import {
  type DesiredChild,
  desiredConfigMap,
  desiredRole,
  desiredRoleBinding,
  desiredService,
  desiredServiceAccount,
  resolvedSpec,
  specRevision,
} from './desired.ts';
import { childNames } from './names.ts';
import { type DeploymentOptions, desiredCronJob, desiredDeployment } from './workload.ts';
import type { BotWorkloadConfig } from './workload-config.ts';

export interface KindedChild {
  kind: ChildKind;
  object: DesiredChild;
  /** Applied after every child of an earlier wave exists. */
  wave: 0 | 1;
}

export function desiredChildren(
  bot: TradingBot,
  cfg: BotWorkloadConfig,
  options: DeploymentOptions,
): KindedChild[] {
  const names = childNames(bot.metadata.name ?? '');
  const as = (o: unknown) => o as DesiredChild;
  return [
    { kind: 'serviceAccount', wave: 0, object: as(desiredServiceAccount(bot, names)) },
    { kind: 'role', wave: 0, object: as(desiredRole(bot, names)) },
    { kind: 'roleBinding', wave: 0, object: as(desiredRoleBinding(bot, names)) },
    { kind: 'configMap', wave: 0, object: as(desiredConfigMap(bot, names).configMap) },
    { kind: 'service', wave: 0, object: as(desiredService(bot, names)) },
    { kind: 'cronJob', wave: 1, object: as(desiredCronJob(bot, cfg)) },
    { kind: 'deployment', wave: 1, object: as(desiredDeployment(bot, cfg, options)) },
  ];
}

export const currentRevision = (bot: TradingBot): string => specRevision(resolvedSpec(bot));
