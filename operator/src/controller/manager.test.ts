import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { silentLogger } from './logger.ts';
import { Manager } from './manager.ts';
import { RESOURCES } from './resource.ts';

function offlineManager(): Manager {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:1', skipTLSVerify: false }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return new Manager({
    kubeConfig,
    log: silentLogger(),
    bindAddress: false,
    leaderElection: false,
    watchNamespace: 'bots',
  });
}

describe('Manager (not started)', () => {
  it('shares one informer per resource, namespace and label selector', () => {
    const m = offlineManager();
    const a = m.informer(RESOURCES.configMaps);
    expect(m.informer(RESOURCES.configMaps)).toBe(a);
    expect(a.namespace).toBe('bots');
    expect(m.informer(RESOURCES.configMaps, { labelSelector: 'x=y' })).not.toBe(a);
    expect(m.informer(RESOURCES.configMaps, { namespace: '' })).not.toBe(a);
    expect(m.informer(RESOURCES.deployments)).not.toBe(a);
  });

  it('is not ready before its informers listed, and refuses two controllers with one name', () => {
    const m = offlineManager();
    const primary = m.informer(RESOURCES.configMaps);
    expect(m.ready()).toBe(false);
    m.addController({ name: 'c', primary, reconcile: async () => ({}) });
    expect(() => m.addController({ name: 'c', primary, reconcile: async () => ({}) })).toThrow(
      /already registered/,
    );
  });
});
