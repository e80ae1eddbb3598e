// Two managers in one process campaign for one Lease on the real apiserver: exactly one leads and
// reconciles; on a graceful stop the Lease is released and the other takes over at once; on a
// crash (no release) the other takes over only after the lease duration — never before.
import type { KubernetesObject } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { cluster, eventually, useNamespace } from '../../../test/cluster.ts';
import { silentLogger } from './logger.ts';
import { Manager } from './manager.ts';
import { RESOURCES } from './resource.ts';
import { kubeConfigVia, serverAddress } from './testing/kubeconfig.ts';
import { TcpProxy } from './testing/tcp-proxy.ts';

const ns = useNamespace('leader');
const running: Manager[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((m) => m.stop()));
});

// Short but in controller-runtime's proportions (15 s / 10 s / 2 s).
// Renew deadline with room for a loaded machine (shared 2 cores, load average ~20 measured): a
// late renewal must not make a healthy leader step down in the middle of a test.
const TIMINGS = { leaseDurationMs: 6000, renewDeadlineMs: 4500, retryPeriodMs: 300 };

function startManager(
  id: string,
  reconciled: string[],
  kubeConfig = cluster().kc,
  onLostLeadership?: () => void,
): Manager {
  const manager = new Manager({
    kubeConfig,
    onLostLeadership,
    log: silentLogger(),
    bindAddress: '127.0.0.1:0',
    leaderElection: { namespace: ns(), name: 'kubetrade-test', identity: id, timings: TIMINGS },
    watchNamespace: ns(),
    informerTimings: { backoffInitialMs: 50 },
  });
  const configMaps = manager.informer<KubernetesObject>(RESOURCES.configMaps);
  manager.addController({
    name: 'configmaps',
    primary: configMaps,
    reconcile: async (req) => {
      reconciled.push(`${id} ${req.name}`);
      return {};
    },
  });
  running.push(manager);
  return manager;
}

async function masterStatus(manager: Manager): Promise<number> {
  const text = await (await fetch(`${manager.address}/metrics`)).text();
  const m = /^leader_election_master_status\{name="kubetrade-test"\} (\d)$/m.exec(text);
  if (!m) throw new Error('leader_election_master_status missing from /metrics');
  return Number(m[1]);
}

async function leaseSpec(): Promise<{ holderIdentity?: string; renewTime?: string } | undefined> {
  const lease = await cluster().objects.read({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { namespace: ns(), name: 'kubetrade-test' },
  });
  const spec = (lease as { spec?: { holderIdentity?: string; renewTime?: Date | string } }).spec;
  return (
    spec && {
      holderIdentity: spec.holderIdentity,
      renewTime: spec.renewTime === undefined ? undefined : new Date(spec.renewTime).toISOString(),
    }
  );
}

async function holder(): Promise<string | undefined> {
  const lease = await cluster().objects.read({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { namespace: ns(), name: 'kubetrade-test' },
  });
  return (lease as { spec?: { holderIdentity?: string } }).spec?.holderIdentity;
}

async function electedPair(reconciled: string[]) {
  const a = startManager('a', reconciled);
  const b = startManager('b', reconciled);
  await Promise.all([a.start(), b.start()]);
  const leader = await eventually(async () => [a, b].find((m) => m.isLeader), { what: 'a leader' });
  const follower = leader === a ? b : a;
  return { leader, follower, leaderId: leader === a ? 'a' : 'b', followerId: leader === a ? 'b' : 'a' };
}

describe('leader election with two managers', () => {
  it('elects exactly one leader; on graceful stop the follower takes over at once', async () => {
    const reconciled: string[] = [];
    const { leader, follower, leaderId, followerId } = await electedPair(reconciled);
    // Give the follower several retry periods to (wrongly) grab the Lease too.
    await new Promise((r) => setTimeout(r, TIMINGS.retryPeriodMs * 4));
    expect(leader.isLeader && !follower.isLeader).toBe(true);
    expect(await holder()).toBe(leaderId);
    expect(await masterStatus(leader)).toBe(1);
    expect(await masterStatus(follower)).toBe(0);
    await eventually(async () => (await fetch(`${follower.address}/readyz`)).status === 200, {
      what: 'warm follower',
    });

    await cluster().core.createNamespacedConfigMap({ namespace: ns(), body: { metadata: { name: 'work' } } });
    await eventually(async () => reconciled.includes(`${leaderId} work`), { what: 'leader reconciles' });
    expect(reconciled.some((r) => r.startsWith(`${followerId} `))).toBe(false);

    const stoppedAt = performance.now();
    await leader.stop();
    await eventually(async () => follower.isLeader, { timeoutMs: 10_000, what: 'take-over' });
    const takeoverMs = performance.now() - stoppedAt;
    // Released Lease: the follower's next poll wins, well inside one lease duration.
    expect(takeoverMs).toBeLessThan(TIMINGS.leaseDurationMs);
    expect(await holder()).toBe(followerId);
    expect(await masterStatus(follower)).toBe(1);
    await eventually(async () => reconciled.includes(`${followerId} work`), {
      what: 'new leader reconciles',
    });
  });

  it('after a crash (no release) the follower waits out the lease, then takes over', async () => {
    const reconciled: string[] = [];
    const { leader, follower, followerId } = await electedPair(reconciled);
    const crashedAt = Date.now();
    await leader.stop({ releaseLease: false });
    // The crashed leader's last renewal, as written in the Lease (same clock: one process).
    const lastRenew = Date.parse((await leaseSpec())?.renewTime ?? '');
    expect(lastRenew).toBeLessThanOrEqual(Date.now());
    await eventually(async () => follower.isLeader, {
      timeoutMs: 15_000,
      intervalMs: 20,
      what: 'take-over after crash',
    });
    const tookOverAt = Date.now();
    // Safety: nobody else leads until a full lease duration after the last renewal.
    expect(tookOverAt - lastRenew).toBeGreaterThanOrEqual(TIMINGS.leaseDurationMs);
    // Liveness: within the lease duration plus a few retry periods of the crash (slack for load).
    expect(tookOverAt - crashedAt).toBeLessThan(TIMINGS.leaseDurationMs + 4000);
    expect(await holder()).toBe(followerId);
    expect(await masterStatus(follower)).toBe(1);
  });

  it('a leader cut off from the apiserver steps down before anyone else can lead', async () => {
    const proxy = await TcpProxy.start(serverAddress(cluster().kc));
    const reconciled: string[] = [];
    let lost = 0;
    const a = startManager(
      'a',
      reconciled,
      kubeConfigVia(cluster().kc, `https://127.0.0.1:${proxy.port}`),
      () => lost++,
    );
    try {
      await a.start();
      await eventually(async () => a.isLeader, { what: 'a leads' });
      const b = startManager('b', reconciled);
      await b.start();
      // Sample both replicas all along: at no moment may both believe they lead.
      let overlaps = 0;
      const sampler = setInterval(() => {
        if (a.isLeader && b.isLeader) overlaps++;
      }, 5);
      const cutAt = Date.now();
      proxy.block();
      await eventually(async () => !a.isLeader, { timeoutMs: 10_000, intervalMs: 20, what: 'a steps down' });
      const steppedDownAt = Date.now();
      expect(lost).toBe(1);
      expect(await masterStatus(a)).toBe(0);
      // Steps down once the renew deadline passes, before its lease could expire for b.
      expect(steppedDownAt - cutAt).toBeLessThan(TIMINGS.leaseDurationMs);
      await eventually(async () => b.isLeader, { timeoutMs: 15_000, what: 'b takes over' });
      clearInterval(sampler);
      expect(overlaps).toBe(0);
      expect(await holder()).toBe('b');
      await cluster().core.createNamespacedConfigMap({
        namespace: ns(),
        body: { metadata: { name: 'after-cut' } },
      });
      await eventually(async () => reconciled.includes('b after-cut'), { what: 'b reconciles' });
      expect(reconciled.includes('a after-cut')).toBe(false);
    } finally {
      await proxy.close();
    }
  });
});
