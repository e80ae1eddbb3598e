// A port already taken is another port, not a failure: a second control plane, asked for a port
// this test holds, comes up on a different one and says so. It also shows `up` is idempotent.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiGet, parseExports } from './environment.ts';

const run = promisify(execFile);
const script = resolve(import.meta.dirname, '../hack/control-plane.sh');
const stateDir = mkdtempSync(join(tmpdir(), 'kt-cp-second-'));
let holder: Server;
let heldPort = 0;

function cp(verb: string, env: Record<string, string> = {}) {
  return run('bash', [script, verb], {
    env: { ...process.env, KUBETRADE_CP_DIR: stateDir, ...env },
    timeout: 180_000,
  });
}

beforeAll(async () => {
  holder = createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  heldPort = (holder.address() as { port: number }).port;
});

afterAll(async () => {
  await cp('down').catch(() => undefined);
  holder.close();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('hack/control-plane.sh up', () => {
  it('moves to a free port when the preferred one is taken, and a second up reuses the running one', async () => {
    const first = await cp('up', { KUBETRADE_APISERVER_PORT: String(heldPort) });
    expect(first.stderr).toContain(`port ${heldPort} for kube-apiserver is taken; using`);
    const exports = parseExports(first.stdout);
    expect(exports.KUBECONFIG).toBe(join(stateDir, 'admin.kubeconfig'));
    const readyz = await apiGet(exports.KUBECONFIG!, '/readyz');
    expect(readyz.status).toBe(200);

    const second = await cp('up');
    expect(second.stderr).toContain('already running');
    expect(parseExports(second.stdout).KUBECONFIG).toBe(exports.KUBECONFIG);

    await cp('down');
    await expect(cp('status')).rejects.toThrow();
  });
});
