// The CLI edge: a bad flag or env value stops start-up before anything touches the cluster.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
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

  it('prints every flag on --help', async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--leader-election-namespace');
    expect(stdout).toContain('KUBETRADE_RUNTIME_IMAGE');
  });
});
