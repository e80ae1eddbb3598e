// Starts the real components integration tests stand on, once per test run:
// kube-apiserver + etcd + kube-controller-manager (hack/control-plane.sh) and PostgreSQL + Redis
// (hack/services.sh). What was already running (a developer's `up`, CI's services) is reused and
// left running; what this setup started, it stops.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { componentVersions, parseExports } from './environment.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
    kubeBinDir: string;
    databaseUrl: string;
    redisUrl: string;
  }
}

const root = resolve(import.meta.dirname, '..');

function runHack(script: string, verb: string): Record<string, string> {
  const out = execFileSync('bash', [resolve(root, 'hack', script), verb], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 15 * 60_000,
  });
  return parseExports(out);
}

function isRunning(script: string): boolean {
  try {
    execFileSync('bash', [resolve(root, 'hack', script), 'status'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// Several test runs may share one control plane and one set of services (a developer running two
// files in two terminals). Each run registers itself; the last run to leave stops what a test run
// started — never what a person started with `up` by hand.
const runDir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kubetrade', 'run', 'test-runs');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function register(): void {
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(runDir, String(process.pid)), '');
}

/** Unregisters this run; true when no other live run is left. */
function unregister(): boolean {
  rmSync(join(runDir, String(process.pid)), { force: true });
  const others = readdirSync(runDir).filter((f) => /^\d+$/.test(f));
  let live = 0;
  for (const f of others) {
    if (alive(Number(f))) live++;
    else rmSync(join(runDir, f), { force: true });
  }
  return live === 0;
}

function markStartedByTests(what: string, started: boolean): void {
  if (started) writeFileSync(join(runDir, `started-${what}`), '');
}

function takeStartedByTests(what: string): boolean {
  const marker = join(runDir, `started-${what}`);
  const started = existsSync(marker);
  rmSync(marker, { force: true });
  return started;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  register();
  markStartedByTests('control-plane', !isRunning('control-plane.sh'));
  const cp = runHack('control-plane.sh', 'up');
  const kubeconfig = cp.KUBECONFIG;
  const binDir = (cp.PATH ?? '').split(':')[0] ?? '';
  if (!kubeconfig) throw new Error('hack/control-plane.sh up printed no KUBECONFIG export');

  let databaseUrl = process.env.DATABASE_URL ?? '';
  let redisUrl = process.env.REDIS_URL ?? '';
  if (!databaseUrl || !redisUrl) {
    markStartedByTests('services', !isRunning('services.sh'));
    const svc = runHack('services.sh', 'up');
    databaseUrl ||= svc.DATABASE_URL ?? '';
    redisUrl ||= svc.REDIS_URL ?? '';
  }
  if (!databaseUrl || !redisUrl) throw new Error('hack/services.sh up printed no DATABASE_URL/REDIS_URL');

  const versions = await componentVersions({ kubeconfig, databaseUrl, redisUrl });
  // One line a person (and CI's log) reads to know what the integration tests really ran against.
  console.log(
    `[kubetrade] integration tests on node ${process.version}; kube-apiserver ${versions.kubeApiserver}; ` +
      `PostgreSQL ${versions.postgres}; Redis ${versions.redis}`,
  );

  project.provide('kubeconfig', kubeconfig);
  project.provide('kubeBinDir', binDir);
  project.provide('databaseUrl', databaseUrl);
  project.provide('redisUrl', redisUrl);

  return async () => {
    if (!unregister()) return; // another test run still uses them
    if (takeStartedByTests('control-plane') && process.env.KUBETRADE_KEEP_CONTROL_PLANE !== '1') {
      runHack('control-plane.sh', 'down');
    }
    if (takeStartedByTests('services') && process.env.KUBETRADE_KEEP_SERVICES !== '1')
      runHack('services.sh', 'down');
  };
}
