// What every act of the demo shares: the cluster clients, kubectl, the demo's namespace and temp
// folder, the printing conventions (human lines, `$ kubectl ...` echoes, `[demo:check]` lines for
// CI), and starting a bot's runtime the way its Pod would run.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { AppsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import type { TradingBot } from '@kubetrade/crds';
import { DemoError } from './errors.ts';
import {
  containerEnv,
  newestPod,
  probeOk,
  readSecrets,
  setPodReady,
  writeServiceAccountKubeconfig,
} from './local-pod.ts';
import { RuntimeProcess } from './runtime-process.ts';

const run = promisify(execFile);
export const root = resolve(import.meta.dirname, '../..');

export interface RunOptions {
  data: string;
  speed: number;
  cycles: number;
  /** How many fill lines to echo (the rest are counted). */
  showFills: number;
  /** Wait until the Deployment runs this revision (after a rollback the operator re-renders it). */
  revision?: string;
}

export class Demo {
  readonly kc = new KubeConfig();
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly custom: CustomObjectsApi;
  readonly runtimes = new Set<RuntimeProcess>();
  readonly namespace: string;
  readonly work: string;

  constructor(namespace: string, work: string) {
    this.namespace = namespace;
    this.work = work;
    this.kc.loadFromDefault();
    this.core = this.kc.makeApiClient(CoreV1Api);
    this.apps = this.kc.makeApiClient(AppsV1Api);
    this.custom = this.kc.makeApiClient(CustomObjectsApi);
  }

  readonly #t0 = Date.now();

  say(text: string): void {
    const at = ((Date.now() - this.#t0) / 1000).toFixed(1);
    process.stdout.write(`\n\x1b[1m[demo] ${text}\x1b[0m  (+${at} s)\n`);
  }

  /** A machine-checkable line: `[demo:check] name key=value ...` (test/demo.int.test.ts reads them). */
  check(name: string, fields: Record<string, string | number>): void {
    const kv = Object.entries(fields).map(([k, v]) => `${k}=${String(v).replace(/\s+/g, '_')}`);
    process.stdout.write(`[demo:check] ${name} ${kv.join(' ')}\n`);
  }

  /** Runs kubectl in the demo's namespace; `show` echoes the command and its output. */
  async kubectl(args: string[], show = false): Promise<string> {
    const full = ['-n', this.namespace, ...args];
    try {
      const { stdout } = await run('kubectl', full, { encoding: 'utf8', timeout: 60_000 });
      // Paths as a person in the repo would type them.
      if (show) process.stdout.write(`$ kubectl ${full.join(' ').replaceAll(`${root}/`, '')}\n${stdout}`);
      return stdout;
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new DemoError('Kubectl', `kubectl ${full.join(' ')}: ${e.stderr?.trim() || e.message}`);
    }
  }

  async bot(name: string): Promise<TradingBot> {
    return (await this.custom.getNamespacedCustomObject({
      group: 'kubetrade.io',
      version: 'v1alpha1',
      namespace: this.namespace,
      plural: 'tradingbots',
      name,
    })) as TradingBot;
  }

  /** Polls `fn` until it returns something other than undefined/false. */
  async waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
      try {
        const v = await fn();
        if (v !== undefined && v !== false) return v as T;
      } catch (err) {
        last = err;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new DemoError(
      'Timeout',
      `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ''}`,
    );
  }

  /**
   * Starts the bot's runtime as its current Pod would run: the RuntimeConfig from the bot's
   * ConfigMap (what the Deployment mounts), the container's environment, the Pod's ServiceAccount
   * identity; then reports that Pod Ready once the process answers /readyz, as a kubelet would.
   */
  async startRuntimeAsPod(botName: string, options: RunOptions) {
    const selector = `kubetrade.io/bot=${botName},app.kubernetes.io/component=runtime`;
    const deployment = await this.waitFor(`the Deployment of ${botName}`, async () => {
      const list = await this.apps.listNamespacedDeployment({
        namespace: this.namespace,
        labelSelector: selector,
      });
      const d = list.items[0];
      const running = d?.spec?.template?.metadata?.annotations?.['kubetrade.io/revision'];
      return options.revision === undefined || running === options.revision ? d : undefined;
    });
    const template = deployment.spec?.template;
    const container = template?.spec?.containers[0];
    const revision = template?.metadata?.annotations?.['kubetrade.io/revision'];
    if (!container || !revision)
      throw new DemoError('NoTemplate', `Deployment of ${botName} has no runtime container`);
    // The Pod that kube-controller-manager made from this very template (its ReplicaSet).
    const pod = await this.waitFor(`the runtime Pod of revision ${revision}`, async () => {
      const p = await newestPod(this.core, this.namespace, selector);
      return p?.metadata?.annotations?.['kubetrade.io/revision'] === revision ? p : undefined;
    });
    const configMap = template?.spec?.volumes?.find((v) => v.configMap)?.configMap?.name ?? '';
    const cm = await this.core.readNamespacedConfigMap({ namespace: this.namespace, name: configMap });
    const configFile = join(this.work, `${botName}-${revision}.json`);
    writeFileSync(configFile, cm.data?.['runtime-config.json'] ?? '');
    const kubeconfig = join(this.work, `${botName}-${revision}.kubeconfig`);
    const serviceAccount = template?.spec?.serviceAccountName ?? '';
    await writeServiceAccountKubeconfig(this.kc, this.core, this.namespace, serviceAccount, kubeconfig);
    const env = containerEnv(
      container,
      { name: pod.metadata?.name ?? '', namespace: this.namespace },
      await readSecrets(this.core, this.namespace, container),
    );
    console.log(
      `  Pod ${pod.metadata?.name}: container args [${container.args?.join(' ')}], env ${Object.keys(env).join(', ')}`,
    );
    console.log(
      `  running it here as ServiceAccount ${serviceAccount} with ConfigMap ${configMap} (revision ${revision})`,
    );
    let shown = 0;
    const proc = new RuntimeProcess({
      configFile,
      data: options.data,
      speed: options.speed,
      cycles: options.cycles,
      env: { ...env, KUBECONFIG: kubeconfig },
      onFill: (f) => {
        if (shown++ < options.showFills)
          console.log(
            `  fill ${f.at} ${f.arm} ${String(f.side).toUpperCase()} ${f.market} @ ${Number(f.price).toPrecision(6)}`,
          );
      },
    });
    this.runtimes.add(proc);
    proc.exited.then(() => this.runtimes.delete(proc));
    console.log(`  runtime pid ${proc.child.pid}`);
    const started = await proc.started;
    if (!(await probeOk(started.readyzUrl, 30_000)))
      throw new DemoError('NotReady', `the runtime did not answer ${started.readyzUrl} within 30 s`);
    await setPodReady(this.core, pod, true);
    console.log(`  /readyz answers: Pod ${pod.metadata?.name} reported Ready (the kubelet's job)`);
    return { proc, pod, started, revision };
  }

  /** After a local runtime stopped: its Pod is reported not ready, as a kubelet would. */
  async podStopped(pod: Parameters<typeof setPodReady>[1]): Promise<void> {
    await setPodReady(this.core, pod, false).catch(() => undefined); // the Pod may be gone already
  }
}
