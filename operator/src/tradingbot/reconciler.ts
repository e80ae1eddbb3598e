// The TradingBot reconcile, as a short story: fetch the bot from the cache, handle deletion,
// compute the desired children, apply those that differ, write status if it changed, and come
// back after the resync period. Everything it touches comes in through ReconcilerDeps, so the
// story reads the same in unit tests (plain Maps) and in the operator (informer caches).
import type { V1CronJob, V1Deployment, V1Secret } from '@kubernetes/client-node';
import type { TradingBot } from '@kubetrade/crds';
import type { Logger } from '../controller/logger.ts';
import { botHistory, type RevisionCache, type RevisionWriter } from '../rollback/history.ts';
import { planRevisions, type RevisionPlan } from '../rollback/plan.ts';
import { rollbackStatusChanged, withRollbackStatus } from '../rollback/rollback-status.ts';
import { type ChildApplier, needsApply, withAppliedHash } from './apply.ts';
import type { CacheReader, ChildKind } from './cache.ts';
import { desiredChildren, type KindedChild } from './children.ts';
import { credentialsBlocker, credentialsSecretName } from './credentials.ts';
import { withRetrainCondition } from './retrain-status.ts';
import { desiredStatus, type OperatorStatus, statusChanged } from './status.ts';
import type { StatusMemo } from './status-memo.ts';
import { storeBlocker } from './store-secrets.ts';
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
  /** The bots' ControllerRevisions (revision history for the rollback rule, ../rollback). */
  revisions?: { cache: RevisionCache; writer: RevisionWriter };
  /** Announces an automatic rollback (an Event on the bot and kubetrade_rollbacks_total). */
  onRolledBack?: (bot: TradingBot, plan: RevisionPlan) => Promise<void>;
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
  const blocker =
    credentialsBlocker(bot, secretName ? deps.secrets.get(req.namespace, secretName) : undefined) ??
    storeBlocker(bot, deps.workload, (name) => deps.secrets.get(req.namespace, name));
  const key = `${req.namespace}/${req.name}`;
  const now = deps.now();
  const seen = { ...bot, status: deps.memo ? deps.memo.effective(key, bot) : bot.status };
  // Revisions first: after a rollback the children run the stable revision's spec, never an edit
  // of the user's spec (DESIGN.md "Rollback without fighting GitOps").
  const plan = planRevisions({
    bot: seen,
    history: deps.revisions ? botHistory(deps.revisions.cache, bot) : [],
    now,
  });
  const { create } = plan;
  if (create && deps.revisions) {
    const { writer } = deps.revisions;
    await orReconcileError(`ControllerRevision ${req.namespace}/${create.metadata?.name}`, () =>
      writer.apply(create),
    );
  }
  const children = desiredChildren(plan.runBot, deps.workload, { runnable: !blocker });
  const applied = await applyChanged(children, deps);
  if (applied > 0) log.info('applied children', { applied, generation: bot.metadata.generation });
  for (const name of plan.prune) await deps.revisions?.writer.delete(req.namespace, name);

  const deployment = deps.children.deployment.get(req.namespace, childName(children, 'deployment')) as
    | V1Deployment
    | undefined;
  const cronJob = deps.children.cronJob.get(req.namespace, childName(children, 'cronJob')) as
    | V1CronJob
    | undefined;
  const operatorStatus = withRetrainCondition(
    desiredStatus(seen, { deployment, blocker, currentRevision: plan.runRevision }, now.toISOString()),
    cronJob,
    seen.status?.conditions ?? [],
    bot.metadata.generation ?? 0,
    now.toISOString(),
  );
  const status = withRollbackStatus(
    operatorStatus,
    plan,
    seen.status?.conditions ?? [],
    bot.metadata.generation ?? 0,
    now.toISOString(),
  );
  if (statusChanged(seen.status, status) || rollbackStatusChanged(seen.status, status)) {
    const written = { ...status, lastReconcileTime: now.toISOString() };
    await deps.status.write(bot, written);
    deps.memo?.remember(key, bot.metadata.resourceVersion, written);
    log.info('status written', { phase: status.phase, observedGeneration: status.observedGeneration });
  }
  // Announced only once the status records it, so a failed write never announces twice.
  if (plan.rollbackNow) {
    log.info('rolled back', {
      from: plan.currentRevision,
      to: plan.runRevision,
      days: plan.rollbackNow.days,
    });
    await deps.onRolledBack?.(bot, plan);
  }
  deps.onReconciled?.(req.namespace, req.name, now);
  return { requeueAfter: deps.resyncAfterMs };
}

const childName = (children: KindedChild[], kind: ChildKind): string =>
  children.find((c) => c.kind === kind)?.object.metadata.name ?? '';

async function orReconcileError(what: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (err) {
    throw new ReconcileError(`server-side apply of ${what} failed: ${String(err)}`, { cause: err });
  }
}

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
