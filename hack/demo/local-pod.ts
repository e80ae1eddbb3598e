// What a kubelet would do for a Pod, done for a local process instead: the local control plane
// has no nodes, so the demo and the README quick start run a Deployment's container as a process
// on this machine with the Pod's environment and the Pod's identity (a TokenRequest token for its
// ServiceAccount, so it has exactly the rights RBAC gives the Pod), and report the Pod Ready on its
// status subresource once the process answers its readiness probe — the signal a kubelet sends.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import {
  type CoreV1Api,
  type KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1Container,
  type V1Pod,
} from '@kubernetes/client-node';
import { DemoError } from './errors.ts';

/** Token lifetime: the demo and the quick start run for minutes; an hour leaves room. */
const TOKEN_SECONDS = 3600;

/** Writes a kubeconfig that authenticates as `serviceAccount` (TokenRequest API) and returns nothing. */
export async function writeServiceAccountKubeconfig(
  kc: KubeConfig,
  core: CoreV1Api,
  namespace: string,
  serviceAccount: string,
  file: string,
): Promise<void> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new DemoError('NoCluster', 'the kubeconfig has no current cluster');
  const token = await core.createNamespacedServiceAccountToken({
    namespace,
    name: serviceAccount,
    body: { spec: { audiences: ['https://kubernetes.default.svc'], expirationSeconds: TOKEN_SECONDS } },
  });
  const ca = cluster.caData
    ? { 'certificate-authority-data': cluster.caData }
    : cluster.caFile
      ? { 'certificate-authority': cluster.caFile }
      : { 'insecure-skip-tls-verify': cluster.skipTLSVerify };
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'local', cluster: { server: cluster.server, ...ca } }],
      users: [{ name: serviceAccount, user: { token: token.status?.token } }],
      contexts: [{ name: 'pod', context: { cluster: 'local', user: serviceAccount, namespace } }],
      'current-context': 'pod',
    }),
    { mode: 0o600 },
  );
}

/** A Secret's decoded data by Secret name, for the env a container takes from Secrets. */
export type SecretData = ReadonlyMap<string, Record<string, string>>;

/**
 * The container's environment as a kubelet would set it: literal values, the downward API's
 * metadata.name / metadata.namespace, and Secret keys (from `secrets`, read beforehand with
 * `readSecrets`). Anything else is refused, naming the variable.
 */
export function containerEnv(
  container: V1Container,
  pod: { name: string; namespace: string },
  secrets: SecretData = new Map(),
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const v of container.env ?? []) {
    const ref = v.valueFrom?.secretKeyRef;
    if (v.value !== undefined) env[v.name] = v.value;
    else if (v.valueFrom?.fieldRef?.fieldPath === 'metadata.name') env[v.name] = pod.name;
    else if (v.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace') env[v.name] = pod.namespace;
    else if (ref?.name && ref.key && secrets.get(ref.name)?.[ref.key] !== undefined)
      env[v.name] = secrets.get(ref.name)?.[ref.key] ?? '';
    else if (ref?.optional) continue;
    else if (v.valueFrom)
      throw new DemoError(
        'UnsupportedEnv',
        `container ${container.name}: env ${v.name} comes from ${JSON.stringify(v.valueFrom)}, which is not available to a local process (is the Secret there?)`,
      );
  }
  return env;
}

/** Reads the Secrets a container's env refers to (missing ones are left out; containerEnv names them). */
export async function readSecrets(
  core: CoreV1Api,
  namespace: string,
  container: V1Container,
): Promise<SecretData> {
  const names = new Set((container.env ?? []).flatMap((v) => v.valueFrom?.secretKeyRef?.name ?? []));
  const out = new Map<string, Record<string, string>>();
  for (const name of names) {
    const secret = await core.readNamespacedSecret({ namespace, name }).catch(() => undefined);
    if (!secret) continue;
    const data: Record<string, string> = {};
    for (const [k, b64] of Object.entries(secret.data ?? {}))
      data[k] = Buffer.from(b64, 'base64').toString('utf8');
    out.set(name, { ...data, ...(secret.stringData ?? {}) });
  }
  return out;
}

/** The newest Pod of a label selector (kube-controller-manager creates it from the ReplicaSet). */
export async function newestPod(
  core: CoreV1Api,
  namespace: string,
  labelSelector: string,
): Promise<V1Pod | undefined> {
  const pods = await core.listNamespacedPod({ namespace, labelSelector });
  const live = pods.items.filter((p) => !p.metadata?.deletionTimestamp);
  const created = (p: V1Pod) => new Date(p.metadata?.creationTimestamp ?? 0).getTime();
  live.sort((a, b) => created(a) - created(b));
  return live.at(-1);
}

/** Reports a Pod Running and Ready (or not ready) on its status subresource, as a kubelet would. */
export async function setPodReady(core: CoreV1Api, pod: V1Pod, ready: boolean): Promise<void> {
  const now = new Date().toISOString();
  await core.patchNamespacedPodStatus(
    {
      namespace: pod.metadata?.namespace ?? '',
      name: pod.metadata?.name ?? '',
      body: {
        status: {
          phase: 'Running',
          conditions: [
            { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: now },
            { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: now },
          ],
        },
      },
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}

/** Polls an HTTP probe until it answers 2xx; false when `timeoutMs` passed first. */
export async function probeOk(url: string, timeoutMs: number, intervalMs = 200): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return false;
}

/** A loopback port nobody listens on right now (for a listener the caller must know in advance). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? res(a.port) : rej(new Error('no free port'))));
    });
  });
}
