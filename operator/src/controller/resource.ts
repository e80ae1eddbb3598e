// Which REST collection an informer lists and watches. `kind` and `apiVersion` are what child
// ownerReferences point at (owner-ref.ts).

export interface ResourceRef {
  /** '' for the core group. */
  group: string;
  version: string;
  plural: string;
  kind: string;
  /** Cluster-scoped resources set this to false. */
  namespaced?: boolean;
}

export const apiVersionOf = (r: ResourceRef): string => (r.group ? `${r.group}/${r.version}` : r.version);

/** The collection path, across all namespaces when `namespace` is empty. */
export function collectionPath(r: ResourceRef, namespace = ''): string {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  return r.namespaced !== false && namespace
    ? `${base}/namespaces/${namespace}/${r.plural}`
    : `${base}/${r.plural}`;
}

export const objectPath = (r: ResourceRef, namespace: string, name: string): string =>
  `${collectionPath(r, namespace)}/${encodeURIComponent(name)}`;

/** The kinds the TradingBot reconciler owns or reads, spelled once. */
export const RESOURCES = {
  configMaps: { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap' },
  secrets: { group: '', version: 'v1', plural: 'secrets', kind: 'Secret' },
  services: { group: '', version: 'v1', plural: 'services', kind: 'Service' },
  serviceAccounts: { group: '', version: 'v1', plural: 'serviceaccounts', kind: 'ServiceAccount' },
  deployments: { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment' },
  controllerRevisions: {
    group: 'apps',
    version: 'v1',
    plural: 'controllerrevisions',
    kind: 'ControllerRevision',
  },
  cronJobs: { group: 'batch', version: 'v1', plural: 'cronjobs', kind: 'CronJob' },
  roles: { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'roles', kind: 'Role' },
  roleBindings: {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    plural: 'rolebindings',
    kind: 'RoleBinding',
  },
  leases: { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', kind: 'Lease' },
} as const satisfies Record<string, ResourceRef>;
