// Server-side apply of a bot's children, skipping every child the cache already shows as we want
// it: that is what makes a steady-state reconcile cost zero writes (DESIGN.md principles).
//
// How "as we want it" is judged: each applied object carries the hash of its desired form in the
// `kubetrade.io/applied-hash` annotation. A child is skipped when (1) it exists in the cache,
// (2) that annotation equals the hash of today's desired object and (3) every field we set still
// has our value (a subset check, so fields other controllers or the apiserver add — defaults,
// status, injected sidecars — never look like drift). A kubectl edit of a field we own fails (3)
// and is put back on the next reconcile.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { DesiredChild } from './desired.ts';
import { shortHash } from './hash.ts';
import { ANNOTATION_APPLIED_HASH } from './names.ts';

export const FIELD_MANAGER = 'kubetrade';

/** The one write path for children: server-side apply, field manager `kubetrade`, force. */
export interface ChildApplier {
  apply(child: DesiredChild): Promise<void>;
}

/** Returns `child` with the hash of itself recorded in its annotations. */
export function withAppliedHash<T extends DesiredChild>(child: T): T {
  const hash = shortHash(child);
  return {
    ...child,
    metadata: {
      ...child.metadata,
      annotations: { ...child.metadata.annotations, [ANNOTATION_APPLIED_HASH]: hash },
    },
  };
}

/** Every value in `want` is present and equal in `have`; arrays compare index by index. */
export function isSubset(want: unknown, have: unknown): boolean {
  if (want === have) return true;
  if (Array.isArray(want)) {
    return Array.isArray(have) && have.length >= want.length && want.every((w, i) => isSubset(w, have[i]));
  }
  if (want !== null && typeof want === 'object') {
    if (have === null || typeof have !== 'object' || Array.isArray(have)) return false;
    return Object.entries(want).every(
      ([k, w]) => w === undefined || isSubset(w, (have as Record<string, unknown>)[k]),
    );
  }
  return false;
}

/** Whether `desired` (already carrying its applied hash) must be applied over `observed`. */
export function needsApply(desired: DesiredChild, observed: KubernetesObject | undefined): boolean {
  if (!observed) return true;
  const want = desired.metadata.annotations?.[ANNOTATION_APPLIED_HASH];
  if (observed.metadata?.annotations?.[ANNOTATION_APPLIED_HASH] !== want) return true;
  return !isSubset(desired, observed);
}
