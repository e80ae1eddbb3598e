import { describe, expect, it } from 'vitest';
import { desiredDeployment } from '../../operator/src/tradingbot/workload.ts';
import { DEFAULT_WORKLOAD_CONFIG } from '../../operator/src/tradingbot/workload-config.ts';
import { containerEnv } from './local-pod.ts';

const pod = { name: 'op-abc', namespace: 'kubetrade-system' };

describe('containerEnv (the env a kubelet would set)', () => {
  it('takes literal values and the downward API name/namespace', () => {
    expect(
      containerEnv(
        {
          name: 'operator',
          env: [
            { name: 'A', value: '1' },
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          ],
        },
        pod,
      ),
    ).toEqual({ A: '1', POD_NAME: 'op-abc', POD_NAMESPACE: 'kubetrade-system' });
  });

  it('takes Secret keys from the Secrets read beforehand, and names a variable it cannot set', () => {
    const container = {
      name: 'runtime',
      env: [{ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'pg-app', key: 'uri' } } }],
    };
    expect(containerEnv(container, pod, new Map([['pg-app', { uri: 'postgres://x' }]]))).toEqual({
      DATABASE_URL: 'postgres://x',
    });
    expect(() => containerEnv(container, pod)).toThrow(/DATABASE_URL/);
  });

  it("gives a paper bot's runtime the operator's identity variables", () => {
    const deployment = desiredDeployment(
      {
        apiVersion: 'kubetrade.io/v1alpha1',
        kind: 'TradingBot',
        metadata: { name: 'krw-majors', namespace: 'demo' },
        spec: { markets: ['KRW-BTC'] },
      } as Parameters<typeof desiredDeployment>[0],
      DEFAULT_WORKLOAD_CONFIG,
    );
    const container = deployment.spec?.template.spec?.containers[0];
    expect(containerEnv(container!, pod)).toEqual({
      KUBETRADE_BOT_NAMESPACE: 'demo',
      KUBETRADE_BOT_NAME: 'krw-majors',
    });
  });
});
