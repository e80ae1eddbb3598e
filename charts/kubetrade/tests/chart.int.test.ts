// The Helm chart against the real control plane: lint, template + server-side dry-run, install,
// the operator reconciling a bot AS the chart's ServiceAccount (so the chart's RBAC is proven
// sufficient, not just present), upgrade, and uninstall leaving nothing of the release behind.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { cluster, eventually, installCrd, useNamespace } from '../../../test/cluster.ts';
import { readKubeconfig } from '../../../test/environment.ts';

const run = promisify(execFile);
const chart = resolve(import.meta.dirname, '..');
const root = resolve(chart, '../..');
const scratch = mkdtempSync(join(tmpdir(), 'kt-chart-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function helm(args: string[]): Promise<string> {
  const { binDir, kubeconfigPath } = cluster();
  try {
    const { stdout } = await run(`${binDir}/helm`, [...args, '--kubeconfig', kubeconfigPath], {
      timeout: 120_000,
      maxBuffer: 32 * 1024 * 1024,
      env: { ...process.env, HELM_CACHE_HOME: scratch, HELM_CONFIG_HOME: scratch, HELM_DATA_HOME: scratch },
    });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(e.stderr?.trim() || e.message);
  }
}

const allToggles = [
  '--set',
  'metrics.serviceMonitor.enabled=true,metrics.prometheusRule.enabled=true,metrics.grafanaDashboard.enabled=true,argocd.healthCheck.enabled=true',
];

/** A kubeconfig that authenticates as a ServiceAccount, with a token from the TokenRequest API. */
async function serviceAccountKubeconfig(namespace: string, name: string): Promise<string> {
  const token = await cluster().core.createNamespacedServiceAccountToken({
    namespace,
    name,
    body: { spec: { audiences: ['https://kubernetes.default.svc'], expirationSeconds: 3600 } },
  });
  const admin = readKubeconfig(cluster().kubeconfigPath);
  const file = join(scratch, `${name}.kubeconfig`);
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'c',
          cluster: { server: admin.server, 'certificate-authority-data': admin.ca.toString('base64') },
        },
      ],
      users: [{ name: 'sa', user: { token: token.status!.token } }],
      contexts: [{ name: 'sa', context: { cluster: 'c', user: 'sa', namespace } }],
      'current-context': 'sa',
    }),
  );
  return file;
}

interface EnvVar {
  name: string;
  value?: string;
}

describe('charts/kubetrade', () => {
  const ns = useNamespace('helm');

  it('lints clean with defaults and with every toggle on', async () => {
    await helm(['lint', chart, '--strict']);
    await helm(['lint', chart, '--strict', ...allToggles]);
  });

  it('refuses a bad value at install time, naming the field', async () => {
    await expect(helm(['template', 'bad', chart, '--set', 'operator.logLevel=loud'])).rejects.toThrow(
      /operator\/logLevel/,
    );
    await expect(helm(['template', 'bad', chart, '--set', 'operator.replicaz=2'])).rejects.toThrow(
      /replicaz/,
    );
    await expect(
      helm(['template', 'bad', chart, '--set', 'runtime.redis.secretName=Redis_URL']),
    ).rejects.toThrow(/runtime\/redis\/secretName/);
  });

  it('renders manifests the real apiserver accepts (server-side dry-run)', async () => {
    const rendered = await helm(['template', 'dry', chart, '--namespace', ns()]);
    const out = await cluster().kubectl(['apply', '--dry-run=server', '-n', ns(), '-f', '-'], rendered);
    expect(out).toContain('deployment.apps/dry-kubetrade-operator created (server dry run)');
    expect(out).toContain('customresourcedefinition.apiextensions.k8s.io/tradingbots.kubetrade.io');
  });

  it('installs, reconciles a bot as its own ServiceAccount, upgrades, and uninstalls cleanly', async () => {
    const release = `kt${randomBytes(3).toString('hex')}`;
    const operatorName = `${release}-kubetrade-operator`;
    const { kubectl, apps } = cluster();
    // The CRD is cluster-wide and shared by every test in this run: it is installed by kubectl here,
    // so the release must not try to own it.
    await installCrd();
    await helm(['install', release, chart, '-n', ns(), '--set', 'crds.install=false']);

    const deployment = await apps.readNamespacedDeployment({ namespace: ns(), name: operatorName });
    const container = deployment.spec!.template.spec!.containers[0]!;
    expect(deployment.spec!.template.spec!.securityContext?.runAsNonRoot).toBe(true);
    expect(container.securityContext?.readOnlyRootFilesystem).toBe(true);

    // No kubelet runs the operator's Pod here, so run the operator process with exactly the Pod's
    // environment and the chart ServiceAccount's identity.
    const env: Record<string, string> = {};
    for (const v of (container.env ?? []) as EnvVar[]) if (v.value !== undefined) env[v.name] = v.value;
    env.POD_NAME = `${operatorName}-test`;
    env.POD_NAMESPACE = ns();
    env.KUBETRADE_METRICS_BIND_ADDRESS = '0';
    env.KUBETRADE_WATCH_NAMESPACE = ns();
    const kubeconfig = await serviceAccountKubeconfig(ns(), operatorName);
    let operator: ChildProcess | undefined;
    let logs = '';
    try {
      operator = spawn(process.execPath, [resolve(root, 'operator/src/main.ts')], {
        env: { PATH: process.env.PATH ?? '', ...env, KUBECONFIG: kubeconfig },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      operator.stdout?.on('data', (d) => {
        logs += d;
      });
      operator.stderr?.on('data', (d) => {
        logs += d;
      });
      await kubectl(['apply', '-n', ns(), '-f', resolve(root, 'examples/tradingbot.yaml')]);
      const botName = parseAllDocuments(
        readFileSync(resolve(root, 'examples/tradingbot.yaml'), 'utf8'),
      )[0]!.toJS().metadata.name as string;
      await eventually(
        async () => {
          const list = await apps.listNamespacedDeployment({
            namespace: ns(),
            labelSelector: `kubetrade.io/bot=${botName}`,
          });
          return list.items.length === 1;
        },
        { timeoutMs: 60_000, what: `the operator (as ${operatorName}) to create the bot's Deployment` },
      ).catch((err) => {
        throw new Error(`${(err as Error).message}\noperator logs:\n${logs.slice(-4000)}`);
      });
      const status = await eventually(
        async () => {
          const out = await kubectl(['get', 'tradingbot', botName, '-n', ns(), '-o', 'json']);
          const bot = JSON.parse(out);
          return bot.status?.observedGeneration === bot.metadata.generation ? bot.status : undefined;
        },
        { timeoutMs: 30_000, what: 'the bot status to be written by the chart ServiceAccount' },
      );
      expect(status.phase).toBeDefined();
      expect(logs).not.toMatch(/forbidden/i);
    } finally {
      operator?.kill('SIGTERM');
    }

    await helm([
      'upgrade',
      release,
      chart,
      '-n',
      ns(),
      '--set',
      'crds.install=false,operator.replicas=2,operator.logLevel=debug,runtime.database.secretName=pg-app,runtime.redis.secretName=redis-url,runtime.redis.key=uri',
    ]);
    const upgraded = await apps.readNamespacedDeployment({ namespace: ns(), name: operatorName });
    expect(upgraded.spec!.replicas).toBe(2);
    const level = (upgraded.spec!.template.spec!.containers[0]!.env as EnvVar[]).find(
      (v) => v.name === 'KUBETRADE_LOG_LEVEL',
    );
    expect(level?.value).toBe('debug');

    // The store URL Secrets of the chart values reach the operator as its flags' env vars (the
    // operator turns them into secretKeyRefs in each bot's pods: operator/src/tradingbot/store-secrets.ts).
    const storeEnv = Object.fromEntries(
      (upgraded.spec!.template.spec!.containers[0]!.env as EnvVar[])
        .filter((v) => /^KUBETRADE_(DATABASE|REDIS)_SECRET_/.test(v.name))
        .map((v) => [v.name, v.value]),
    );
    expect(storeEnv).toEqual({
      KUBETRADE_DATABASE_SECRET_NAME: 'pg-app',
      KUBETRADE_DATABASE_SECRET_KEY: 'uri',
      KUBETRADE_REDIS_SECRET_NAME: 'redis-url',
      KUBETRADE_REDIS_SECRET_KEY: 'uri',
    });

    await helm(['uninstall', release, '-n', ns(), '--wait', '--timeout', '60s']);
    const selector = `app.kubernetes.io/instance=${release}`;
    const left = await kubectl([
      'get',
      'deployments,services,serviceaccounts,configmaps,roles,rolebindings,clusterroles,clusterrolebindings',
      '-A',
      '-l',
      selector,
      '-o',
      'name',
    ]);
    expect(left.trim()).toBe('');
  });
});
