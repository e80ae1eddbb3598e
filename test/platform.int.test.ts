// The platform issue's acceptance, against the real components: Node 24, a kube-apiserver built from
// source (with etcd and kube-controller-manager), PostgreSQL and Redis.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { cluster, eventually, installCrd, useNamespace } from './cluster.ts';
import { apiGet, postgresVersion, redisVersion } from './environment.ts';

const root = resolve(import.meta.dirname, '..');
const pinnedK8s = /K8S_VERSION="\$\{KUBETRADE_K8S_VERSION:-(v[0-9.]+)\}"/.exec(
  readFileSync(resolve(root, 'hack/control-plane.sh'), 'utf8'),
)?.[1];

describe('platform', () => {
  const ns = useNamespace('platform');

  it('runs on Node 24 or newer', () => {
    const major = Number(process.versions.node.split('.')[0]);
    console.log(`[platform] node ${process.version}`);
    expect(major).toBeGreaterThanOrEqual(24);
  });

  it('talks to the kube-apiserver built from the pinned version', async () => {
    const { status, body } = await apiGet(cluster().kubeconfigPath, '/version');
    expect(status).toBe(200);
    const gitVersion = (body as { gitVersion: string }).gitVersion;
    console.log(`[platform] kube-apiserver ${gitVersion}`);
    expect(pinnedK8s).toBeDefined();
    expect(gitVersion).toBe(pinnedK8s);
    const ready = await apiGet(cluster().kubeconfigPath, '/readyz');
    expect(ready.status).toBe(200);
  });

  it('has a real PostgreSQL and Redis', async () => {
    const pg = await postgresVersion(inject('databaseUrl'));
    const redis = await redisVersion(inject('redisUrl'));
    console.log(`[platform] PostgreSQL ${pg}; Redis ${redis}`);
    expect(pg).toMatch(/^\d+\.\d+/);
    expect(redis).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('accepts examples/tradingbot.yaml and rejects cycleSeconds: 1 naming the field', async () => {
    const { kubectl } = cluster();
    await installCrd();
    const out = await kubectl(['apply', '-n', ns(), '-f', resolve(root, 'examples/tradingbot.yaml')]);
    expect(out).toMatch(/tradingbot\.kubetrade\.io\/\S+ created/);

    const example = readFileSync(resolve(root, 'examples/tradingbot.yaml'), 'utf8');
    const bad = example
      .replace(/^(\s*)cycleSeconds:.*$/m, '$1cycleSeconds: 1')
      .replace(/name: \S+/, 'name: too-fast');
    expect(bad).toContain('cycleSeconds: 1');
    const err = await kubectl(['apply', '-n', ns(), '-f', '-'], bad).then(
      () => '',
      (e: Error) => e.message,
    );
    expect(err).toContain('spec.cycleSeconds');
    expect(err).toMatch(/should be greater than or equal to 10|Invalid value/);
  });

  it('garbage-collects an owned ConfigMap when its owner is deleted (kube-controller-manager runs)', async () => {
    const { core } = cluster();
    const owner = await core.createNamespacedConfigMap({
      namespace: ns(),
      body: { metadata: { name: 'owner' }, data: { role: 'owner' } },
    });
    await core.createNamespacedConfigMap({
      namespace: ns(),
      body: {
        metadata: {
          name: 'owned',
          ownerReferences: [
            {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              name: 'owner',
              uid: owner.metadata!.uid!,
              controller: true,
            },
          ],
        },
      },
    });
    await core.deleteNamespacedConfigMap({ namespace: ns(), name: 'owner' });
    await eventually(
      async () => {
        const list = await core.listNamespacedConfigMap({ namespace: ns() });
        return !list.items.some((cm) => cm.metadata?.name === 'owned');
      },
      { timeoutMs: 60_000, what: 'the garbage collector to delete the owned ConfigMap' },
    );
  });
});
