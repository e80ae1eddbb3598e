// Issue 8: `npm run demo` runs to its end in CI's non-interactive mode against this test run's
// control plane (the demo is handed its kubeconfig, so it starts no second one), and what it
// printed proves the product: the bot reached Running, the runtime traded (and its bot's status
// shows the runtime's own trade count), /metrics served kubetrade_ series, and the rollback
// scenario rolled back to the stable revision, which then runs.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cluster } from './cluster.ts';

const root = resolve(import.meta.dirname, '..');
const namespace = `demo-${randomBytes(4).toString('hex')}`;

/** `[demo:check] name k=v ...` lines, by name (the last one wins). */
function checks(out: string): Map<string, Record<string, string>> {
  const found = new Map<string, Record<string, string>>();
  for (const line of out.split('\n')) {
    const m = /^\[demo:check\] (\S+) ?(.*)$/.exec(line);
    if (!m) continue;
    const fields: Record<string, string> = {};
    for (const kv of (m[2] ?? '').split(' ').filter(Boolean)) {
      const i = kv.indexOf('=');
      fields[kv.slice(0, i)] = kv.slice(i + 1);
    }
    found.set(m[1]!, fields);
  }
  return found;
}

describe('npm run demo (CI mode)', () => {
  afterAll(async () => {
    await cluster()
      .core.deleteNamespace({ name: namespace })
      .catch(() => undefined);
  });

  it('reconciles, trades a replayed real market, serves /metrics and rolls back', async () => {
    const { kubeconfigPath } = cluster();
    const child = spawn('npm', ['run', 'demo'], {
      cwd: root,
      env: {
        ...process.env,
        KUBETRADE_DEMO_CI: '1',
        KUBETRADE_DEMO_KUBECONFIG: kubeconfigPath,
        KUBETRADE_DEMO_NAMESPACE: namespace,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const timer = setTimeout(() => child.kill('SIGINT'), 110_000);
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    clearTimeout(timer);
    // Kept for a person reading a CI failure (and for README's sample output).
    mkdirSync(resolve(root, '.test-results'), { recursive: true });
    writeFileSync(resolve(root, '.test-results/demo.out'), out);
    const tail = out.slice(-6000);
    expect(code, tail).toBe(0);

    const c = checks(out);
    expect(c.get('done'), tail).toEqual({ ok: '1' });
    expect(c.get('reconciled')?.bot).toBe('krw-majors');
    expect(c.get('phase')?.phase, 'the bot reached Running').toBe('Running');

    const trades = c.get('trades')!;
    expect(Number(trades.runtime), 'the runtime traded').toBeGreaterThan(0);
    expect(Number(trades.status), "status.performance shows the runtime's own trade count").toBe(
      Number(trades.runtime),
    );
    expect(Number(trades.fills)).toBeGreaterThanOrEqual(Number(trades.runtime));

    expect(Number(c.get('metrics')?.kubetrade_samples)).toBeGreaterThan(0);
    expect(out).toMatch(/^ {2}kubetrade_arm_equity\{.*\} [0-9.e+]+$/m);

    const rb = c.get('rollback')!;
    expect(rb.phase).toBe('RolledBack');
    expect(rb.reason).toBe('DrawdownRule');
    expect(rb.event).toBe('DrawdownRule');
    expect(rb.running, 'the stable revision runs again').toBe(rb.stable);
    expect(rb.runtime_revision, 'the runtime started from the stable ConfigMap').toBe(rb.stable);
    expect(rb.running).not.toBe(rb.from);
    expect(Number(rb.rollbacks_total)).toBeGreaterThanOrEqual(1);
    // The demo cleaned up what it started.
    expect(out).toContain(`namespace ${namespace} deleted`);
  });
});
