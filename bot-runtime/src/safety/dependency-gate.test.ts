import { Registry } from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import { DependencyGate, type GateLogRecord } from './dependency-gate.ts';

function setup() {
  const registry = new Registry();
  const logs: GateLogRecord[] = [];
  const health = { postgres: true, redis: true, exchange: true };
  const gate = new DependencyGate({ registry, log: (r) => logs.push(r) });
  const check = (name: keyof typeof health) => () => {
    if (!health[name]) throw new Error(`${name} is down`);
  };
  gate
    .add('postgres', check('postgres'), { timeoutMs: 1_000 })
    .add('redis', check('redis'), { timeoutMs: 1_000, gatesExits: false })
    .add('exchange', check('exchange'), { timeoutMs: 1_000 });
  const gauge = async () =>
    Object.fromEntries(
      ((await registry.getSingleMetric('kubetrade_dependency_up')!.get()).values ?? []).map((v) => [
        v.labels.dependency,
        v.value,
      ]),
    );
  return { gate, logs, health, gauge };
}

describe('DependencyGate', () => {
  it('is closed before the first probe (fail closed at start-up)', () => {
    const { gate } = setup();
    expect(gate.canOpenPositions()).toBe(false);
    expect(gate.readiness().reasons).toEqual([
      'postgres: not probed yet',
      'redis: not probed yet',
      'exchange: not probed yet',
    ]);
  });

  it('opens when every probe passes, closes on one failure with the reason, reopens by itself', async () => {
    const { gate, logs, health, gauge } = setup();
    await gate.probe();
    expect(gate.canOpenPositions()).toBe(true);
    expect(gate.readiness()).toEqual({ ready: true, reasons: [] });
    expect(gate.readyz()).toEqual({ status: 200, body: 'ok\n' });
    expect(await gauge()).toEqual({ postgres: 1, redis: 1, exchange: 1 });

    health.exchange = false;
    await gate.probe();
    await gate.probe();
    await gate.probe();
    expect(gate.canOpenPositions()).toBe(false);
    expect(gate.canClosePositions()).toBe(false);
    expect(gate.readiness()).toEqual({ ready: false, reasons: ['exchange: exchange is down'] });
    expect(gate.readyz()).toEqual({ status: 503, body: 'not ready:\nexchange: exchange is down\n' });
    expect(await gauge()).toEqual({ postgres: 1, redis: 1, exchange: 0 });

    health.exchange = true;
    await gate.probe();
    expect(gate.canOpenPositions()).toBe(true);
    // One line per transition, not per probe: 3 ups, 1 down, 1 up.
    expect(logs.map((l) => `${l.msg} ${l.dependency}`)).toEqual([
      'dependency up postgres',
      'dependency up redis',
      'dependency up exchange',
      'dependency down exchange',
      'dependency up exchange',
    ]);
    expect(logs[3]).toMatchObject({ level: 'warn', error: 'exchange is down' });
  });

  it('a dependency that only gates entries (redis) still lets positions be closed', async () => {
    const { gate, health } = setup();
    health.redis = false;
    await gate.probe();
    expect(gate.canOpenPositions()).toBe(false);
    expect(gate.canClosePositions()).toBe(true);
  });

  it('a hung probe counts as down after its timeout', async () => {
    const gate = new DependencyGate({ log: () => undefined });
    gate.add('postgres', () => new Promise(() => undefined), { timeoutMs: 20 });
    await gate.probe();
    expect(gate.readiness().reasons).toEqual(['postgres: postgres probe timed out after 20 ms']);
  });

  it('takes pushed observations between probes, and refuses unknown names', async () => {
    const { gate, logs } = setup();
    await gate.probe();
    gate.report('redis', false, 'Redis connection closed');
    gate.report('redis', false, 'Redis connection closed');
    expect(gate.canOpenPositions()).toBe(false);
    gate.report('redis', true);
    expect(gate.canOpenPositions()).toBe(true);
    expect(logs.filter((l) => l.dependency === 'redis').map((l) => l.msg)).toEqual([
      'dependency up',
      'dependency down',
      'dependency up',
    ]);
    expect(() => gate.report('kafka', true)).toThrow(/unknown dependency kafka/);
  });

  it('two gates on one registry share the gauge instead of failing to register it twice', () => {
    const registry = new Registry();
    new DependencyGate({ registry }).add('postgres', () => undefined, { timeoutMs: 1 });
    expect(() => new DependencyGate({ registry })).not.toThrow();
  });
  it('stop() during a probe in flight ends the probe loop (a stopped runtime must be able to exit)', async () => {
    const gate = new DependencyGate({ log: () => undefined });
    let probes = 0;
    let release: () => void = () => undefined;
    gate.add(
      'postgres',
      () => {
        probes++;
        // The second probe (the first of the loop) hangs until the test releases it.
        return probes === 2 ? new Promise<void>((r) => (release = r)) : undefined;
      },
      { timeoutMs: 1_000 },
    );
    await gate.start(1);
    await vi.waitFor(() => expect(probes).toBe(2));
    gate.stop();
    release();
    await new Promise((r) => setTimeout(r, 30));
    expect(probes).toBe(2);
  });
});
