// The informer's 410 Gone handling against a scripted fake apiserver (a real kube-apiserver 1.34
// will not answer 410 on demand; see informer.int.test.ts for the real-apiserver paths).
import type { V1ConfigMap } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { Informer } from './informer.ts';
import { KubeHttp } from './kube-http.ts';
import { RESOURCES } from './resource.ts';
import { FakeApiserver, type WatchScript } from './testing/fake-apiserver.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(script: WatchScript[], initialResourceVersion?: string) {
  const fake = await FakeApiserver.start(script);
  cleanups.push(() => fake.close());
  const informer = new Informer<V1ConfigMap>(new KubeHttp(fake.kubeConfig()), RESOURCES.configMaps, {
    namespace: 'ns',
    initialResourceVersion,
    timings: { backoffInitialMs: 10, resyncPeriodMs: 0 },
  });
  cleanups.push(() => informer.stop());
  return { fake, informer };
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
};

describe('Informer and 410 Gone', () => {
  it('re-lists when the watch start is answered with HTTP 410', async () => {
    const { fake, informer } = await setup(['gone-status'], '5');
    fake.putSilently('a', '1');
    informer.start();
    await informer.waitForSync();
    expect(fake.watchRequests[0]).toBe('5');
    expect(informer.stats.goneRelists).toBe(1);
    expect(informer.stats.errors).toBe(0);
    expect(fake.lists).toBe(1);
    expect(informer.get('ns', 'a')?.data?.v).toBe('1');
    // After the re-list it watches from the list's resourceVersion, not the expired one.
    await until(() => fake.watchRequests.length === 2);
    expect(fake.watchRequests[1]).toBe(informer.lastResourceVersion);
  });

  it('re-lists on an ERROR 410 event and reports what changed meanwhile', async () => {
    const { fake, informer } = await setup(['hold']);
    fake.putSilently('keep', '1');
    fake.putSilently('gone', '1');
    const events: string[] = [];
    informer.addHandler({
      add: (o) => events.push(`add ${o.metadata?.name}`),
      update: (_, o) => events.push(`update ${o.metadata?.name}`),
      delete: (o) => events.push(`delete ${o.metadata?.name}`),
    });
    informer.start();
    await informer.waitForSync();
    await until(() => fake.watchRequests.length === 1);
    fake.deleteSilently('gone');
    fake.putSilently('keep', '2');
    fake.putSilently('new', '1');
    fake.expireWatches();
    await until(() => fake.lists === 2 && informer.get('ns', 'new') !== undefined);
    expect(informer.stats.goneRelists).toBe(1);
    expect(informer.get('ns', 'gone')).toBeUndefined();
    expect(informer.get('ns', 'keep')?.data?.v).toBe('2');
    expect(events).toEqual(['add keep', 'add gone', 'update keep', 'add new', 'delete gone']);
  });
});
