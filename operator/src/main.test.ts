// The CLI edge: a bad flag or env value stops start-up before anything touches the cluster.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, '../bin/kubetrade-operator.js');

async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      timeout: 20_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('kubetrade-operator CLI', () => {
  it('exits 2 with a JSON log line naming the flag, env var and value', async () => {
    const { code, stdout } = await cli(['--max-concurrent-reconciles=0']);
    expect(code).toBe(2);
    const line = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(line.level).toBe('error');
    expect(line.flag).toBe('max-concurrent-reconciles');
    expect(line.envVar).toBe('KUBETRADE_MAX_CONCURRENT_RECONCILES');
    expect(line.value).toBe('0');
    expect(line.msg).toContain('from 1 to 64');
  });

  it('rejects a bad environment value the same way', async () => {
    const { code, stdout } = await cli([], { KUBETRADE_SYNC_PERIOD: 'often' });
    expect(code).toBe(2);
    expect(stdout).toContain('KUBETRADE_SYNC_PERIOD');
    expect(stdout).toContain('often');
  });

  it('exits 1 with a JSON line when the kubeconfig cannot be read', async () => {
    const { code, stdout } = await cli(['--leader-elect=false', '--metrics-bind-address=0'], {
      KUBECONFIG: '/nonexistent/kubeconfig',
    });
    expect(code).toBe(1);
    const line = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(line.msg).toBe('operator failed to start');
    expect(line.err.code).toBe('ENOENT');
  });

  it('exits 1 with a JSON line when the metrics port is taken', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as net.AddressInfo;
    const dir = mkdtempSync(join(tmpdir(), 'kt-main-'));
    // A cluster nobody listens on: the server binds before anything talks to the apiserver.
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\n' +
        'users: [{name: u, user: {}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n',
    );
    try {
      const { code, stdout } = await cli(
        [`--metrics-bind-address=127.0.0.1:${port}`, '--leader-elect=false'],
        {
          KUBECONFIG: kubeconfig,
        },
      );
      expect(code).toBe(1);
      const line = JSON.parse(stdout.trim().split('\n').at(-1)!);
      expect(line.msg).toBe('operator failed to start');
      expect(line.err.code).toBe('EADDRINUSE');
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints every flag on --help', async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--leader-election-namespace');
    expect(stdout).toContain('KUBETRADE_RUNTIME_IMAGE');
  });
});
