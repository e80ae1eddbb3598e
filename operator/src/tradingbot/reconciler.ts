// The TradingBot reconcile, as a short story: fetch the bot from the cache, handle deletion,
// compute the desired children, apply those that differ, write status if it changed, and come
// back after the resync period. Everything it touches comes in through ReconcilerDeps, so the
// story reads the same in unit tests (plain Maps) and in the operator (informer caches).
import type { V1Deployment, V1Secret } from '@kubernetes/client-node';
import type { TradingBot } from '@kubetrade/crds';
import type { Logger } from '../controller/logger.ts';
import { type ChildApplier, needsApply, withAppliedHash } from './apply.ts';
import type { CacheReader, ChildKind } from './cache.ts';
import { currentRevision, desiredChildren, type KindedChild } from './children.ts';
import { credentialsBlocker, credentialsSecretName } from './credentials.ts';
import { desiredStatus, type OperatorStatus, statusChanged } from './status.ts';
import type { StatusMemo } from './status-memo.ts';
import type { BotWorkloadConfig } from './workload-config.ts';

export interface StatusWriter {
  /**
   * Applies the operator's status fields (never status.performance, which the runtime owns);
   * resolves with the bot's new resourceVersion.
   */
  write(bot: TradingBot, status: OperatorStatus & { lastReconcileTime: string }): Promise<string | undefined>;
}

export interface ReconcilerDeps {
  bots: CacheReader<TradingBot>;
  children: Record<ChildKind, CacheReader>;
  secrets: CacheReader<V1Secret>;
  applier: ChildApplier;
  status: StatusWriter;
  workload: BotWorkloadConfig;
  now: () => Date;
  /** Reconcile every bot again after this long even without events (level-triggered safety net). */
  resyncAfterMs: number;
  /** Called after each successful reconcile (the last-success metric). */
  onReconciled?: (namespace: string, name: string, at: Date) => void;
  onGone?: (namespace: string, name: string) => void;
  /** Status writes the cache has not caught up with yet (see status-memo.ts). */
  memo?: StatusMemo;
}

export interface ReconcileOutcome {
  requeueAfter?: number;
}

export class ReconcileError extends Error {
  readonly code = 'ApplyFailed';
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'ReconcileError';
  }
}

export async function reconcileTradingBot(
  req: { namespace: string; name: string },
  deps: ReconcilerDeps,
  log: Logger,
): Promise<ReconcileOutcome> {
  const bot = deps.bots.get(req.namespace, req.name);
  if (!bot) {
    // Deleted: every child has a controller ownerReference, so garbage collection removes them.
    deps.onGone?.(req.namespace, req.name);
    deps.memo?.forget(`${req.namespace}/${req.name}`);
    return {};
  }
  // No finalizer: nothing lives outside the cluster, so deletion needs no work of ours.
  if (bot.metadata.deletionTimestamp) return {};

  const secretName = credentialsSecretName(bot);
  const blocker = credentialsBlocker(
    bot,
    secretName ? deps.secrets.get(req.namespace, secretName) : undefined,
  );
  const children = desiredChildren(bot, deps.workload, { runnable: !blocker });
  const applied = await applyChanged(children, deps);
  if (applied > 0) log.info('applied children', { applied, generation: bot.metadata.generation });

  const key = `${req.namespace}/${req.name}`;
  const now = deps.now();
  const deployment = deps.children.deployment.get(req.namespace, childName(children, 'deployment')) as
    | V1Deployment
    | undefined;
  const seen = { ...bot, status: deps.memo ? deps.memo.effective(key, bot) : bot.status };
  const status = desiredStatus(
    seen,
    { deployment, blocker, currentRevision: currentRevision(bot) },
    now.toISOString(),
  );
  if (statusChanged(seen.status, status)) {
    const written = { ...status, lastReconcileTime: now.toISOString() };
    await deps.status.write(bot, written);
    deps.memo?.remember(key, bot.metadata.resourceVersion, written);
    log.info('status written', { phase: status.phase, observedGeneration: status.observedGeneration });
  }
  deps.onReconciled?.(req.namespace, req.name, now);
  return { requeueAfter: deps.resyncAfterMs };
}

const childName = (children: KindedChild[], kind: ChildKind): string =>
  children.find((c) => c.kind === kind)?.object.metadata.name ?? '';

/** Applies, wave by wave, the children whose cached copy differs; returns how many it applied. */
async function applyChanged(children: KindedChild[], deps: ReconcilerDeps): Promise<number> {
  let applied = 0;
  for (const wave of [0, 1] as const) {
    const pending = children
      .filter((c) => c.wave === wave)
      .map((c) => ({ ...c, object: withAppliedHash(c.object) }))
      .filter((c) =>
        needsApply(c.object, deps.children[c.kind].get(c.object.metadata.namespace, c.object.metadata.name)),
      );
    await Promise.all(
      pending.map(async (c) => {
        try {
          await deps.applier.apply(c.object);
        } catch (err) {
          const { namespace, name } = c.object.metadata;
          throw new ReconcileError(
            `server-side apply of ${c.object.kind} ${namespace}/${name} failed: ${String(err)}`,
            {
              cause: err,
            },
          );
        }
      }),
    );
    applied += pending.length;
  }
  return applied;
}
