// `hack/demo/operator-pod.sh start|stop [NAMESPACE]` — the Helm-installed operator's Pod, run as a
// local process, for clusters without a kubelet (the local control plane of hack/control-plane.sh).
// It reads the operator Deployment `helm install` made in NAMESPACE (default kubetrade-system) and
// runs its container's entry point (operator/src/main.ts, what the image runs) with that container's
// environment and as the chart's ServiceAccount (TokenRequest), so the chart's values and RBAC are
// what the process gets; then reports the Pod Ready as a kubelet would. One deviation: the metrics
// listener binds 127.0.0.1 on a free port instead of the container's :8080 on every interface.
// On a real cluster none of this is needed: the Pod runs.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { DemoError } from './errors.ts';
import {
  containerEnv,
  freePort,
  newestPod,
  probeOk,
  readSecrets,
  setPodReady,
  writeServiceAccountKubeconfig,
} from './local-pod.ts';

const root = resolve(import.meta.dirname, '../..');
const OPERATOR_SELECTOR = 'app.kubernetes.io/name=kubetrade-operator';
/** The operator's own start-up (informers synced, /readyz 200) took 1–3 s here; 60 s is for a loaded CI machine. */
const READY_TIMEOUT_MS = 60_000;

const stateDir =
  process.env.KUBETRADE_OPERATOR_POD_DIR ||
  join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kubetrade', 'run', 'operator-pod');

async function start(namespace: string): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const list = await apps.listNamespacedDeployment({ namespace, labelSelector: OPERATOR_SELECTOR });
  const deployment = list.items[0];
  const container = deployment?.spec?.template.spec?.containers[0];
  if (!deployment || !container)
    throw new DemoError(
      'NoOperator',
      `no kubetrade operator Deployment (${OPERATOR_SELECTOR}) in namespace ${namespace}; run helm install first`,
    );
  const pod = await newestPod(core, namespace, OPERATOR_SELECTOR);
  const podName = pod?.metadata?.name ?? `${deployment.metadata?.name}-local`;
  mkdirSync(stateDir, { recursive: true });
  const kubeconfig = join(stateDir, `${namespace}.kubeconfig`);
  const serviceAccount = deployment.spec?.template.spec?.serviceAccountName ?? 'default';
  await writeServiceAccountKubeconfig(kc, core, namespace, serviceAccount, kubeconfig);
  const port = await freePort();
  const env = {
    ...containerEnv(container, { name: podName, namespace }, await readSecrets(core, namespace, container)),
    KUBETRADE_METRICS_BIND_ADDRESS: `127.0.0.1:${port}`,
    KUBECONFIG: kubeconfig,
    PATH: process.env.PATH ?? '',
  };
  const log = join(stateDir, `${namespace}.log`);
  const out = openSync(log, 'a');
  const child = spawn(process.execPath, [resolve(root, 'operator/src/main.ts'), ...(container.args ?? [])], {
    env,
    detached: true,
    stdio: ['ignore', out, out],
  });
  child.unref();
  writeFileSync(join(stateDir, `${namespace}.pid`), String(child.pid));
  if (!(await probeOk(`http://127.0.0.1:${port}/readyz`, READY_TIMEOUT_MS))) {
    process.kill(child.pid!, 'SIGTERM');
    throw new DemoError(
      'NotReady',
      `the operator did not answer /readyz in ${READY_TIMEOUT_MS / 1000} s; its log: ${log}`,
    );
  }
  if (pod) await setPodReady(core, pod, true);
  console.log(
    `operator Pod ${podName} runs here as pid ${child.pid} (ServiceAccount ${serviceAccount}, env of Deployment ${deployment.metadata?.name}); metrics http://127.0.0.1:${port}/metrics; log ${log}`,
  );
}

function stop(namespace: string): void {
  const pidFile = join(stateDir, `${namespace}.pid`);
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8'));
  } catch {
    console.log(`no local operator Pod for namespace ${namespace}`);
    return;
  }
  try {
    process.kill(pid, 'SIGTERM');
    console.log(`stopped the local operator Pod (pid ${pid})`);
  } catch {
    console.log(`the local operator Pod (pid ${pid}) was not running`);
  }
  rmSync(pidFile, { force: true });
}

const [verb, namespace = 'kubetrade-system'] = process.argv.slice(2);
if (verb === 'start') {
  start(namespace).catch((err) => {
    console.error(`operator-pod: ${(err as Error).message}`);
    process.exit(1);
  });
} else if (verb === 'stop') {
  stop(namespace);
} else {
  console.error('usage: hack/demo/operator-pod.sh start|stop [NAMESPACE]   (default kubetrade-system)');
  process.exit(2);
}
