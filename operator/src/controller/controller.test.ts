import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it, vi } from 'vitest';
import { Controller, outcomeOf } from './controller.ts';
import type { Informer, InformerHandler } from './informer.ts';
import { silentLogger } from './logger.ts';
import { ControllerMetrics } from './metrics.ts';
import { RESOURCES, type ResourceRef } from './resource.ts';
import type { WorkQueue } from './work-queue.ts';

function fakeQueue() {
  return { addRateLimited: vi.fn(), addAfter: vi.fn(), forget: vi.fn(), add: vi.fn() };
}

describe('outcomeOf: the one reconcile-result -> requeue policy', () => {
  const cases: Array<
    [string, Parameters<typeof outcomeOf>[0], unknown, string, Record<string, unknown[] | undefined>]
  > = [
    ['thrown error', undefined, new Error('boom'), 'error', { addRateLimited: ['ns/a'] }],
    [
      'error wins over a result',
      { requeueAfter: 10 },
      new Error('boom'),
      'error',
      { addRateLimited: ['ns/a'] },
    ],
    [
      'requeueAfter',
      { requeueAfter: 30_000 },
      undefined,
      'requeue_after',
      { forget: ['ns/a'], addAfter: ['ns/a', 30_000] },
    ],
    ['requeue', { requeue: true }, undefined, 'requeue', { addRateLimited: ['ns/a'] }],
    ['requeueAfter 0 means done', { requeueAfter: 0 }, undefined, 'success', { forget: ['ns/a'] }],
    ['empty result', {}, undefined, 'success', { forget: ['ns/a'] }],
    ['nothing returned', undefined, undefined, 'success', { forget: ['ns/a'] }],
  ];
  it.each(cases)('%s', (_, result, error, label, calls) => {
    const q = fakeQueue();
    const outcome = outcomeOf(result, error);
    expect(outcome.label).toBe(label);
    outcome.requeue(q as unknown as WorkQueue, 'ns/a');
    for (const name of ['addRateLimited', 'addAfter', 'forget', 'add'] as const) {
      const want = calls[name];
      if (want) expect(q[name]).toHaveBeenCalledWith(...want);
      else expect(q[name]).not.toHaveBeenCalled();
    }
  });
});

// A stand-in for an Informer: a fixed cache and a way to fire handler events.
function fakeInformer(resource: ResourceRef, objects: KubernetesObject[] = []) {
  const handlers = new Set<InformerHandler<KubernetesObject>>();
  const fake = {
    resource,
    list: () => objects,
    waitForSync: () => Promise.resolve(),
    addHandler: (h: InformerHandler<KubernetesObject>) => {
      handlers.add(h);
      return () => handlers.delete(h);
    },
    fire: (call: (h: InformerHandler<KubernetesObject>) => void) => {
      for (const h of handlers) call(h);
    },
    handlerCount: () => handlers.size,
  };
  return fake;
}

const BOTS: ResourceRef = {
  group: 'kubetrade.io',
  version: 'v1alpha1',
  plural: 'tradingbots',
  kind: 'TradingBot',
};
const owned = (name: string, owner: string): KubernetesObject => ({
  metadata: {
    namespace: 'ns',
    name,
    ownerReferences: [
      { apiVersion: 'kubetrade.io/v1alpha1', kind: 'TradingBot', name: owner, uid: 'u', controller: true },
    ],
  },
});

describe('Controller event routing', () => {
  it('reconciles existing primaries on start, and owners when their children change', async () => {
    const bots = fakeInformer(BOTS, [{ metadata: { namespace: 'ns', name: 'a' } }]);
    const deployments = fakeInformer(RESOURCES.deployments);
    const seen: string[] = [];
    const controller = new Controller(
      {
        name: 'test',
        primary: bots as unknown as Informer,
        owns: [deployments as unknown as Informer],
        reconcile: async (req) => {
          seen.push(req.key);
          return {};
        },
      },
      { metrics: new ControllerMetrics(), log: silentLogger() },
    );
    deployments.fire((h) => h.add?.(owned('ignored-before-start', 'z')));
    await controller.start();
    await vi.waitFor(() => expect(seen).toEqual(['ns/a']));
    deployments.fire((h) => h.update?.(owned('d', 'x'), owned('d', 'y')));
    await vi.waitFor(() => expect(seen.slice(1).sort()).toEqual(['ns/x', 'ns/y']));
    deployments.fire((h) => h.delete?.({ metadata: { namespace: 'ns', name: 'orphan' } }));
    bots.fire((h) => h.resync?.({ metadata: { namespace: 'ns', name: 'b' } }));
    await vi.waitFor(() => expect(seen.at(-1)).toBe('ns/b'));
    expect(seen).not.toContain('ns/orphan');
    expect(seen).not.toContain('ns/z');
    await controller.stop();
    expect(bots.handlerCount() + deployments.handlerCount()).toBe(0);
    bots.fire((h) => h.add?.({ metadata: { namespace: 'ns', name: 'after-stop' } }));
    expect(seen).not.toContain('ns/after-stop');
  });

  it('counts every outcome in controller_runtime_reconcile_total', async () => {
    const bots = fakeInformer(BOTS, [
      { metadata: { namespace: 'ns', name: 'ok' } },
      { metadata: { namespace: 'ns', name: 'later' } },
    ]);
    const metrics = new ControllerMetrics();
    const controller = new Controller(
      {
        name: 'counted',
        primary: bots as unknown as Informer,
        concurrency: 2,
        reconcile: async (req) => (req.name === 'later' ? { requeueAfter: 60_000 } : {}),
      },
      { metrics, log: silentLogger() },
    );
    await controller.start();
    await vi.waitFor(async () => {
      const values = (await metrics.reconcileTotal.get()).values;
      expect(values.map((v) => `${v.labels.result}=${v.value}`).sort()).toEqual([
        'requeue_after=1',
        'success=1',
      ]);
    });
    await controller.stop();
  });
});
