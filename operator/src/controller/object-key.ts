// Objects are addressed by `namespace/name` (just `name` when cluster-scoped), like client-go's
// MetaNamespaceKeyFunc, so queue keys and cache keys are the same strings.
import type { KubernetesObject } from '@kubernetes/client-node';

export interface ObjectRef {
  namespace: string;
  name: string;
}

export function keyOf(ref: ObjectRef): string {
  return ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
}

export function objectKey(obj: KubernetesObject): string {
  return keyOf({ namespace: obj.metadata?.namespace ?? '', name: obj.metadata?.name ?? '' });
}

export function parseKey(key: string): ObjectRef {
  const slash = key.indexOf('/');
  return slash < 0
    ? { namespace: '', name: key }
    : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
