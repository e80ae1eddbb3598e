// The Kubernetes objects of `kubetrade sweep --cluster`, as pure functions: the inputs ConfigMap
// (bot.yaml + grid.yaml), a ServiceAccount with a Role that may only write the sweep's result
// ConfigMaps, and an Indexed Job whose pod i runs the same `kubetrade sweep` code on candidates
// j with j % completions == i, writing them to ConfigMap <name>-result-<i>.
import type {
  V1ConfigMap,
  V1Job,
  V1Role,
  V1RoleBinding,
  V1ServiceAccount,
  V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node';

export const SWEEP_LABEL = 'kubetrade.io/sweep';
export const PART_LABEL = 'kubetrade.io/sweep-part';
/** Where the inputs ConfigMap is mounted in the pod. */
export const INPUT_MOUNT = '/etc/kubetrade-sweep';
export const BOT_FILE = 'bot.yaml';
export const GRID_FILE = 'grid.yaml';
/** The same non-root user as the runtime image (Dockerfile, operator workloads). */
const NONROOT_UID = 65532;
/** The annotation the Job controller sets on each pod of an Indexed Job. */
const COMPLETION_INDEX_ANNOTATION = "metadata.annotations['batch.kubernetes.io/job-completion-index']";
/** One candidate at a time per pod: the Job's parallelism is the sweep's parallelism. */
const POD_WORKERS = 1;
/** A shard that fails (node lost, OOM) is retried; finished candidates are kept in its ConfigMap. */
const BACKOFF_LIMIT = 6;

export interface SweepJobOptions {
  name: string;
  namespace: string;
  image: string;
  completions: number;
  parallelism: number;
  botYaml: string;
  gridYaml: string;
  /** Flags passed through to every pod: data source, range, sample (already in `--flag value` form). */
  passThrough: string[];
  /** With --data: a PVC mounted read-only at that path, so the pod's argv names the same path. */
  dataClaim?: { claimName: string; mountPath: string } | undefined;
}

export function resultConfigMapName(name: string, index: number): string {
  return `${name}-result-${index}`;
}

export function labels(name: string, part: string): Record<string, string> {
  return { 'app.kubernetes.io/name': 'kubetrade-sweep', [SWEEP_LABEL]: name, [PART_LABEL]: part };
}

/** The pod's argv after the image entrypoint (`node bot-runtime/src/cli/main.ts`). */
export function shardArgs(o: SweepJobOptions): string[] {
  return [
    'sweep',
    '-f',
    `${INPUT_MOUNT}/${BOT_FILE}`,
    '--grid',
    `${INPUT_MOUNT}/${GRID_FILE}`,
    ...o.passThrough,
    '--namespace',
    o.namespace,
    '--workers',
    String(POD_WORKERS),
    '--shards',
    String(o.completions),
    // Expanded by the kubelet from the env var below.
    '--shard',
    '$(JOB_COMPLETION_INDEX)',
    '--results-configmap',
    `${o.name}-result`,
  ];
}

export function desiredSweepObjects(o: SweepJobOptions): {
  inputs: V1ConfigMap;
  serviceAccount: V1ServiceAccount;
  role: V1Role;
  roleBinding: V1RoleBinding;
  job: V1Job;
} {
  const meta = (part: string) => ({ name: o.name, namespace: o.namespace, labels: labels(o.name, part) });
  const resultNames = Array.from({ length: o.completions }, (_, i) => resultConfigMapName(o.name, i));
  const volumes: V1Volume[] = [
    { name: 'inputs', configMap: { name: `${o.name}-input` } },
    { name: 'tmp', emptyDir: {} },
  ];
  const mounts: V1VolumeMount[] = [
    { name: 'inputs', mountPath: INPUT_MOUNT, readOnly: true },
    { name: 'tmp', mountPath: '/tmp' },
  ];
  if (o.dataClaim) {
    volumes.push({
      name: 'data',
      persistentVolumeClaim: { claimName: o.dataClaim.claimName, readOnly: true },
    });
    mounts.push({ name: 'data', mountPath: o.dataClaim.mountPath, readOnly: true });
  }
  return {
    inputs: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { ...meta('inputs'), name: `${o.name}-input` },
      data: { [BOT_FILE]: o.botYaml, [GRID_FILE]: o.gridYaml },
    },
    serviceAccount: {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: meta('rbac'),
      automountServiceAccountToken: true,
    },
    role: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta('rbac'),
      // Least privilege: create cannot be limited by name (the object does not exist yet); reading
      // and updating is limited to this sweep's result ConfigMaps. Nothing else, nothing cluster-wide.
      rules: [
        { apiGroups: [''], resources: ['configmaps'], verbs: ['create'] },
        {
          apiGroups: [''],
          resources: ['configmaps'],
          resourceNames: resultNames,
          verbs: ['get', 'update', 'patch'],
        },
      ],
    },
    roleBinding: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta('rbac'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: o.name },
      subjects: [{ kind: 'ServiceAccount', name: o.name, namespace: o.namespace }],
    },
    job: {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: meta('job'),
      spec: {
        completionMode: 'Indexed',
        completions: o.completions,
        parallelism: o.parallelism,
        backoffLimit: BACKOFF_LIMIT,
        template: {
          metadata: { labels: labels(o.name, 'pod') },
          spec: {
            serviceAccountName: o.name,
            restartPolicy: 'Never',
            securityContext: {
              runAsNonRoot: true,
              runAsUser: NONROOT_UID,
              runAsGroup: NONROOT_UID,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            volumes,
            containers: [
              {
                name: 'sweep',
                image: o.image,
                args: shardArgs(o),
                env: [
                  {
                    name: 'JOB_COMPLETION_INDEX',
                    valueFrom: { fieldRef: { fieldPath: COMPLETION_INDEX_ANNOTATION } },
                  },
                ],
                resources: { requests: { cpu: '1', memory: '512Mi' }, limits: { memory: '2Gi' } },
                volumeMounts: mounts,
                securityContext: {
                  readOnlyRootFilesystem: true,
                  allowPrivilegeEscalation: false,
                  capabilities: { drop: ['ALL'] },
                },
              },
            ],
          },
        },
      },
    },
  };
}
