// The real process against the real apiserver: starts, serves /healthz and /metrics, takes the
// Lease, and on SIGTERM exits 0 after releasing the Lease (so a follower takes over at once).
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cluster, eventually, useNamespace } from '../../test/cluster.ts';

const BIN = resolve(import.meta.dirname, '../bin/kubetrade-operator.js');
const ns = useNamespace('main');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

async function leaseSpec(): Promise<{ holderIdentity?: string; leaseDurationSeconds?: number } | undefined> {
  const lease = await cluster()
    .objects.read({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { namespace: ns(), name: 'kubetrade-operator' },
    })
    .catch(() => undefined);
  return (lease as { spec?: { holderIdentity?: string; leaseDurationSeconds?: number } } | undefined)?.spec;
}

describe('kubetrade-operator process', () => {
  it('serves health and metrics, leads, and releases the Lease on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        BIN,
        `--metrics-bind-address=127.0.0.1:${port}`,
        `--leader-election-namespace=${ns()}`,
        `--watch-namespace=${ns()}`,
      ],
      {
        env: { PATH: process.env.PATH ?? '', KUBECONFIG: cluster().kubeconfigPath, POD_NAME: 'op-test' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    let logs = '';
    child.stdout?.on('data', (d) => {
      logs += String(d);
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));

    await eventually(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200, {
      what: '/healthz',
    });
    const spec = await eventually(
      async () => {
        const s = await leaseSpec();
        return s?.holderIdentity?.startsWith('op-test_') ? s : undefined;
      },
      { what: 'the Lease held by the process' },
    );
    expect(spec.leaseDurationSeconds).toBe(15);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('leader_election_master_status{name="kubetrade-operator"} 1');
    expect(metrics).toMatch(
      /rest_client_requests_total\{method="PUT",code="200"\} \d+|rest_client_requests_total\{method="POST",code="201"\} \d+/,
    );

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const released = await leaseSpec();
    expect(released?.holderIdentity ?? '').toBe('');
    expect(released?.leaseDurationSeconds).toBe(1);
    // Every log line is one JSON object with level, time and msg.
    const lines = logs
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(2);
    for (const l of lines)
      expect(typeof l.level === 'string' && typeof l.time === 'string' && typeof l.msg === 'string').toBe(
        true,
      );
    expect(lines.some((l) => l.msg === 'shutting down' && l.signal === 'SIGTERM')).toBe(true);
  });
});
