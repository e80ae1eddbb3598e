// Issue 8: `npm run demo` runs to its end in CI's non-interactive mode against this test run's
// control plane (the demo is handed its kubeconfig, so it starts no second one), and what it
// printed proves the product: the bot reached Running, the runtime traded (and its bot's status
// shows the runtime's own trade count), /metrics served kubetrade_ series, and the rollback
// scenario rolled back to the stable revision, which then runs.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cluster, eventually } from './cluster.ts';

const root = resolve(import.meta.dirname, '..');
const namespace = `demo-${randomBytes(4).toString('hex')}`;
const interrupted = `demo-int-${randomBytes(4).toString('hex')}`;

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

/** `npm run demo` in CI mode on this run's control plane, in its own process group. */
function startDemo(ns: string) {
  const child = spawn('npm', ['run', 'demo'], {
    cwd: root,
    // Its own process group: it receives a SIGINT as a terminal's Ctrl-C would send it.
    detached: true,
    env: {
      ...process.env,
      KUBETRADE_DEMO_CI: '1',
      KUBETRADE_DEMO_KUBECONFIG: cluster().kubeconfigPath,
      KUBETRADE_DEMO_NAMESPACE: ns,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const demo = { child, out: '', exited: new Promise<number | null>((r) => child.on('exit', r)) };
  child.stdout.on('data', (d) => {
    demo.out += d;
  });
  child.stderr.on('data', (d) => {
    demo.out += d;
  });
  return demo;
}

describe('npm run demo (CI mode)', () => {
  afterAll(async () => {
    for (const name of [namespace, interrupted])
      await cluster()
        .core.deleteNamespace({ name })
        .catch(() => undefined);
  });

  it('reconciles, trades a replayed real market, serves /metrics and rolls back', async () => {
    const demo = startDemo(namespace);
    const timer = setTimeout(() => process.kill(-demo.child.pid!, 'SIGINT'), 140_000);
    const code = await demo.exited;
    clearTimeout(timer);
    const out = demo.out;
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
  }, 150_000); // ~50 s here; the bound is for a loaded CI machine
  it('cleans up everything it started on Ctrl-C (SIGINT to its process group)', async () => {
    const { core } = cluster();
    const demo = startDemo(interrupted);
    // Interrupt while the runtime trades (the bot is Running).
    await eventually(async () => demo.out.includes('[demo:check] phase '), {
      timeoutMs: 60_000,
      what: 'the bot to run',
    });
    const out = demo.out;
    const pids = [...out.matchAll(/(?:operator|runtime) pid (\d+)/g)].map((m) => Number(m[1]));
    const work = /temp files in (\S+)/.exec(out)?.[1] ?? '';
    expect(pids.length, out.slice(-3000)).toBeGreaterThanOrEqual(2);
    process.kill(-demo.child.pid!, 'SIGINT');
    await demo.exited;
    // npm may exit before the demo's own cleanup has finished; its pipe stays open until then.
    await eventually(async () => demo.out.includes('[demo] cleaned up'), {
      timeoutMs: 30_000,
      what: 'the demo to clean up',
    });
    const gone = (pid: number) => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    };
    expect(
      pids.filter((p) => !gone(p)),
      'processes the demo started and left running',
    ).toEqual([]);
    expect(existsSync(work), `temp folder ${work}`).toBe(false);
    const ns = await core.readNamespace({ name: interrupted }).catch(() => undefined);
    expect(ns === undefined || ns.metadata?.deletionTimestamp !== undefined, 'namespace deleted').toBe(true);
    expect(demo.out).toContain(`namespace ${interrupted} deleted`);
  });
});
