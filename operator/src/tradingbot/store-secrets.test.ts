import type { V1EnvVar, V1Secret } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config.ts';
import { botsReferencing } from './index.ts';
import {
  REASON_DATABASE_NOT_CONFIGURED,
  REASON_REDIS_NOT_CONFIGURED,
  REASON_STORE_SECRET_KEY_MISSING,
  REASON_STORE_SECRET_NOT_FOUND,
  requiredStoreSecrets,
  storeBlocker,
  storeEnv,
} from './store-secrets.ts';
import { exampleBot } from './testing.ts';
import { desiredCronJob, desiredDeployment } from './workload.ts';
import { DEFAULT_WORKLOAD_CONFIG, workloadConfigFrom } from './workload-config.ts';

const live = exampleBot({ spec: { mode: 'live', credentialsSecretRef: { name: 'upbit-keys' } } });
const paper = exampleBot();
/** What the chart sets from runtime.database / runtime.redis (CloudNativePG's app Secret for the database). */
const configured = workloadConfigFrom(
  parseConfig(
    ['--database-secret-name=pg-app', '--redis-secret-name', 'redis-url', '--redis-secret-key=uri'],
    {},
  ),
);
const none = DEFAULT_WORKLOAD_CONFIG;
const ref = (env: V1EnvVar[], name: string) => env.find((e) => e.name === name)?.valueFrom?.secretKeyRef;
const secrets =
  (items: Record<string, V1Secret>) =>
  (name: string): V1Secret | undefined =>
    items[name];

describe('store URLs from Secrets', () => {
  it('the operator flags name the Secrets and keys (CloudNativePG app Secret key `uri` by default)', () => {
    expect(configured.database).toEqual({ secretName: 'pg-app', key: 'uri' });
    expect(configured.redis).toEqual({ secretName: 'redis-url', key: 'uri' });
    expect(workloadConfigFrom(parseConfig([], { KUBETRADE_DATABASE_SECRET_NAME: 'db' })).database).toEqual({
      secretName: 'db',
      key: 'uri',
    });
    expect(() => parseConfig(['--redis-secret-key=a/b'], {})).toThrow(/--redis-secret-key .*Secret key/);
    expect(() => parseConfig(['--database-secret-name=Bad_Name'], {})).toThrow(
      /KUBETRADE_DATABASE_SECRET_NAME/,
    );
  });

  it.each([
    {
      name: 'live runtime: both, required',
      bot: live,
      container: 'runtime',
      want: { DATABASE_URL: { name: 'pg-app', key: 'uri' }, REDIS_URL: { name: 'redis-url', key: 'uri' } },
    },
    {
      name: 'paper runtime: the database only, optional (absent -> PGlite)',
      bot: paper,
      container: 'runtime',
      want: { DATABASE_URL: { name: 'pg-app', key: 'uri', optional: true } },
    },
    {
      name: 'trainer of a live bot: the database only, optional; never Redis',
      bot: live,
      container: 'trainer',
      want: { DATABASE_URL: { name: 'pg-app', key: 'uri', optional: true } },
    },
  ] as const)('$name', ({ bot, container, want }) => {
    const env = storeEnv(bot, configured, container);
    expect(Object.fromEntries(env.map((e) => [e.name, e.valueFrom?.secretKeyRef]))).toEqual(want);
    expect(env.every((e) => e.value === undefined)).toBe(true);
  });

  it('puts them into the Deployment and the retrain CronJob, and nothing when not configured', () => {
    const runtime = desiredDeployment(live, configured).spec?.template.spec?.containers[0]?.env ?? [];
    expect(ref(runtime, 'DATABASE_URL')).toEqual({ name: 'pg-app', key: 'uri' });
    expect(ref(runtime, 'REDIS_URL')).toEqual({ name: 'redis-url', key: 'uri' });
    expect(ref(runtime, 'UPBIT_ACCESS_KEY')?.name).toBe('upbit-keys');
    const trainer =
      desiredCronJob(live, configured).spec?.jobTemplate.spec?.template.spec?.containers[0]?.env ?? [];
    expect(ref(trainer, 'DATABASE_URL')).toEqual({ name: 'pg-app', key: 'uri', optional: true });
    expect(trainer.map((e) => e.name)).not.toContain('REDIS_URL');
    const bare = desiredDeployment(paper, none).spec?.template.spec?.containers[0]?.env ?? [];
    expect(bare.map((e) => e.name)).toEqual(['KUBETRADE_BOT_NAMESPACE', 'KUBETRADE_BOT_NAME']);
  });

  it.each([
    { name: 'paper bot, nothing configured', bot: paper, cfg: none, have: {}, reason: undefined },
    {
      name: 'live, no Redis configured',
      bot: live,
      cfg: none,
      have: {},
      reason: REASON_REDIS_NOT_CONFIGURED,
    },
    {
      name: 'live, Redis but no database configured',
      bot: live,
      cfg: { ...none, redis: configured.redis },
      have: { 'redis-url': { data: { uri: 'eA==' } } },
      reason: REASON_DATABASE_NOT_CONFIGURED,
    },
    {
      name: 'live, Secrets missing',
      bot: live,
      cfg: configured,
      have: {},
      reason: REASON_STORE_SECRET_NOT_FOUND,
    },
    {
      name: 'live, database Secret without its key',
      bot: live,
      cfg: configured,
      have: { 'redis-url': { data: { uri: 'eA==' } }, 'pg-app': { data: { password: 'eA==' } } },
      reason: REASON_STORE_SECRET_KEY_MISSING,
    },
    {
      name: 'live, both present',
      bot: live,
      cfg: configured,
      have: { 'redis-url': { stringData: { uri: 'redis://r' } }, 'pg-app': { data: { uri: 'eA==' } } },
      reason: undefined,
    },
  ] as const)('blocker: $name', ({ bot, cfg, have, reason }) => {
    expect(storeBlocker(bot, cfg, secrets(have as Record<string, V1Secret>))?.reason).toBe(reason);
  });

  it('names the chart value, the flag and the env var to set, and the namespace', () => {
    const redis = storeBlocker(live, none, secrets({}))!.message;
    expect(redis).toContain('runtime.redis.secretName');
    expect(redis).toContain('--redis-secret-name');
    expect(redis).toContain('KUBETRADE_REDIS_SECRET_NAME');
    expect(redis).toContain('namespace traders');
    const db = storeBlocker(
      live,
      { ...none, redis: configured.redis },
      secrets({ 'redis-url': { data: { uri: 'eA==' } } }),
    )!;
    expect(db.message).toContain('runtime.database.secretName');
    expect(db.message).toMatch(/PGlite is for paper bots only/);
    expect(storeBlocker(live, configured, secrets({}))!.message).toContain('Secret traders/redis-url');
  });

  it('a store Secret event wakes the live bots that need it, not paper bots', () => {
    expect(requiredStoreSecrets(live, configured).sort()).toEqual(['pg-app', 'redis-url']);
    expect(requiredStoreSecrets(paper, configured)).toEqual([]);
    const bots = {
      list: () => [live, { ...paper, metadata: { ...paper.metadata, name: 'paper-bot' } }],
    } as never;
    const secret = { metadata: { namespace: 'traders', name: 'pg-app' } };
    expect(botsReferencing(bots, secret, configured)).toEqual(['traders/krw-majors']);
    expect(botsReferencing(bots, { metadata: { namespace: 'traders', name: 'other' } }, configured)).toEqual(
      [],
    );
  });
});
