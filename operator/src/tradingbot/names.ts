// Names and labels of a bot's children, all derived from the bot's name. Kubernetes limits:
// label values and DNS-1123 labels (Service names) 63 chars; CronJob names 52 chars because the
// CronJob controller appends an 11-char suffix to Job names. A long bot name is truncated and a
// hash of the full name keeps truncated names unique.
import { shortHash } from './hash.ts';

export const DNS_LABEL_MAX = 63;
export const CRONJOB_NAME_MAX = 52;

export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_INSTANCE = 'app.kubernetes.io/instance';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_BOT = 'kubetrade.io/bot';

export const APP_NAME = 'kubetrade-bot';
export const MANAGED_BY = 'kubetrade';

export const ANNOTATION_CONFIG_HASH = 'kubetrade.io/config-hash';
export const ANNOTATION_REVISION = 'kubetrade.io/revision';
export const ANNOTATION_APPLIED_HASH = 'kubetrade.io/applied-hash';

export type Component = 'runtime' | 'trainer' | 'config' | 'metrics' | 'rbac';

/**
 * `value` if it fits in `max`, else its head + '-' + a hash of the whole value. The head loses
 * trailing '-' and '.' so the result stays a valid DNS name ('a.-b' is not).
 */
export function fitName(value: string, max: number): string {
  if (value.length <= max) return value;
  const hash = shortHash(value, 8);
  const head = value.slice(0, max - hash.length - 1).replace(/[-.]+$/, '');
  return `${head}-${hash}`;
}

/** `<bot>-<suffix>`, shortened to `max` with the suffix kept so the child's role stays visible. */
export function childName(bot: string, suffix: string, max = DNS_LABEL_MAX): string {
  const full = `${bot}-${suffix}`;
  if (full.length <= max) return full;
  return `${fitName(bot, max - suffix.length - 1)}-${suffix}`;
}

export interface ChildNames {
  config: string;
  runtime: string;
  retrain: string;
  metrics: string;
  serviceAccount: string;
  role: string;
  roleBinding: string;
}

export function childNames(bot: string): ChildNames {
  return {
    config: childName(bot, 'config'),
    runtime: childName(bot, 'runtime'),
    retrain: childName(bot, 'retrain', CRONJOB_NAME_MAX),
    metrics: childName(bot, 'metrics'),
    serviceAccount: childName(bot, 'runtime'),
    role: childName(bot, 'runtime'),
    roleBinding: childName(bot, 'runtime'),
  };
}

/** The labels every child carries; `selector` is the subset a Deployment/Service selects on. */
export function botLabels(bot: string, component: Component): Record<string, string> {
  const instance = fitName(bot, DNS_LABEL_MAX);
  return {
    [LABEL_NAME]: APP_NAME,
    [LABEL_INSTANCE]: instance,
    [LABEL_COMPONENT]: component,
    [LABEL_MANAGED_BY]: MANAGED_BY,
    [LABEL_BOT]: instance,
  };
}

export function selectorLabels(bot: string, component: Component): Record<string, string> {
  return {
    [LABEL_NAME]: APP_NAME,
    [LABEL_INSTANCE]: fitName(bot, DNS_LABEL_MAX),
    [LABEL_COMPONENT]: component,
  };
}
