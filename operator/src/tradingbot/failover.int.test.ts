// Leader election and crash safety of the TradingBot operator on the real apiserver: an operator
// stopped mid-reconcile and a second replica taking over must converge to exactly one of each
// child (names are derived from the bot, applies are idempotent server-side applies).
import type { KubernetesObject } from '@kubernetes/client-node';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cluster, eventually, useNamespace } from '../../../test/cluster.ts';
import type { Manager } from '../controller/index.ts';
import { createBot, exampleManifest, getBot, installCrd, startOperator, TIMINGS } from './test-operator.ts';

const ns = useNamespace('tbha');
const managers: Manager[] = [];
const MANAGED = 'app.kubernetes.io/managed-by=kubetrade';

beforeAll(installCrd);
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
});

async function start(identity: string): Promise<Manager> {
  const m = await startOperator(ns(), { identity });
  managers.push(m);
  return m;
}

/** Every object labelled managed-by=kubetrade in the namespace, as `Kind/name`. */
async function managedChildren(namespace: string): Promise<string[]> {
  const out = await cluster().kubectl([
    'get',
    'configmaps,deployments,cronjobs,services,serviceaccounts,roles,rolebindings',
    '-n',
    namespace,
    '-l',
    'app.kubernetes.io/managed-by=kubetrade',
    '-o',
    'json',
  ]);
  const list = JSON.parse(out) as { items: KubernetesObject[] };
  return list.items.map((o) => `${o.kind}/${o.metadata?.name}`).sort();
}

async function reconciledBot(namespace: string, name: string) {
  return eventually(
    async () => {
      const bot = await getBot(namespace, name);
      return (
        bot.status?.observedGeneration === bot.metadata.generation && bot.status?.phase === 'Pending' && bot
      );
    },
    { what: `${namespace}/${name} reconciled`, timeoutMs: 120_000 },
  );
}

describe('TradingBot operator replicas', { timeout: 300_000 }, () => {
  it('elects one leader and fails over when it stops', async () => {
    const a = await start('replica-a');
    const b = await start('replica-b');
    const first = await eventually(async () => (a.isLeader || b.isLeader) && (a.isLeader ? a : b), {
      what: 'a leader',
    });
    const second = first === a ? b : a;
    expect(second.isLeader).toBe(false);

    // A crash: the lease is left to expire, not released.
    await first.stop({ releaseLease: false });
    managers.splice(managers.indexOf(first), 1);
    await eventually(async () => second.isLeader, {
      what: 'fail-over',
      timeoutMs: TIMINGS.leaseDurationMs * 5,
    });

    await createBot(exampleManifest(ns()));
    await reconciledBot(ns(), 'krw-majors');
    expect(await managedChildren(ns())).toHaveLength(7);
  });

  it('converges with no duplicate or lost child after being stopped mid-reconcile', async () => {
    const namespace = ns();
    const a = await start('replica-a');
    await eventually(async () => a.isLeader, { what: 'replica-a leads' });
    const names = Array.from({ length: 20 }, (_, i) => `bot-${i}`);
    await Promise.all(
      names.map((name) => createBot(exampleManifest(namespace, (b) => (b.metadata.name = name)))),
    );
    // Stop as soon as the first children exist: the other reconciles are cut off half way.
    await eventually(
      async () =>
        (await cluster().core.listNamespacedServiceAccount({ namespace, labelSelector: MANAGED })).items
          .length > 0,
      { intervalMs: 5, what: 'first child' },
    );
    await a.stop({ releaseLease: false });
    managers.splice(managers.indexOf(a), 1);
    const partial = await managedChildren(namespace);
    expect(partial.length).toBeLessThan(names.length * 7);

    await start('replica-b');
    for (const name of names) await reconciledBot(namespace, name);
    const children = await managedChildren(namespace);
    expect(children).toHaveLength(names.length * 7);
    expect(new Set(children).size).toBe(children.length);
    for (const name of names) {
      expect(children).toContain(`Deployment/${name}-runtime`);
      expect(children).toContain(`CronJob/${name}-retrain`);
    }
  });
});
