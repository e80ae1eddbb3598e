// The read side the reconciler needs from the informer caches, as a narrow interface so the
// reconcile story is unit-testable with plain Maps.
import type { KubernetesObject } from '@kubernetes/client-node';

export interface CacheReader<T = KubernetesObject> {
  get(namespace: string, name: string): T | undefined;
}

export type ChildKind =
  | 'configMap'
  | 'deployment'
  | 'cronJob'
  | 'service'
  | 'serviceAccount'
  | 'role'
  | 'roleBinding';

export const CHILD_KINDS: readonly ChildKind[] = [
  'serviceAccount',
  'role',
  'roleBinding',
  'configMap',
  'service',
  'cronJob',
  'deployment',
];
