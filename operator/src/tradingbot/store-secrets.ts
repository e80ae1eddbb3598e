// The runtime's trade store and lease from Secrets (issue 6, issue 8 item 1): DATABASE_URL and
// REDIS_URL reach the bot's pods through secretKeyRef from the Secrets the operator is configured
// with (chart values runtime.database / runtime.redis -> --database-secret-name/--redis-secret-name),
// never as plain values in the Deployment. Fail closed for live bots (DESIGN.md "money safety"):
// without Redis there is no single-trader lease (the runtime refuses to start), and without
// PostgreSQL the trade log would be PGlite in memory, lost on every restart — so a live bot is held
// at 0 replicas with a Ready condition naming what to set. PGlite stays the default for paper bots.
import type { V1EnvVar, V1Secret } from '@kubernetes/client-node';
import type { TradingBot } from '@kubetrade/crds';
import type { SecretKeySelector } from '../config.ts';
import { resolvedSpec } from './desired.ts';
import type { Blocker } from './status.ts';
import type { BotWorkloadConfig } from './workload-config.ts';

export const ENV_DATABASE_URL = 'DATABASE_URL';
export const ENV_REDIS_URL = 'REDIS_URL';
export const REASON_DATABASE_NOT_CONFIGURED = 'DatabaseNotConfigured';
export const REASON_REDIS_NOT_CONFIGURED = 'RedisNotConfigured';
export const REASON_STORE_SECRET_NOT_FOUND = 'StoreSecretNotFound';
export const REASON_STORE_SECRET_KEY_MISSING = 'StoreSecretKeyMissing';

type StoreConfig = Pick<BotWorkloadConfig, 'database' | 'redis'>;

/** How each store setting is named to the person who must set it: chart value, flag, env var. */
const SETTING = {
  database: {
    what: 'PostgreSQL URL',
    value: 'runtime.database.secretName',
    flag: '--database-secret-name',
    env: 'KUBETRADE_DATABASE_SECRET_NAME',
    why: "a live bot's trade log must survive restarts; the embedded PGlite is for paper bots only",
  },
  redis: {
    what: 'Redis URL',
    value: 'runtime.redis.secretName',
    flag: '--redis-secret-name',
    env: 'KUBETRADE_REDIS_SECRET_NAME',
    why: 'a live bot trades only while it holds its single-trader lease in Redis',
  },
} as const;

const isLive = (bot: TradingBot): boolean => resolvedSpec(bot).mode === 'live';

function urlFrom(name: string, ref: SecretKeySelector, optional: boolean): V1EnvVar {
  return {
    name,
    valueFrom: {
      secretKeyRef: { name: ref.secretName, key: ref.key, ...(optional ? { optional: true } : {}) },
    },
  };
}

/**
 * The store variables of one container. The runtime of a live bot gets both (required: a missing
 * Secret blocks the bot before its pod could start with an empty URL); a paper runtime and the
 * trainer get DATABASE_URL only, optional (absent -> PGlite, and a paper bot never waits for it).
 */
export function storeEnv(bot: TradingBot, cfg: StoreConfig, container: 'runtime' | 'trainer'): V1EnvVar[] {
  const required = container === 'runtime' && isLive(bot);
  const env: V1EnvVar[] = [];
  if (cfg.database.secretName) env.push(urlFrom(ENV_DATABASE_URL, cfg.database, !required));
  if (required && cfg.redis.secretName) env.push(urlFrom(ENV_REDIS_URL, cfg.redis, false));
  return env;
}

/** The store Secrets a bot's runtime cannot start without (live bots only): the ones to watch. */
export function requiredStoreSecrets(bot: TradingBot, cfg: StoreConfig): string[] {
  if (!isLive(bot)) return [];
  return [cfg.database.secretName, cfg.redis.secretName].filter((n) => n !== '');
}

/** Why a live bot's runtime must not run for lack of its database or Redis, or undefined. */
export function storeBlocker(
  bot: TradingBot,
  cfg: StoreConfig,
  secret: (name: string) => V1Secret | undefined,
): Blocker | undefined {
  if (!isLive(bot)) return undefined;
  const ns = bot.metadata.namespace ?? '';
  for (const kind of ['redis', 'database'] as const) {
    const ref = cfg[kind];
    const s = SETTING[kind];
    if (!ref.secretName) {
      return {
        reason: kind === 'redis' ? REASON_REDIS_NOT_CONFIGURED : REASON_DATABASE_NOT_CONFIGURED,
        message: `mode is live but the operator has no ${s.what} (${s.why}): set the chart value ${s.value} (operator flag ${s.flag}, env ${s.env}) to a Secret in namespace ${ns} holding it; the runtime stays at 0 replicas until then`,
      };
    }
    const found = secret(ref.secretName);
    if (!found) {
      return {
        reason: REASON_STORE_SECRET_NOT_FOUND,
        message: `Secret ${ns}/${ref.secretName} (${s.value}) does not exist; create it with key ${ref.key} holding the ${s.what} (the runtime stays at 0 replicas until then)`,
      };
    }
    if (!found.data?.[ref.key] && !found.stringData?.[ref.key]) {
      return {
        reason: REASON_STORE_SECRET_KEY_MISSING,
        message: `Secret ${ns}/${ref.secretName} (${s.value}) lacks key ${ref.key} (the ${s.what})`,
      };
    }
  }
  return undefined;
}
