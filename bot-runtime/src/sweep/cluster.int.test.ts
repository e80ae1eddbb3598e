// `kubetrade sweep --cluster` on the real control plane: the Indexed Job, its RBAC and inputs are
// created as specified; then, with no kubelet here, each index's pod command runs locally the way
// the pod would (the Job's own argv with $(JOB_COMPLETION_INDEX) expanded, that env var set, the
// inputs ConfigMap's files where the pod mounts them, and the pod's ServiceAccount token in a
// kubeconfig standing in for the in-cluster config); --gather then gives the local sweep's report.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cluster, useNamespace } from '../../../test/cluster.ts';
import { DATA, ROOT, runCli, shortSeedGrid } from './cli.fixture.ts';
import { INPUT_MOUNT } from './job.ts';
import { parseRecords } from './results-file.ts';

const run = promisify(execFile);
const MAIN = join(ROOT, 'bot-runtime/src/cli/main.ts');
const tmp = mkdtempSync(join(tmpdir(), 'kubetrade-sweep-int-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const GRID = shortSeedGrid(tmp);
const SHARDS = 3;
const INPUTS = ['-f', join(ROOT, 'examples/tradingbot.yaml'), '--grid', GRID];
const RANGE = ['--data', DATA, '--from', '2025-03-01', '--to', '2025-03-15'];

/** A kubeconfig holding the ServiceAccount's token (TokenRequest), like a pod's in-cluster config. */
async function podKubeconfig(namespace: string, serviceAccount: string): Promise<string> {
  const { kc, kubectl } = cluster();
  const token = (
    await kubectl(['create', 'token', serviceAccount, '-n', namespace, '--duration', '10m'])
  ).trim();
  const current = kc.getCurrentCluster()!;
  const pod = new k8s.KubeConfig();
  pod.loadFromOptions({
    clusters: [current],
    users: [{ name: serviceAccount, token }],
    contexts: [{ name: 'pod', cluster: current.name, user: serviceAccount, namespace }],
    currentContext: 'pod',
  });
  const file = join(tmp, `kubeconfig-${namespace}`);
  writeFileSync(file, pod.exportConfig());
  return file;
}

describe('kubetrade sweep --cluster (Indexed Job) on the local control plane', () => {
  const ns = useNamespace('sweep');
  beforeAll(() => {
    process.env.KUBECONFIG = cluster().kubeconfigPath;
  });

  it('creates the Job, runs each index as its pod would, and gathers the local sweep report', async () => {
    const namespace = ns();
    const { batch, core } = cluster();
    const created = await runCli([
      'sweep',
      '--cluster',
      ...INPUTS,
      ...RANGE,
      '--data-claim',
      'candles',
      '-n',
      namespace,
      '--shards',
      String(SHARDS),
      '--parallelism',
      '2',
      '--image',
      'ghcr.io/kubetrade/bot-runtime:test',
    ]);
    expect(created.code, created.stderr).toBe(0);
    const name = 'krw-majors-sweep';
    const job = await batch.readNamespacedJob({ name, namespace });
    expect(job.spec?.completionMode).toBe('Indexed');
    expect(job.spec?.completions).toBe(SHARDS);
    expect(job.spec?.parallelism).toBe(2);
    const pod = job.spec!.template.spec!;
    const container = pod.containers[0]!;
    expect(container.image).toBe('ghcr.io/kubetrade/bot-runtime:test');
    // The image's entrypoint is `node bot-runtime/src/cli/main.ts`: the Job sets only the args.
    expect(container.command).toBeUndefined();
    const args = container.args!;
    expect(args.slice(0, 1)).toEqual(['sweep']);
    expect(args.join(' ')).toContain(
      `--shards ${SHARDS} --shard $(JOB_COMPLETION_INDEX) --results-configmap ${name}-result`,
    );
    expect(
      container.env?.find((e) => e.name === 'JOB_COMPLETION_INDEX')?.valueFrom?.fieldRef?.fieldPath,
    ).toBe("metadata.annotations['batch.kubernetes.io/job-completion-index']");
    expect(pod.serviceAccountName).toBe(name);
    expect(pod.volumes?.find((v) => v.name === 'data')?.persistentVolumeClaim?.claimName).toBe('candles');
    expect(container.volumeMounts?.find((m) => m.name === 'data')?.mountPath).toBe(DATA);
    const role = await cluster()
      .kc.makeApiClient(k8s.RbacAuthorizationV1Api)
      .readNamespacedRole({ name, namespace });
    expect(role.rules?.flatMap((r) => r.resourceNames ?? [])).toEqual(
      Array.from({ length: SHARDS }, (_, i) => `${name}-result-${i}`),
    );
    expect(role.rules?.flatMap((r) => r.resources ?? [])).toEqual(['configmaps', 'configmaps']);

    // Each index, the way the kubelet would start it.
    const inputs = await core.readNamespacedConfigMap({ name: `${name}-input`, namespace });
    const mount = join(tmp, `mount-${namespace}`);
    mkdirSync(mount, { recursive: true });
    for (const [file, text] of Object.entries(inputs.data ?? {})) writeFileSync(join(mount, file), text);
    const kubeconfig = await podKubeconfig(namespace, name);
    for (let index = 0; index < SHARDS; index++) {
      const env = { ...process.env, JOB_COMPLETION_INDEX: String(index), KUBECONFIG: kubeconfig };
      const argv = args.map((a) =>
        a.replaceAll('$(JOB_COMPLETION_INDEX)', env.JOB_COMPLETION_INDEX).replace(INPUT_MOUNT, mount),
      );
      await run(process.execPath, [MAIN, ...argv], { env, cwd: ROOT, timeout: 120_000 });
      const cm = await core.readNamespacedConfigMap({ name: `${name}-result-${index}`, namespace });
      const { gunzipSync } = await import('node:zlib');
      const records = parseRecords(
        gunzipSync(Buffer.from(cm.binaryData!['results.jsonl.gz']!, 'base64')).toString('utf8'),
        'cm',
      );
      // Index i holds exactly the candidates j with j % completions == i.
      expect(records.map((r) => r.index)).toEqual(
        [0, 1, 2, 3, 4, 5, 6, 7].filter((j) => j % SHARDS === index),
      );
    }

    // The pod's ServiceAccount may write only its own results.
    const pods = new k8s.KubeConfig();
    pods.loadFromFile(kubeconfig);
    await expect(
      pods.makeApiClient(k8s.CoreV1Api).readNamespacedConfigMap({ name: `${name}-input`, namespace }),
    ).rejects.toMatchObject({ code: 403 });

    const gathered = await runCli([
      'sweep',
      '--gather',
      '-n',
      namespace,
      ...INPUTS,
      ...RANGE,
      '--out',
      join(tmp, 'gathered'),
    ]);
    expect(gathered.code, gathered.stderr).toBe(0);
    const local = await runCli(['sweep', ...INPUTS, ...RANGE, '--workers', '2', '--out', join(tmp, 'local')]);
    expect(local.code, local.stderr).toBe(0);
    for (const file of ['results.jsonl', 'report.txt', 'winner.yaml', 'winner-patch.yaml', 'report.html'])
      expect(readFileSync(join(tmp, 'gathered', file), 'utf8'), file).toBe(
        readFileSync(join(tmp, 'local', file), 'utf8'),
      );
    expect(gathered.stdout).toContain('winner #');
  }, 300_000);
});
