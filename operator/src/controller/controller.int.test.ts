// A controller on the real apiserver, end to end through the manager: primary events and owned
// children both reach reconcile (children via their controller ownerReference), failures are
// retried with back-off and counted, writes through manager clients are counted, and the
// health/metrics server tells the truth.
import { CoreV1Api, type V1ConfigMap } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { cluster, eventually, useNamespace } from '../../../test/cluster.ts';
import { silentLogger } from './logger.ts';
import { Manager } from './manager.ts';
import { RESOURCES } from './resource.ts';

const ns = useNamespace('ctrl');
const running: Manager[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((m) => m.stop()));
});

function metricValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('Controller through the Manager', () => {
  it('reconciles primaries and owners of changed children, retries failures, counts everything', async () => {
    const manager = new Manager({
      kubeConfig: cluster().kc,
      log: silentLogger(),
      bindAddress: '127.0.0.1:0',
      leaderElection: false,
      watchNamespace: ns(),
    });
    running.push(manager);
    const parents = manager.informer<V1ConfigMap>(RESOURCES.configMaps, { labelSelector: 'role=parent' });
    const children = manager.informer<V1ConfigMap>(RESOURCES.configMaps, { labelSelector: 'role=child' });
    const core = manager.client(CoreV1Api);
    const calls: string[] = [];
    let failuresLeft = 2;
    manager.addController({
      name: 'parents',
      primary: parents,
      owns: [children],
      concurrency: 2,
      reconcile: async (req) => {
        calls.push(req.name);
        const parent = parents.get(req.namespace, req.name);
        if (!parent) return {};
        if (parent.data?.fail === 'yes' && failuresLeft-- > 0) throw new Error('transient failure');
        // Create the child once (a write through the counted client), later only read the cache.
        if (!children.get(req.namespace, `${req.name}-child`)) {
          await core
            .createNamespacedConfigMap({
              namespace: req.namespace,
              body: {
                metadata: {
                  name: `${req.name}-child`,
                  labels: { role: 'child' },
                  ownerReferences: [
                    {
                      apiVersion: 'v1',
                      kind: 'ConfigMap',
                      name: req.name,
                      uid: parent.metadata!.uid!,
                      controller: true,
                    },
                  ],
                },
              },
            })
            .catch((err: { code?: number }) => {
              if (err.code !== 409) throw err;
            });
        }
        return {};
      },
    });
    await manager.start();
    expect((await fetch(`${manager.address}/healthz`)).status).toBe(200);
    await eventually(async () => (await fetch(`${manager.address}/readyz`)).status === 200, {
      what: 'readyz',
    });

    await cluster().core.createNamespacedConfigMap({
      namespace: ns(),
      body: { metadata: { name: 'p1', labels: { role: 'parent' } }, data: { fail: 'yes' } },
    });
    await eventually(async () => children.get(ns(), 'p1-child'), { what: 'child created after retries' });
    const p1Runs = () => calls.filter((c) => c === 'p1').length;
    expect(p1Runs()).toBeGreaterThanOrEqual(3);

    // A change to the child wakes its owner.
    const before = p1Runs();
    await cluster().core.patchNamespacedConfigMap({
      namespace: ns(),
      name: 'p1-child',
      body: [{ op: 'add', path: '/data', value: { touched: 'yes' } }],
    });
    await eventually(async () => p1Runs() > before, { what: 'owner reconciled after child change' });

    const metrics = await (await fetch(`${manager.address}/metrics`)).text();
    expect(
      metricValue(metrics, 'controller_runtime_reconcile_total{controller="parents",result="error"}'),
    ).toBe(2);
    expect(metricValue(metrics, 'controller_runtime_reconcile_errors_total{controller="parents"}')).toBe(2);
    expect(
      metricValue(metrics, 'controller_runtime_reconcile_total{controller="parents",result="success"}'),
    ).toBeGreaterThanOrEqual(2);
    expect(metricValue(metrics, 'workqueue_retries_total{name="parents"}')).toBe(2);
    expect(metricValue(metrics, 'workqueue_adds_total{name="parents"}')).toBeGreaterThanOrEqual(4);
    expect(metrics).toContain('workqueue_depth{name="parents"}');
    expect(metrics).toContain(
      'controller_runtime_reconcile_time_seconds_bucket{le="0.005",controller="parents"}',
    );
    expect(metrics).toContain('workqueue_queue_duration_seconds_count{name="parents"}');
    expect(metrics).toContain('workqueue_work_duration_seconds_count{name="parents"}');
    expect(metricValue(metrics, 'rest_client_requests_total{method="POST",code="201"}')).toBe(1);
    expect(metrics).toContain(
      `kubetrade_informer_synced{resource="configmaps",namespace="${ns()}",selector="role=parent"} 1`,
    );
    expect(metrics).toContain(
      `kubetrade_informer_restarts{resource="configmaps",namespace="${ns()}",selector="role=child",reason="error"} 0`,
    );
    // The reconciles after the child existed (including the one the child's change caused) wrote nothing.
    expect(manager.requests.writes()).toBe(1);
    expect(manager.requests.writes({ includeResources: ['configmaps'] })).toBe(1);
  });

  it('requeueAfter reconciles the key again without an event', async () => {
    const manager = new Manager({
      kubeConfig: cluster().kc,
      log: silentLogger(),
      bindAddress: false,
      leaderElection: false,
      watchNamespace: ns(),
    });
    running.push(manager);
    const cms = manager.informer<V1ConfigMap>(RESOURCES.configMaps, { labelSelector: 'role=timer' });
    let runs = 0;
    manager.addController({
      name: 'timer',
      primary: cms,
      reconcile: async () => {
        runs++;
        return { requeueAfter: 100 };
      },
    });
    await manager.start();
    await cluster().core.createNamespacedConfigMap({
      namespace: ns(),
      body: { metadata: { name: 't', labels: { role: 'timer' } } },
    });
    await eventually(async () => runs >= 4, { what: 'four periodic reconciles' });
    const text = await manager.metrics.registry.getSingleMetricAsString('controller_runtime_reconcile_total');
    expect(
      metricValue(text, 'controller_runtime_reconcile_total{controller="timer",result="requeue_after"}'),
    ).toBeGreaterThanOrEqual(4);
  });
});

describe('EventRecorder', () => {
  it('writes an events.k8s.io Event about an object once per distinct fact', async () => {
    const manager = new Manager({
      kubeConfig: cluster().kc,
      log: silentLogger(),
      bindAddress: false,
      leaderElection: false,
    });
    running.push(manager);
    const cm = await cluster().core.createNamespacedConfigMap({
      namespace: ns(),
      body: { metadata: { name: 'subject' } },
    });
    const recorder = manager.eventRecorder('kubetrade.io/test');
    const obj = { ...cm, apiVersion: 'v1', kind: 'ConfigMap' };
    expect(await recorder.record(obj, 'Warning', 'RolledBack', 'daily return -2.4% three days running')).toBe(
      true,
    );
    expect(await recorder.record(obj, 'Warning', 'RolledBack', 'daily return -2.4% three days running')).toBe(
      false,
    );
    expect(await recorder.record(obj, 'Normal', 'Recovered', 'back on the current revision')).toBe(true);
    const events = await cluster().kubectl(['get', 'events.events.k8s.io', '-n', ns(), '-o', 'json']);
    const items = (
      JSON.parse(events) as {
        items: Array<{
          reason: string;
          note: string;
          regarding: { uid: string };
          reportingController: string;
        }>;
      }
    ).items;
    expect(items.map((e) => e.reason).sort()).toEqual(['Recovered', 'RolledBack']);
    expect(
      items.every(
        (e) => e.regarding.uid === cm.metadata?.uid && e.reportingController === 'kubetrade.io/test',
      ),
    ).toBe(true);
    expect(manager.requests.writes({ includeResources: ['events'] })).toBe(2);
  });
});
