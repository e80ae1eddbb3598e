// The I/O edge of revisions: reading a bot's ControllerRevisions from the informer cache and
// writing/pruning them. The decisions stay in plan.ts; this file only moves objects.
import type { KubernetesObject, V1ControllerRevision } from '@kubernetes/client-node';
import type { TradingBot } from '@kubetrade/crds';
import { type StoredRevision, storedRevision } from './revisions.ts';

export interface RevisionCache {
  list(namespace: string): KubernetesObject[];
}

export interface RevisionWriter {
  /** Server-side apply (create-or-keep: data is immutable, so an existing revision never changes). */
  apply(revision: V1ControllerRevision): Promise<void>;
  delete(namespace: string, name: string): Promise<void>;
}

/** The bot's revisions: ControllerRevisions in its namespace that it controls (by uid). */
export function botHistory(cache: RevisionCache, bot: TradingBot): StoredRevision[] {
  const uid = bot.metadata.uid;
  return cache
    .list(bot.metadata.namespace ?? '')
    .filter((o) => o.kind === undefined || o.kind === 'ControllerRevision')
    .filter((o) => o.metadata?.ownerReferences?.some((r) => r.controller && r.uid === uid))
    .map((o) => storedRevision(o as V1ControllerRevision))
    .filter((r): r is StoredRevision => r !== undefined);
}
