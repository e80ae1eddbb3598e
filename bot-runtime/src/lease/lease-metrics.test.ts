import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { LEASE_HOLDER_METRIC, LEASE_TOKEN_METRIC, registerLeaseMetrics } from './lease-metrics.ts';

function lease(state: { held: boolean; token: number }) {
  return {
    isHeld: () => state.held,
    fencingToken: () => {
      if (!state.held) throw new Error('not held');
      return state.token;
    },
  };
}

async function value(registry: Registry, name: string): Promise<number | undefined> {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name);
  return m?.values[0]?.value;
}

describe('registerLeaseMetrics', () => {
  it('follows the lease at every scrape: holder 1 with its token, 0 and 0 on standby', async () => {
    const registry = new Registry();
    const state = { held: false, token: 0 };
    registerLeaseMetrics(registry, lease(state));
    expect(await value(registry, LEASE_HOLDER_METRIC)).toBe(0);
    expect(await value(registry, LEASE_TOKEN_METRIC)).toBe(0);
    state.held = true;
    state.token = 7;
    expect(await value(registry, LEASE_HOLDER_METRIC)).toBe(1);
    expect(await value(registry, LEASE_TOKEN_METRIC)).toBe(7);
    // Lapsed without an event (TTL ran out): the next scrape says so.
    state.held = false;
    expect(await value(registry, LEASE_HOLDER_METRIC)).toBe(0);
    expect(await registry.metrics()).toContain(`${LEASE_HOLDER_METRIC} 0`);
  });

  it('unregisters both gauges', async () => {
    const registry = new Registry();
    const off = registerLeaseMetrics(registry, lease({ held: true, token: 1 }));
    off();
    expect(await value(registry, LEASE_HOLDER_METRIC)).toBeUndefined();
    expect(registry.getSingleMetric(LEASE_TOKEN_METRIC)).toBeUndefined();
  });
});
