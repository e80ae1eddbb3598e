// The operator's part of a TradingBot's status, computed purely from the bot and what the cache
// shows of its children. `performance` is the runtime's (its own field manager) and never appears
// here. Conditions follow metav1.Condition: lastTransitionTime moves only when status flips.
//
// Readiness without a kubelet: the test control plane has no nodes, so pods stay Pending and a
// Deployment never becomes available. We judge like `kubectl rollout status`: the Deployment
// controller has observed our generation, every replica runs the new template (updatedReplicas)
// and is available. Only then is the bot Running/Ready; until then it is Pending with
// Progressing=True and a message saying what the rollout waits for.
import type { V1Deployment } from '@kubernetes/client-node';
import type { Condition, Phase, TradingBot } from '@kubetrade/crds';
import { ANNOTATION_REVISION } from './names.ts';

export const CONDITION_READY = 'Ready';
export const CONDITION_PROGRESSING = 'Progressing';
export const CONDITION_DEGRADED = 'Degraded';
/** The condition types this operator writes; others (RolledBack, DailyLossLimit) are left alone. */
export const OWNED_CONDITIONS = [CONDITION_READY, CONDITION_PROGRESSING, CONDITION_DEGRADED] as const;

/** Why the runtime must not run (fail closed), e.g. a live bot's Secret is missing. */
export interface Blocker {
  reason: string;
  message: string;
}

export interface Observed {
  deployment: V1Deployment | undefined;
  blocker: Blocker | undefined;
  /** Revision of the spec being applied now. */
  currentRevision: string;
}

export interface OperatorStatus {
  observedGeneration: number;
  phase: Phase;
  conditions: Condition[];
  currentRevision: string;
  runningRevision?: string;
}

type ConditionInput = Pick<Condition, 'type' | 'status' | 'reason' | 'message'>;

interface Rollout {
  done: boolean;
  available: boolean;
  message: string;
  revision: string | undefined;
}

export function rolloutOf(deployment: V1Deployment | undefined): Rollout {
  if (!deployment)
    return {
      done: false,
      available: false,
      message: 'the runtime Deployment does not exist yet',
      revision: undefined,
    };
  const want = deployment.spec?.replicas ?? 1;
  const s = deployment.status ?? {};
  const observed = (s.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0);
  const updated = s.updatedReplicas ?? 0;
  const available = s.availableReplicas ?? 0;
  const revision = deployment.spec?.template?.metadata?.annotations?.[ANNOTATION_REVISION];
  const name = deployment.metadata?.name ?? '';
  if (!observed)
    return {
      done: false,
      available: false,
      message: `Deployment ${name}: waiting for the Deployment controller`,
      revision,
    };
  const done = updated >= want;
  return {
    done,
    available: done && available >= want,
    message: `Deployment ${name}: ${updated}/${want} replicas updated, ${available}/${want} available`,
    revision,
  };
}

function phaseAndConditions(
  bot: TradingBot,
  observed: Observed,
  rollout: Rollout,
): { phase: Phase; conditions: ConditionInput[] } {
  const asExpected = {
    type: CONDITION_DEGRADED,
    status: 'False',
    reason: 'AsExpected',
    message: '',
  } as const;
  if (observed.blocker) {
    const { reason, message } = observed.blocker;
    return {
      phase: 'Degraded',
      conditions: [
        { type: CONDITION_READY, status: 'False', reason, message },
        { type: CONDITION_PROGRESSING, status: 'False', reason, message },
        { type: CONDITION_DEGRADED, status: 'True', reason, message },
      ],
    };
  }
  if (bot.spec.paused) {
    const message = 'spec.paused is true: the runtime is scaled to 0 and the retrain CronJob is suspended';
    return {
      phase: 'Paused',
      conditions: [
        { type: CONDITION_READY, status: 'False', reason: 'Paused', message },
        { type: CONDITION_PROGRESSING, status: 'False', reason: 'Paused', message },
        asExpected,
      ],
    };
  }
  if (rollout.available && rollout.revision === observed.currentRevision) {
    return {
      phase: 'Running',
      conditions: [
        { type: CONDITION_READY, status: 'True', reason: 'RuntimeAvailable', message: rollout.message },
        { type: CONDITION_PROGRESSING, status: 'False', reason: 'RolloutComplete', message: rollout.message },
        asExpected,
      ],
    };
  }
  return {
    phase: 'Pending',
    conditions: [
      { type: CONDITION_READY, status: 'False', reason: 'RuntimeUnavailable', message: rollout.message },
      { type: CONDITION_PROGRESSING, status: 'True', reason: 'RollingOut', message: rollout.message },
      asExpected,
    ],
  };
}

/** Merges a condition into the previous list: lastTransitionTime is kept unless status flips. */
export function setCondition(
  previous: readonly Condition[],
  next: ConditionInput,
  generation: number,
  now: string,
): Condition {
  const old = previous.find((c) => c.type === next.type);
  const lastTransitionTime = old && old.status === next.status ? old.lastTransitionTime : now;
  return { ...next, observedGeneration: generation, lastTransitionTime };
}

export function desiredStatus(bot: TradingBot, observed: Observed, now: string): OperatorStatus {
  const generation = bot.metadata.generation ?? 0;
  const previous = bot.status?.conditions ?? [];
  const rollout = rolloutOf(observed.deployment);
  const { phase, conditions } = phaseAndConditions(bot, observed, rollout);
  const runningRevision = rollout.done && rollout.revision ? rollout.revision : bot.status?.runningRevision;
  return {
    observedGeneration: generation,
    phase,
    conditions: conditions.map((c) => setCondition(previous, c, generation, now)),
    currentRevision: observed.currentRevision,
    ...(runningRevision ? { runningRevision } : {}),
  };
}

const sameCondition = (a: Condition | undefined, b: Condition): boolean =>
  !!a &&
  a.status === b.status &&
  a.reason === b.reason &&
  a.message === b.message &&
  a.lastTransitionTime === b.lastTransitionTime &&
  a.observedGeneration === b.observedGeneration;

/**
 * Whether writing `next` would change anything. lastReconcileTime is not compared: writing it on
 * every reconcile would break "zero writes in steady state" (DESIGN.md); the last successful
 * reconcile is the metric kubetrade_reconcile_last_success_timestamp_seconds instead, and
 * lastReconcileTime is refreshed whenever the status is written anyway.
 */
export function statusChanged(current: TradingBot['status'], next: OperatorStatus): boolean {
  if (!current) return true;
  if (current.observedGeneration !== next.observedGeneration) return true;
  if (current.phase !== next.phase) return true;
  if (current.currentRevision !== next.currentRevision) return true;
  if (current.runningRevision !== next.runningRevision) return true;
  const have = current.conditions ?? [];
  return next.conditions.some(
    (c) =>
      !sameCondition(
        have.find((h) => h.type === c.type),
        c,
      ),
  );
}
