// The reconcile story with in-memory caches and recording writers: what it writes, and that a
// second pass over what it wrote writes nothing.
import type { KubernetesObject, V1Secret } from '@kubernetes/client-node';
import type { TradingBot } from '@kubetrade/crds';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../controller/logger.ts';
import type { CacheReader, ChildKind } from './cache.ts';
import { CHILD_KINDS } from './cache.ts';
import { type ReconcilerDeps, reconcileTradingBot, type StatusWriter } from './reconciler.ts';
import { StatusMemo } from './status-memo.ts';
import { exampleBot } from './testing.ts';
import { DEFAULT_WORKLOAD_CONFIG } from './workload-config.ts';

const KIND_OF: Record<string, ChildKind> = {
  ConfigMap: 'configMap',
  Deployment: 'deployment',
  CronJob: 'cronJob',
  Service: 'service',
  ServiceAccount: 'serviceAccount',
  Role: 'role',
  RoleBinding: 'roleBinding',
};

class MapCache<T> implements CacheReader<T> {
  readonly items = new Map<string, T>();
  get(namespace: string, name: string): T | undefined {
    return this.items.get(`${namespace}/${name}`);
  }
}

/** A fake cluster: applies land in the caches at once, as if the watch delivered them. */
function fakeCluster(bot: TradingBot) {
  const bots = new MapCache<TradingBot>();
  bots.items.set(`${bot.metadata.namespace}/${bot.metadata.name}`, bot);
  const children = Object.fromEntries(
    CHILD_KINDS.map((k) => [k, new MapCache<KubernetesObject>()]),
  ) as Record<ChildKind, MapCache<KubernetesObject>>;
  const secrets = new MapCache<V1Secret>();
  const applied: string[] = [];
  const statuses: Array<Parameters<StatusWriter['write']>[1]> = [];
  const deps: ReconcilerDeps = {
    bots,
    children,
    secrets,
    applier: {
      apply: async (child) => {
        applied.push(`${child.kind}/${child.metadata.name}`);
        const kind = KIND_OF[child.kind];
        if (kind)
          children[kind].items.set(
            `${child.metadata.namespace}/${child.metadata.name}`,
            structuredClone(child),
          );
      },
    },
    status: {
      write: async (b, status) => {
        statuses.push(status);
        const key = `${b.metadata.namespace}/${b.metadata.name}`;
        const current = bots.items.get(key)!;
        bots.items.set(key, { ...current, status: { ...current.status, ...status } });
        return undefined;
      },
    },
    workload: DEFAULT_WORKLOAD_CONFIG,
    now: () => new Date('2026-11-24T00:00:00Z'),
    resyncAfterMs: 600_000,
  };
  return { deps, bots, children, secrets, applied, statuses };
}

const req = { namespace: 'traders', name: 'krw-majors' };
const log = silentLogger();

describe('reconcileTradingBot', () => {
  it('applies all seven children and writes status once; the next pass writes nothing', async () => {
    const c = fakeCluster(exampleBot());
    expect(await reconcileTradingBot(req, c.deps, log)).toEqual({ requeueAfter: 600_000 });
    expect(c.applied).toHaveLength(7);
    expect(c.statuses).toHaveLength(1);
    expect(c.statuses[0]?.phase).toBe('Pending');

    await reconcileTradingBot(req, c.deps, log);
    await reconcileTradingBot(req, c.deps, log);
    expect(c.applied).toHaveLength(7);
    expect(c.statuses).toHaveLength(1);
  });

  it('re-applies only what a spec change touches', async () => {
    const c = fakeCluster(exampleBot());
    await reconcileTradingBot(req, c.deps, log);
    c.applied.length = 0;
    const bot = c.bots.get('traders', 'krw-majors')!;
    c.bots.items.set('traders/krw-majors', {
      ...bot,
      metadata: { ...bot.metadata, generation: 2 },
      spec: { ...bot.spec, paused: true },
    });
    await reconcileTradingBot(req, c.deps, log);
    expect(c.applied.sort()).toEqual([
      'ConfigMap/krw-majors-config',
      'CronJob/krw-majors-retrain',
      'Deployment/krw-majors-runtime',
    ]);
    expect(c.statuses.at(-1)).toMatchObject({ phase: 'Paused', observedGeneration: 2 });
  });

  it('holds a live bot without its Secret at 0 replicas and recovers when the Secret appears', async () => {
    const live = exampleBot({ spec: { mode: 'live', credentialsSecretRef: { name: 'upbit-keys' } } });
    const c = fakeCluster(live);
    await reconcileTradingBot(req, c.deps, log);
    const replicas = () =>
      (c.children.deployment.get('traders', 'krw-majors-runtime') as { spec?: { replicas?: number } }).spec
        ?.replicas;
    expect(replicas()).toBe(0);
    expect(c.statuses.at(-1)?.phase).toBe('Degraded');
    expect(c.statuses.at(-1)?.conditions.find((x) => x.type === 'Degraded')?.message).toContain(
      'traders/upbit-keys',
    );

    c.secrets.items.set('traders/upbit-keys', { data: { accessKey: 'YQ==', secretKey: 'cw==' } });
    // Keys alone are not enough: the operator has no Redis/PostgreSQL URL Secret configured.
    await reconcileTradingBot(req, c.deps, log);
    expect(replicas()).toBe(0);
    expect(c.statuses.at(-1)?.conditions.find((x) => x.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'RedisNotConfigured',
    });
    c.deps.workload = {
      ...c.deps.workload,
      database: { secretName: 'pg-app', key: 'uri' },
      redis: { secretName: 'redis', key: 'url' },
    };
    c.secrets.items.set('traders/pg-app', { data: { uri: 'eA==' } });
    c.secrets.items.set('traders/redis', { data: { url: 'eA==' } });
    await reconcileTradingBot(req, c.deps, log);
    expect(replicas()).toBe(1);
    expect(c.statuses.at(-1)?.phase).toBe('Pending');
  });

  it('reasons from its own last status write while the cache still shows the older bot', async () => {
    const c = fakeCluster(exampleBot());
    c.deps.memo = new StatusMemo();
    const stale = c.bots.get('traders', 'krw-majors')!;
    c.deps.status.write = async (_bot, status) => {
      c.statuses.push(status);
      return undefined; // the cache does not see this write yet
    };
    await reconcileTradingBot(req, c.deps, log);
    c.deps.now = () => new Date('2026-11-24T00:05:00Z');
    await reconcileTradingBot(req, c.deps, log);
    expect(c.bots.get('traders', 'krw-majors')).toBe(stale);
    expect(c.statuses).toHaveLength(1);
  });

  it('does nothing for a bot that is gone or being deleted', async () => {
    const c = fakeCluster(exampleBot());
    const gone: string[] = [];
    c.deps.onGone = (ns, name) => gone.push(`${ns}/${name}`);
    expect(await reconcileTradingBot({ namespace: 'traders', name: 'other' }, c.deps, log)).toEqual({});
    expect(gone).toEqual(['traders/other']);
    const bot = c.bots.get('traders', 'krw-majors')!;
    c.bots.items.set('traders/krw-majors', {
      ...bot,
      metadata: { ...bot.metadata, deletionTimestamp: '2026-11-24T00:00:00Z' },
    });
    expect(await reconcileTradingBot(req, c.deps, log)).toEqual({});
    expect(c.applied).toHaveLength(0);
  });

  it('fails with a coded error naming the child when an apply fails, and writes no status', async () => {
    const c = fakeCluster(exampleBot());
    c.deps.applier = {
      apply: async (child) => {
        if (child.kind === 'CronJob') throw new Error('admission webhook denied');
      },
    };
    await expect(reconcileTradingBot(req, c.deps, log)).rejects.toMatchObject({
      code: 'ApplyFailed',
      message: expect.stringContaining('CronJob traders/krw-majors-retrain'),
    });
    expect(c.statuses).toHaveLength(0);
  });
});
