// Maps a child object to the key of the object that controls it: the ownerReference with
// controller=true whose API group and kind match the primary resource. Like controller-runtime's
// EnqueueRequestForOwner(OnlyControllerOwner) the version is ignored, so children written under
// kubetrade.io/v1alpha1 still map to their owner after the API moves to a newer version.
// Owners live in the child's namespace (Kubernetes forbids cross-namespace owner references).
import type { KubernetesObject } from '@kubernetes/client-node';
import { keyOf } from './object-key.ts';

export interface OwnerKind {
  /** `group/version`, or `v1` for the core group. */
  apiVersion: string;
  kind: string;
}

export const groupOf = (apiVersion: string): string => {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
};

export function controllerOwnerKey(child: KubernetesObject, owner: OwnerKind): string | undefined {
  const group = groupOf(owner.apiVersion);
  const ref = child.metadata?.ownerReferences?.find(
    (r) => r.controller === true && r.kind === owner.kind && groupOf(r.apiVersion) === group,
  );
  if (!ref) return undefined;
  return keyOf({ namespace: child.metadata?.namespace ?? '', name: ref.name });
}
