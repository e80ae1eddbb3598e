// A bot's revision history as apps/v1 ControllerRevisions, like StatefulSet/DaemonSet keep theirs
// (DESIGN.md "Rollback without fighting GitOps"): each runtime-affecting spec becomes one
// hash-named, immutable revision whose `data` is the rendered runtime spec, so the operator can
// run an older revision again without touching the user's spec.
import type { V1ControllerRevision } from '@kubernetes/client-node';
import type { ResolvedSpec, TradingBot } from '@kubetrade/crds';
import { type BotRef, botRef, ownerReference } from '../tradingbot/desired.ts';
import { botLabels, childName } from '../tradingbot/names.ts';

/** ControllerRevision names are DNS subdomains. */
export const REVISION_NAME_MAX = 253;
export const LABEL_REVISION_HASH = 'kubetrade.io/revision-hash';
/** When the revision first ran; the rollback rule counts only KST days after it. */
export const ANNOTATION_REVISION_START = 'kubetrade.io/revision-start';
/** Revisions kept per bot (DaemonSet/StatefulSet default revisionHistoryLimit is 10 too). */
export const DEFAULT_REVISION_HISTORY = 10;

export interface StoredRevision {
  name: string;
  hash: string;
  revision: number;
  start: Date;
  spec: ResolvedSpec;
}

export const revisionName = (bot: string, hash: string): string => childName(bot, hash, REVISION_NAME_MAX);

export function desiredControllerRevision(
  bot: TradingBot | BotRef,
  hash: string,
  spec: ResolvedSpec,
  revision: number,
  start: Date,
): V1ControllerRevision {
  const ref = 'spec' in bot ? botRef(bot) : bot;
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: revisionName(ref.name, hash),
      namespace: ref.namespace,
      labels: { ...botLabels(ref.name, 'config'), [LABEL_REVISION_HASH]: hash },
      annotations: { [ANNOTATION_REVISION_START]: start.toISOString() },
      ownerReferences: [ownerReference(ref)],
    },
    data: spec as unknown as object,
    revision,
  };
}

/** Reads back what desiredControllerRevision wrote; undefined for objects that are not ours. */
export function storedRevision(object: V1ControllerRevision): StoredRevision | undefined {
  const hash = object.metadata?.labels?.[LABEL_REVISION_HASH];
  const started =
    object.metadata?.annotations?.[ANNOTATION_REVISION_START] ?? object.metadata?.creationTimestamp;
  if (!hash || !object.data || started === undefined) return undefined;
  return {
    name: object.metadata?.name ?? '',
    hash,
    revision: Number(object.revision),
    start: new Date(started),
    spec: object.data as unknown as ResolvedSpec,
  };
}

/** The number a new revision gets: one above the newest (StatefulSet's nextRevision). */
export const nextRevisionNumber = (history: readonly StoredRevision[]): number =>
  history.reduce((max, r) => Math.max(max, r.revision), 0) + 1;

/**
 * Names of revisions to delete so at most `keep` remain: oldest first, never one of `protect`
 * (the current, stable and running revisions must stay readable for a rollback).
 */
export function revisionsToPrune(
  history: readonly StoredRevision[],
  protect: ReadonlyArray<string | undefined>,
  keep = DEFAULT_REVISION_HISTORY,
): string[] {
  const kept = new Set(protect.filter((h): h is string => !!h));
  const excess = history.length - keep;
  if (excess <= 0) return [];
  return [...history]
    .sort((a, b) => a.revision - b.revision)
    .filter((r) => !kept.has(r.hash))
    .slice(0, excess)
    .map((r) => r.name);
}
