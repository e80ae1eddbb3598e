// The rollback step inside the reconcile story, with in-memory caches: a trip renders the stable
// revision's config, is announced once and only after the status records it.
import type { KubernetesObject, V1ControllerRevision } from '@kubernetes/client-node';
import type { TradingBot } from '@kubetrade/crds';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../controller/logger.ts';
import { CHILD_KINDS, type ChildKind } from '../tradingbot/cache.ts';
import { type ReconcilerDeps, reconcileTradingBot } from '../tradingbot/reconciler.ts';
import { exampleBot } from '../tradingbot/testing.ts';
import { DEFAULT_WORKLOAD_CONFIG } from '../tradingbot/workload-config.ts';
import { ANNOTATION_REVISION_START } from './revisions.ts';

const NOW = new Date('2026-11-23T03:00:00Z'); // 12:00 KST; 20..22 are complete days
const bad = [
  { date: '2026-11-20', returnPct: -2.5 },
  { date: '2026-11-21', returnPct: -2 },
  { date: '2026-11-22', returnPct: -4 },
];

function harness(bot: TradingBot) {
  let current = bot;
  const revisions = new Map<string, V1ControllerRevision>();
  const configs: string[] = [];
  const announced: string[] = [];
  let failStatus = false;
  const empty = { get: () => undefined };
  const deps: ReconcilerDeps = {
    bots: { get: () => current },
    children: Object.fromEntries(CHILD_KINDS.map((k) => [k, empty])) as Record<ChildKind, typeof empty>,
    secrets: empty,
    applier: {
      apply: async (child) => {
        if (child.kind === 'ConfigMap')
          configs.push(String((child as { data?: Record<string, string> }).data?.['runtime-config.json']));
      },
    },
    status: {
      write: async (_b, status) => {
        if (failStatus) throw new Error('apiserver unavailable');
        current = { ...current, status: { ...current.status, ...status } };
        return undefined;
      },
    },
    workload: DEFAULT_WORKLOAD_CONFIG,
    now: () => NOW,
    resyncAfterMs: 600_000,
    revisions: {
      cache: { list: () => [...revisions.values()] as KubernetesObject[] },
      writer: {
        apply: async (r) => void revisions.set(r.metadata?.name ?? '', structuredClone(r)),
        delete: async (_ns, name) => void revisions.delete(name),
      },
    },
    onRolledBack: async (_b, plan) => void announced.push(plan.rollbackNow?.message ?? ''),
  };
  const reconcile = () =>
    reconcileTradingBot({ namespace: 'trading', name: 'krw-majors' }, deps, silentLogger());
  return {
    reconcile,
    revisions,
    configs,
    announced,
    bot: () => current,
    edit: (f: (b: TradingBot) => TradingBot) => (current = f(current)),
    failStatus: (v: boolean) => (failStatus = v),
  };
}

const runningConfig = (h: ReturnType<typeof harness>) => JSON.parse(h.configs.at(-1) ?? '{}');

describe('reconcile with the rollback rule', () => {
  it('runs the stable revision after a trip and announces it once, after the status write', async () => {
    const start = exampleBot({ namespace: 'trading' });
    start.metadata.uid = 'u1';
    const h = harness(start);
    await h.reconcile();
    const v1 = h.bot().status?.currentRevision;
    h.edit((b) => ({
      ...b,
      metadata: { ...b.metadata, generation: 2 },
      spec: { ...b.spec, cycleSeconds: 300 },
    }));
    await h.reconcile();
    const v2 = h.bot().status?.currentRevision;
    expect(h.bot().status?.stableRevision).toBe(v1);
    expect(h.revisions.size).toBe(2);
    // v2 has run four days; the runtime reports three bad ones.
    const v2rev = [...h.revisions.values()].find((r) => r.metadata?.name?.endsWith(v2 ?? '-'));
    if (!v2rev?.metadata?.annotations) throw new Error('revision 2 not stored');
    v2rev.metadata.annotations[ANNOTATION_REVISION_START] = '2026-11-19T00:00:00Z';
    h.edit((b) => ({ ...b, status: { ...b.status, performance: { revision: v2, dailyReturns: bad } } }));

    h.failStatus(true);
    await expect(h.reconcile()).rejects.toThrow('apiserver unavailable');
    expect(h.announced).toEqual([]);

    h.failStatus(false);
    await h.reconcile();
    expect(h.announced).toHaveLength(1);
    expect(h.announced[0]).toContain('2026-11-22 -4.00%');
    expect(h.bot().status?.phase).toBe('RolledBack');
    expect(runningConfig(h).revision).toBe(v1);
    expect(runningConfig(h).spec.cycleSeconds).toBe(60);
    expect(h.bot().spec.cycleSeconds).toBe(300);

    await h.reconcile();
    expect(h.announced).toHaveLength(1);
    expect(h.bot().status?.rollbacks).toHaveLength(1);
  });
});
