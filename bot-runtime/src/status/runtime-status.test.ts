import { applyDefaults, type Performance } from '@kubetrade/crds';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { RuntimeStatus } from './runtime-status.ts';

const spec = applyDefaults({});
const report = {
  revision: 'r1',
  equityKRW: 10_000_000,
  maxDrawdownPct: -1,
  trades: 2,
  arms: [],
  dailyReturns: [{ date: '2026-11-22', returnPct: -2.5 }],
  layers: [],
  dataCompleteness: [],
};

describe('RuntimeStatus', () => {
  it('reports each cycle once and counts the outcome in the metrics', async () => {
    const writes: Performance[] = [];
    const registry = new Registry();
    const status = new RuntimeStatus({
      spec,
      registry,
      sink: { writePerformance: async (p) => void writes.push(p) },
      now: () => new Date('2026-11-23T03:00:00Z'),
    });
    expect(await status.cycle(report)).toEqual({ written: true });
    expect(await status.cycle(report)).toEqual({ written: false, reason: 'unchanged' });
    expect(writes).toHaveLength(1);
    const text = await registry.metrics();
    expect(text).toContain('kubetrade_status_writes_total{result="written"} 1');
    expect(text).toContain('kubetrade_status_writes_total{result="unchanged"} 1');
    expect(text).toContain('kubetrade_rollback_bad_days 1');
  });

  it('runs metrics only outside a cluster, and refuses half an identity', async () => {
    const local = RuntimeStatus.fromEnv(spec, new Registry(), {});
    expect(local.reporting).toBe(false);
    expect(await local.cycle(report)).toBeUndefined();
    expect(() => RuntimeStatus.fromEnv(spec, new Registry(), { KUBETRADE_BOT_NAME: 'b' })).toThrow(
      /KUBETRADE_BOT_NAMESPACE/,
    );
  });
});
