// The integration tests' handle on the real control plane started by test/global-setup.ts.
// One control plane per test run; every test that asks gets a namespace of its own, deleted after.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { afterEach, beforeEach, inject } from 'vitest';

const run = promisify(execFile);

export interface TestCluster {
  kubeconfigPath: string;
  /** Folder with the built kubectl, helm, kube-apiserver, etcd. */
  binDir: string;
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  batch: k8s.BatchV1Api;
  objects: k8s.KubernetesObjectApi;
  /** Runs the built kubectl against this cluster; resolves with stdout, rejects with stderr. */
  kubectl(args: string[], input?: string): Promise<string>;
}

let shared: TestCluster | undefined;

export function cluster(): TestCluster {
  if (shared) return shared;
  const kubeconfigPath = inject('kubeconfig');
  const binDir = inject('kubeBinDir');
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  shared = {
    kubeconfigPath,
    binDir,
    kc,
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    batch: kc.makeApiClient(k8s.BatchV1Api),
    objects: k8s.KubernetesObjectApi.makeApiClient(kc),
    kubectl: (args, input) => kubectl(kubeconfigPath, binDir, args, input),
  };
  return shared;
}

async function kubectl(kubeconfig: string, binDir: string, args: string[], input?: string): Promise<string> {
  const child = run(`${binDir}/kubectl`, ['--kubeconfig', kubeconfig, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  try {
    const { stdout } = await child;
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(e.stderr?.trim() || e.message);
  }
}

const crdFile = new URL('../crds/tradingbot.yaml', import.meta.url).pathname;

/**
 * Installs (or updates) the generated TradingBot CRD with server-side apply and waits until the
 * apiserver serves it. The CRD is cluster-wide and shared by every test file of the run.
 */
export async function installCrd(): Promise<void> {
  const { kubectl } = cluster();
  await kubectl(['apply', '--server-side', '--force-conflicts', '-f', crdFile]);
  await kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/tradingbots.kubetrade.io']);
}

/**
 * Registers beforeEach/afterEach hooks that give every test of the calling file a fresh namespace.
 * Returns a getter: `const ns = useNamespace(); it('...', () => { ns() })`.
 */
export function useNamespace(prefix = 'kt'): () => string {
  let current = '';
  beforeEach(async () => {
    current = `${prefix}-${randomBytes(4).toString('hex')}`;
    await cluster().core.createNamespace({ body: { metadata: { name: current } } });
  });
  afterEach(async () => {
    if (!current) return;
    await cluster()
      .core.deleteNamespace({ name: current })
      .catch(() => undefined);
  });
  return () => current;
}

/** Polls `fn` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(
  fn: () => Promise<T | undefined | false>,
  { timeoutMs = 30_000, intervalMs = 100, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
  );
}
