// A live bot trades with the keys of the Secret its spec names. Missing Secret or keys -> the bot
// is blocked (Degraded, runtime held at 0 replicas: fail closed, DESIGN.md "money safety first")
// until the Secret appears; the controller watches Secrets, so recovery needs no user action.
import type { V1Secret } from '@kubernetes/client-node';
import type { TradingBot } from '@kubetrade/crds';
import { resolvedSpec } from './desired.ts';
import type { Blocker } from './status.ts';
import { SECRET_ACCESS_KEY, SECRET_SECRET_KEY } from './workload.ts';

export const REASON_SECRET_NOT_FOUND = 'SecretNotFound';
export const REASON_SECRET_KEY_MISSING = 'SecretKeyMissing';
export const REASON_CREDENTIALS_NOT_SET = 'CredentialsNotSet';

/** The Secret a bot reads its keys from, or undefined when it needs none (paper mode). */
export function credentialsSecretName(bot: TradingBot): string | undefined {
  const spec = resolvedSpec(bot);
  return spec.mode === 'live' ? spec.credentialsSecretRef?.name : undefined;
}

export function credentialsBlocker(bot: TradingBot, secret: V1Secret | undefined): Blocker | undefined {
  const spec = resolvedSpec(bot);
  if (spec.mode !== 'live') return undefined;
  const ns = bot.metadata.namespace ?? '';
  if (!spec.credentialsSecretRef) {
    // The CRD's CEL rule refuses this; kept for bots stored before the rule existed.
    return {
      reason: REASON_CREDENTIALS_NOT_SET,
      message:
        'mode is live but spec.credentialsSecretRef is not set; name a Secret with keys accessKey and secretKey',
    };
  }
  const name = spec.credentialsSecretRef.name;
  if (!secret) {
    return {
      reason: REASON_SECRET_NOT_FOUND,
      message: `Secret ${ns}/${name} named by spec.credentialsSecretRef does not exist; create it with keys ${SECRET_ACCESS_KEY} and ${SECRET_SECRET_KEY} (the runtime stays at 0 replicas until then)`,
    };
  }
  const missing = [SECRET_ACCESS_KEY, SECRET_SECRET_KEY].filter(
    (k) => !secret.data?.[k] && !secret.stringData?.[k],
  );
  if (missing.length > 0) {
    return {
      reason: REASON_SECRET_KEY_MISSING,
      message: `Secret ${ns}/${name} named by spec.credentialsSecretRef lacks key(s) ${missing.join(', ')}`,
    };
  }
  return undefined;
}
