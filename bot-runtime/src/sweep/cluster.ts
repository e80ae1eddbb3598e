// The Kubernetes side of `kubetrade sweep`: create the Indexed Job and its objects (--cluster),
// keep one shard's results in its ConfigMap (in the pod: --shard + --results-configmap), and read
// every shard's ConfigMap back into the sweep's results (--gather). Credentials come from the
// kubeconfig ($KUBECONFIG, ~/.kube/config) or, in a pod, the ServiceAccount (loadFromDefault).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CoreV1Api, KubeConfig, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { parseIntFlag } from '../cli/args.ts';
import type { CommandIo } from '../cli/backtest-command.ts';
import { CliError } from '../cli/errors.ts';
import type { ResultStore } from './command.ts';
import { SweepError } from './errors.ts';
import type { CandidateRecord } from './evaluate.ts';
import { desiredSweepObjects, labels, PART_LABEL, resultConfigMapName, SWEEP_LABEL } from './job.ts';
import type { SweepFlags, SweepInputs, SweepPlan } from './plan.ts';
import { parseRecords, sortedText } from './results-file.ts';

const FIELD_MANAGER = 'kubetrade-sweep';
const RESULTS_KEY = 'results.jsonl.gz';
/** The apiserver refuses objects over 1 MiB (etcd's request limit); keep headroom for metadata. */
const MAX_CONFIGMAP_BYTES = 1_000_000;
/** Shards when --shards is not given: enough to use a small cluster, few enough to gather quickly. */
const DEFAULT_SHARDS = 4;

function kubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc;
}

function namespaceOf(flags: SweepFlags, kc: KubeConfig): string {
  return flags.namespace ?? kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
}

export function sweepName(flags: SweepFlags, bot: string): string {
  return flags.name ?? `${bot}-sweep`;
}

function defaultImage(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return `ghcr.io/kubetrade/bot-runtime:${pkg.version}`;
}

/** The flags every shard needs to build the same plan as the local sweep. */
export function passThroughFlags(flags: SweepFlags, inputs: SweepInputs): string[] {
  const out: string[] = [];
  if (flags.data !== undefined) out.push('--data', resolve(flags.data));
  if (flags.synthetic !== undefined) out.push('--synthetic', flags.synthetic);
  if (flags.from !== undefined) out.push('--from', flags.from);
  if (flags.to !== undefined) out.push('--to', flags.to);
  if (inputs.grid.sample !== undefined)
    out.push('--sample', String(inputs.grid.sample), '--seed', String(inputs.grid.seed));
  return out;
}

export async function createSweepJob(flags: SweepFlags, inputs: SweepInputs, io: CommandIo): Promise<number> {
  if (flags.data !== undefined && flags['data-claim'] === undefined)
    throw new CliError(
      'USAGE',
      'kubetrade sweep --cluster: pods cannot read local --data files; put the candles on a PersistentVolumeClaim and pass --data-claim NAME (mounted at the --data path), or use --synthetic / spec.marketData',
    );
  const kc = kubeConfig();
  const namespace = namespaceOf(flags, kc);
  const name = sweepName(flags, inputs.bot.metadata.name ?? 'bot');
  const completions =
    parseIntFlag('sweep', 'shards', flags.shards, 1) ?? Math.min(DEFAULT_SHARDS, inputs.candidates.length);
  const parallelism = parseIntFlag('sweep', 'parallelism', flags.parallelism, 1) ?? completions;
  const objects = desiredSweepObjects({
    name,
    namespace,
    image: flags.image ?? defaultImage(),
    completions,
    parallelism,
    botYaml: inputs.botYaml,
    gridYaml: inputs.gridYaml,
    passThrough: passThroughFlags(flags, inputs),
    dataClaim: flags['data-claim']
      ? { claimName: flags['data-claim'], mountPath: resolve(flags.data!) }
      : undefined,
  });
  const api = KubernetesObjectApi.makeApiClient(kc);
  try {
    for (const o of [objects.inputs, objects.serviceAccount, objects.role, objects.roleBinding, objects.job])
      await api.patch(o as never, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
  } catch (e) {
    throw new SweepError(
      'CLUSTER',
      `creating the sweep Job ${namespace}/${name}: ${(e as Error).message} (a Job's pod template cannot change: delete the old one with kubectl delete job,configmap,sa,role,rolebinding -n ${namespace} -l ${SWEEP_LABEL}=${name})`,
    );
  }
  io.stdout.write(
    `created Indexed Job ${namespace}/${name}: ${inputs.candidates.length} candidates in ${completions} shards, ${parallelism} at a time\n` +
      `watch:  kubectl get job ${name} -n ${namespace} -w\n` +
      `gather: kubetrade sweep --gather --name ${name} -n ${namespace} -f ${inputs.file} --grid ${inputs.gridFile} ${passThroughFlags(flags, inputs).join(' ')}\n`,
  );
  return 0;
}

function resultConfigMap(
  name: string,
  namespace: string,
  sweep: string,
  records: readonly CandidateRecord[],
) {
  const gz = gzipSync(sortedText(records)).toString('base64');
  if (gz.length > MAX_CONFIGMAP_BYTES)
    throw new SweepError(
      'CLUSTER',
      `shard results are ${gz.length} bytes, over a ConfigMap's limit: run the sweep with more --shards`,
    );
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace, labels: labels(sweep, 'results') },
    binaryData: { [RESULTS_KEY]: gz },
  };
}

function recordsOf(cm: { binaryData?: Record<string, string> }, source: string): CandidateRecord[] {
  const data = cm.binaryData?.[RESULTS_KEY];
  return data ? parseRecords(gunzipSync(Buffer.from(data, 'base64')).toString('utf8'), source) : [];
}

/** One shard's results, kept in ConfigMap `configMap` (rewritten after every candidate, so a retried pod resumes). */
export function configMapStore(flags: SweepFlags, configMap: string): ResultStore {
  const kc = kubeConfig();
  const namespace = namespaceOf(flags, kc);
  const sweep = configMap.replace(/-result-\d+$/, '');
  const core = kc.makeApiClient(CoreV1Api);
  const api = KubernetesObjectApi.makeApiClient(kc);
  const records = new Map<string, CandidateRecord>();
  const write = async (list: readonly CandidateRecord[]): Promise<void> => {
    try {
      await api.patch(
        resultConfigMap(configMap, namespace, sweep, list) as never,
        undefined,
        undefined,
        FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      );
    } catch (e) {
      if (e instanceof SweepError) throw e;
      throw new SweepError('CLUSTER', `writing ConfigMap ${namespace}/${configMap}: ${(e as Error).message}`);
    }
  };
  return {
    async load() {
      try {
        const cm = await core.readNamespacedConfigMap({ name: configMap, namespace });
        for (const r of recordsOf(cm, configMap)) records.set(r.key, r);
      } catch (e) {
        if ((e as { code?: number }).code !== 404)
          throw new SweepError(
            'CLUSTER',
            `reading ConfigMap ${namespace}/${configMap}: ${(e as Error).message}`,
          );
      }
      return new Map(records);
    },
    async append(record) {
      records.set(record.key, record);
      await write([...records.values()]);
    },
    async finish(list) {
      await write(list);
    },
  };
}

/** Every shard's records, checked against the plan: each candidate exactly once, under its key. */
export async function gatherResults(flags: SweepFlags, plan: SweepPlan): Promise<CandidateRecord[]> {
  const kc = kubeConfig();
  const namespace = namespaceOf(flags, kc);
  const name = sweepName(flags, plan.bot.metadata.name ?? 'bot');
  const core = kc.makeApiClient(CoreV1Api);
  let items: { metadata?: { name?: string }; binaryData?: Record<string, string> }[];
  try {
    const list = await core.listNamespacedConfigMap({
      namespace,
      labelSelector: `${SWEEP_LABEL}=${name},${PART_LABEL}=results`,
    });
    items = list.items;
  } catch (e) {
    throw new SweepError('GATHER', `listing the results of ${namespace}/${name}: ${(e as Error).message}`);
  }
  const byKey = new Map<string, CandidateRecord>();
  for (const cm of items) for (const r of recordsOf(cm, cm.metadata?.name ?? '?')) byKey.set(r.key, r);
  const missing: number[] = [];
  const records = plan.candidates.flatMap((c) => {
    const r = byKey.get(plan.keys[c.index]!);
    if (!r || r.index !== c.index) {
      missing.push(c.index);
      return [];
    }
    return [r];
  });
  if (missing.length > 0)
    throw new SweepError(
      'GATHER',
      `${missing.length} of ${plan.candidates.length} candidates have no result in ${namespace} (${items.length} result ConfigMaps, e.g. ${resultConfigMapName(name, 0)}); is the Job done? kubectl get job ${name} -n ${namespace}. Missing: #${missing.slice(0, 10).join(', #')}`,
    );
  return records;
}
