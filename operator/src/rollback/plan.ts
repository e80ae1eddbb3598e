// What the rollback rule means for one reconcile, as a pure function of the bot, its stored
// revisions and the clock (DESIGN.md "Rollback without fighting GitOps"): which ControllerRevision
// to create or prune, which revision's spec the children are rendered from, and the operator's
// rollback status (stable revision, rollbacks[], RolledBack and DailyLossLimit conditions). The
// user's spec is only ever read.
import type { V1ControllerRevision } from '@kubernetes/client-node';
import type { Condition, ResolvedSpec, TradingBot } from '@kubetrade/crds';
import { resolvedSpec, specRevision } from '../tradingbot/desired.ts';
import { dailyLossLimitHit, decideRollback, provedStable, type RollbackDecision } from './decide.ts';
import {
  DEFAULT_REVISION_HISTORY,
  desiredControllerRevision,
  nextRevisionNumber,
  revisionsToPrune,
  type StoredRevision,
} from './revisions.ts';

export const CONDITION_ROLLED_BACK = 'RolledBack';
export const CONDITION_DAILY_LOSS_LIMIT = 'DailyLossLimit';
/** CRD maxItems of status.rollbacks. */
export const ROLLBACKS_KEPT = 20;

type Status = NonNullable<TradingBot['status']>;
type Rollback = NonNullable<Status['rollbacks']>[number];
export type ConditionInput = Pick<Condition, 'type' | 'status' | 'reason' | 'message'>;

export interface RevisionPlanInput {
  bot: TradingBot;
  /** This bot's ControllerRevisions as the cache shows them. */
  history: readonly StoredRevision[];
  now: Date;
  historyLimit?: number;
}

export interface RevisionPlan {
  /** The spec's revision (status.currentRevision). */
  currentRevision: string;
  /** The revision the children are rendered from (the stable one after a rollback). */
  runRevision: string;
  /** The bot to render children from: the user's bot, or its stable revision's spec. */
  runBot: TradingBot;
  create: V1ControllerRevision | undefined;
  prune: string[];
  stableRevision: string | undefined;
  rollbacks: Rollback[] | undefined;
  conditions: ConditionInput[];
  rolledBack: boolean;
  /** Set when this reconcile rolls back: the Event and the metric announce it. */
  rollbackNow: RollbackDecision | undefined;
}

/** The bot with its spec replaced by a stored revision's; `paused` stays the user's (not a revision field). */
function botRunning(bot: TradingBot, spec: ResolvedSpec): TradingBot {
  return { ...bot, spec: { ...spec, paused: bot.spec.paused ?? false } };
}

export function planRevisions(input: RevisionPlanInput): RevisionPlan {
  const { bot, history, now } = input;
  // Defaulted once per cached spec object (resolvedSpec memoises it: defaulting is half a reconcile's CPU).
  const spec = resolvedSpec(bot);
  const current = specRevision(spec);
  const previous = bot.status ?? {};
  const stored = history.find((r) => r.hash === current);
  const create = stored
    ? undefined
    : desiredControllerRevision(bot, current, spec, nextRevisionNumber(history), now);
  const start = stored?.start ?? now;

  // The revision that ran before this spec is the fallback until one proves itself stable.
  let stable = previous.stableRevision;
  if (!stable && previous.currentRevision && previous.currentRevision !== current)
    stable = previous.currentRevision;
  const stableStored = history.find((r) => r.hash === stable);

  const lastRollback = previous.rollbacks?.at(-1);
  const rolledBackCondition = previous.conditions?.find((c) => c.type === CONDITION_ROLLED_BACK);
  // Same hash = same runtime config: a GitOps re-apply (or a paused toggle) keeps the rollback.
  const alreadyRolledBack = rolledBackCondition?.status === 'True' && lastRollback?.fromRevision === current;
  const performance = previous.performance;
  const ruleInput = {
    rule: spec.risk.rollback,
    currentRevision: current,
    revisionStart: start,
    reportedRevision: performance?.revision,
    dailyReturns: performance?.dailyReturns ?? [],
    now,
    alreadyRolledBack,
  };
  const decision = decideRollback({ ...ruleInput, stableRevision: stableStored?.hash });
  const rolledBack = (alreadyRolledBack || decision.rollBack) && !!stableStored;
  if (!rolledBack && provedStable(ruleInput)) stable = current;

  const rollbacks = decision.rollBack
    ? [
        ...(previous.rollbacks ?? []),
        {
          time: now.toISOString(),
          fromRevision: current,
          toRevision: stableStored?.hash ?? '',
          reason: decision.message,
          days: decision.days,
        },
      ].slice(-ROLLBACKS_KEPT)
    : previous.rollbacks;

  const rolledBackInput: ConditionInput = rolledBack
    ? {
        type: CONDITION_ROLLED_BACK,
        status: 'True',
        reason: 'DrawdownRule',
        message: decision.rollBack ? decision.message : (rolledBackCondition?.message ?? decision.message),
      }
    : { type: CONDITION_ROLLED_BACK, status: 'False', reason: decision.reason, message: decision.message };
  const loss = dailyLossLimitHit({
    dailyLossLimitPct: spec.risk.dailyLossLimitPct,
    dailyReturns: performance?.dailyReturns ?? [],
    now,
  });
  const lossInput: ConditionInput = {
    type: CONDITION_DAILY_LOSS_LIMIT,
    status: loss.hit ? 'True' : 'False',
    reason: loss.hit ? 'DailyLossLimitHit' : 'WithinLimit',
    message: loss.message,
  };

  const runRevision = rolledBack && stableStored ? stableStored.hash : current;
  const all = create
    ? [
        ...history,
        { hash: current, name: create.metadata?.name ?? '', revision: Number(create.revision), start, spec },
      ]
    : history;
  return {
    currentRevision: current,
    runRevision,
    runBot: rolledBack && stableStored ? botRunning(bot, stableStored.spec) : bot,
    create,
    prune: revisionsToPrune(
      all,
      [current, stable, runRevision],
      input.historyLimit ?? DEFAULT_REVISION_HISTORY,
    ),
    stableRevision: stable,
    rollbacks,
    conditions: [rolledBackInput, lossInput],
    rolledBack,
    rollbackNow: decision.rollBack && stableStored ? decision : undefined,
  };
}
