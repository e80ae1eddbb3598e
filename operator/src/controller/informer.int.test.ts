// The informer against the real apiserver: events, label selectors, resync, and the ways a watch
// dies in production — connections cut, a connection that silently stalls. Each must end with the
// cache equal to the apiserver's state. The 410 Gone path is in informer.test.ts against a fake
// apiserver: kube-apiserver 1.34's watch cache answered a watch from resourceVersion "1" with
// ADDED events even right after an etcd compaction (measured), so a real 410 cannot be provoked
// on demand without overflowing the watch cache window.
import type { V1ConfigMap } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { cluster, eventually, useNamespace } from '../../../test/cluster.ts';
import { Informer, type InformerTimings } from './informer.ts';
import { KubeHttp } from './kube-http.ts';
import { RESOURCES } from './resource.ts';
import { kubeConfigVia, serverAddress } from './testing/kubeconfig.ts';
import { TcpProxy } from './testing/tcp-proxy.ts';

const ns = useNamespace('informer');
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const FAST: Partial<InformerTimings> = { backoffInitialMs: 50, backoffMaxMs: 400, resyncPeriodMs: 0 };

function startInformer(
  http = new KubeHttp(cluster().kc),
  options: ConstructorParameters<typeof Informer>[2] = {},
): Informer<V1ConfigMap> {
  const informer = new Informer<V1ConfigMap>(http, RESOURCES.configMaps, {
    namespace: ns(),
    ...options,
    timings: { ...FAST, ...options.timings },
  });
  informer.start();
  cleanups.push(() => informer.stop());
  return informer;
}

async function createCm(name: string, data: Record<string, string> = {}, labels?: Record<string, string>) {
  await cluster().core.createNamespacedConfigMap({
    namespace: ns(),
    body: { metadata: { name, labels }, data },
  });
}

/** namespace-local name -> data.v for every ConfigMap we created (kube-root-ca.crt left out). */
function snapshot(items: V1ConfigMap[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const cm of items) if (cm.metadata?.name !== 'kube-root-ca.crt') out[cm.metadata!.name!] = cm.data?.v;
  return out;
}

async function serverSnapshot() {
  return snapshot((await cluster().core.listNamespacedConfigMap({ namespace: ns() })).items);
}

async function converged(informer: Informer<V1ConfigMap>, what: string, timeoutMs = 20_000) {
  await eventually(
    async () => {
      const want = await serverSnapshot();
      return JSON.stringify(snapshot(informer.list())) === JSON.stringify(want);
    },
    { timeoutMs, what },
  );
  expect(snapshot(informer.list())).toEqual(await serverSnapshot());
}

describe('Informer on a real apiserver', () => {
  it('sees create, update and delete, and honours a label selector', async () => {
    const events: string[] = [];
    await createCm('before', { v: '0' });
    const informer = startInformer();
    const labelled = startInformer(undefined, { labelSelector: 'kubetrade.io/test=yes' });
    informer.addHandler({
      add: (o) => events.push(`add ${o.metadata?.name}`),
      update: (_, o) => events.push(`update ${o.metadata?.name} ${o.data?.v}`),
      delete: (o) => events.push(`delete ${o.metadata?.name}`),
    });
    await informer.waitForSync();
    expect(informer.hasSynced()).toBe(true);
    expect(informer.get(ns(), 'before')?.data?.v).toBe('0');
    expect(informer.get(ns(), 'before')?.kind).toBe('ConfigMap');

    await createCm('a', { v: '1' }, { 'kubetrade.io/test': 'yes' });
    await eventually(async () => informer.get(ns(), 'a'), { what: 'add of a' });
    await cluster().core.patchNamespacedConfigMap({
      namespace: ns(),
      name: 'a',
      body: [{ op: 'replace', path: '/data/v', value: '2' }],
    });
    await eventually(async () => informer.get(ns(), 'a')?.data?.v === '2', { what: 'update of a' });
    await cluster().core.deleteNamespacedConfigMap({ namespace: ns(), name: 'a' });
    await eventually(async () => !informer.get(ns(), 'a'), { what: 'delete of a' });

    expect(events).toContain('add a');
    expect(events).toContain('update a 2');
    expect(events).toContain('delete a');
    expect(events.filter((e) => e === 'add before')).toHaveLength(1);
    await labelled.waitForSync();
    expect(labelled.get(ns(), 'before')).toBeUndefined();
    expect(informer.list(ns()).length).toBeGreaterThanOrEqual(1);
    expect(informer.list('another-namespace')).toEqual([]);
  });

  it('re-lists and calls resync for every object each resync period', async () => {
    await createCm('r1', { v: '1' });
    await createCm('r2', { v: '1' });
    const resynced = new Set<string>();
    const informer = startInformer(undefined, { timings: { resyncPeriodMs: 500 } });
    informer.addHandler({ resync: (o) => resynced.add(o.metadata!.name!) });
    await eventually(async () => resynced.has('r1') && resynced.has('r2'), { what: 'resync of r1 and r2' });
    expect(informer.stats.lists).toBeGreaterThanOrEqual(2);
  });

  it('catches up after every connection to the apiserver is cut while objects change', async () => {
    const proxy = await TcpProxy.start(serverAddress(cluster().kc));
    cleanups.push(() => proxy.close());
    const http = new KubeHttp(kubeConfigVia(cluster().kc, `https://127.0.0.1:${proxy.port}`));
    for (let i = 0; i < 5; i++) await createCm(`cm-${i}`, { v: '0' });
    const informer = startInformer(http);
    await informer.waitForSync();
    await converged(informer, 'initial sync');

    for (let round = 1; round <= 3; round++) {
      await eventually(async () => proxy.open > 0, { what: 'a watch connection through the proxy' });
      expect(proxy.cut()).toBeGreaterThan(0);
      // Change the world while the informer is disconnected (these go to the apiserver directly).
      await createCm(`new-${round}`, { v: String(round) });
      await cluster().core.patchNamespacedConfigMap({
        namespace: ns(),
        name: 'cm-0',
        body: [{ op: 'replace', path: '/data/v', value: String(round) }],
      });
      await cluster().core.deleteNamespacedConfigMap({ namespace: ns(), name: `cm-${round}` });
      proxy.cut();
      await converged(informer, `convergence after cut ${round}`);
    }
    expect(informer.get(ns(), 'cm-0')?.data?.v).toBe('3');
    expect(informer.stats.errors + informer.stats.watches).toBeGreaterThan(3);
  });

  it('restarts a watch whose connection stalls silently (inactivity timeout)', async () => {
    const proxy = await TcpProxy.start(serverAddress(cluster().kc));
    cleanups.push(() => proxy.close());
    const http = new KubeHttp(kubeConfigVia(cluster().kc, `https://127.0.0.1:${proxy.port}`));
    const informer = startInformer(http, { timings: { inactivityTimeoutMs: 1500 } });
    await informer.waitForSync();
    // An event seen through the watch proves the watch connection is up before we freeze it.
    await createCm('probe', { v: 'p' });
    await eventually(async () => informer.get(ns(), 'probe'), { what: 'probe seen through the watch' });
    const restartsBefore = informer.stats.inactivityRestarts;
    expect(proxy.stall()).toBeGreaterThan(0);
    await createCm('during-stall', { v: 'x' });
    await eventually(async () => informer.get(ns(), 'during-stall'), {
      timeoutMs: 15_000,
      what: 'object made during the stall',
    });
    expect(informer.stats.inactivityRestarts).toBeGreaterThan(restartsBefore);
    expect(informer.stats.errors).toBe(0);
  });
});
