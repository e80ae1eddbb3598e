// Lays the rollback plan over the operator's status (../tradingbot/status.ts computes phase,
// Ready/Progressing/Degraded for what runs): the spec's revision as currentRevision, the stable
// revision, rollbacks[] and the RolledBack/DailyLossLimit conditions. One status apply carries all
// of them because server-side apply drops any field its manager stops sending.
import type { Condition, Phase, TradingBot } from '@kubetrade/crds';
import { type OperatorStatus, setCondition } from '../tradingbot/status.ts';
import type { RevisionPlan } from './plan.ts';

type Status = NonNullable<TradingBot['status']>;

export type StatusWithRollback = OperatorStatus & {
  stableRevision?: string;
  rollbacks?: Status['rollbacks'];
};

/** Phases a rollback overrides; Paused and Degraded say more urgent things and stay. */
const OVERRIDDEN: readonly Phase[] = ['Running', 'Pending'];

export function withRollbackStatus(
  status: OperatorStatus,
  plan: RevisionPlan,
  previous: readonly Condition[],
  generation: number,
  now: string,
): StatusWithRollback {
  const { stableRevision, rollbacks } = plan;
  return {
    ...status,
    phase: plan.rolledBack && OVERRIDDEN.includes(status.phase) ? 'RolledBack' : status.phase,
    currentRevision: plan.currentRevision,
    conditions: [
      ...status.conditions,
      ...plan.conditions.map((c) => setCondition(previous, c, generation, now)),
    ],
    ...(stableRevision ? { stableRevision } : {}),
    ...(rollbacks?.length ? { rollbacks } : {}),
  };
}

/** Whether the rollback part of the status differs from what the bot shows (conditions aside). */
export function rollbackStatusChanged(current: TradingBot['status'], next: StatusWithRollback): boolean {
  return (
    current?.stableRevision !== next.stableRevision ||
    JSON.stringify(current?.rollbacks ?? []) !== JSON.stringify(next.rollbacks ?? [])
  );
}
