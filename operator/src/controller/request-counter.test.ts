import { describe, expect, it } from 'vitest';
import { ControllerMetrics } from './metrics.ts';
import { RequestCounter, resourceOfPath } from './request-counter.ts';

describe('resourceOfPath', () => {
  it.each([
    ['/api/v1/namespaces/ns/configmaps/x', 'configmaps'],
    ['/api/v1/namespaces/ns/configmaps', 'configmaps'],
    ['/api/v1/configmaps?watch=true', 'configmaps'],
    ['/api/v1/namespaces/ns', 'namespaces'],
    ['/apis/apps/v1/namespaces/ns/deployments/x/status', 'deployments/status'],
    ['/apis/kubetrade.io/v1alpha1/namespaces/ns/tradingbots/b/status', 'tradingbots/status'],
    ['/apis/coordination.k8s.io/v1/namespaces/ns/leases/l', 'leases'],
  ])('%s -> %s', (path, want) => {
    expect(resourceOfPath(path)).toBe(want);
  });
});

describe('RequestCounter', () => {
  it('counts writes, leaving reads, watches and Lease renewals out by default', async () => {
    const metrics = new ControllerMetrics();
    const counter = new RequestCounter(metrics.restRequests);
    counter.record('GET', '/api/v1/namespaces/ns/configmaps/x', 200);
    counter.record('WATCH', '/api/v1/namespaces/ns/configmaps', 200);
    counter.record('PUT', '/apis/coordination.k8s.io/v1/namespaces/ns/leases/op', 200);
    counter.record('PATCH', '/apis/apps/v1/namespaces/ns/deployments/d', 200);
    counter.record('PATCH', '/apis/kubetrade.io/v1alpha1/namespaces/ns/tradingbots/b/status', 200);
    counter.record('post', '/api/v1/namespaces/ns/configmaps', 0);
    expect(counter.writes()).toBe(3);
    expect(counter.writes({ excludeResources: [] })).toBe(4);
    expect(counter.writes({ includeResources: ['tradingbots/status'] })).toBe(1);
    const text = await metrics.registry.metrics();
    expect(text).toContain('rest_client_requests_total{method="PATCH",code="200"} 2');
    expect(text).toContain('rest_client_requests_total{method="POST",code="<error>"} 1');
  });
});
