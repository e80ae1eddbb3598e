import { describe, expect, it } from 'vitest';
import type { OperatorStatus } from '../tradingbot/status.ts';
import type { RevisionPlan } from './plan.ts';
import { rollbackStatusChanged, withRollbackStatus } from './rollback-status.ts';

const NOW = '2026-11-23T03:00:00.000Z';
const base: OperatorStatus = {
  observedGeneration: 3,
  phase: 'Running',
  conditions: [],
  currentRevision: 'stable1',
  runningRevision: 'stable1',
};
const plan = (rolledBack: boolean): RevisionPlan =>
  ({
    currentRevision: 'new2',
    runRevision: rolledBack ? 'stable1' : 'new2',
    stableRevision: 'stable1',
    rollbacks: rolledBack
      ? [{ time: NOW, fromRevision: 'new2', toRevision: 'stable1', reason: 'r', days: [] }]
      : undefined,
    conditions: [
      {
        type: 'RolledBack',
        status: rolledBack ? 'True' : 'False',
        reason: rolledBack ? 'DrawdownRule' : 'WithinRule',
        message: 'm',
      },
    ],
    rolledBack,
  }) as unknown as RevisionPlan;

describe('withRollbackStatus', () => {
  it('reports the spec revision as current and the rollback phase over Running', () => {
    const s = withRollbackStatus(base, plan(true), [], 3, NOW);
    expect(s.currentRevision).toBe('new2');
    expect(s.runningRevision).toBe('stable1');
    expect(s.phase).toBe('RolledBack');
    expect(s.stableRevision).toBe('stable1');
    expect(s.conditions.find((c) => c.type === 'RolledBack')).toMatchObject({
      status: 'True',
      observedGeneration: 3,
    });
  });
  it('leaves Paused and Degraded alone', () => {
    expect(withRollbackStatus({ ...base, phase: 'Paused' }, plan(true), [], 3, NOW).phase).toBe('Paused');
    expect(withRollbackStatus({ ...base, phase: 'Degraded' }, plan(true), [], 3, NOW).phase).toBe('Degraded');
  });
  it('keeps lastTransitionTime while the condition status holds', () => {
    const previous = [
      {
        type: 'RolledBack',
        status: 'True' as const,
        reason: 'DrawdownRule',
        message: 'm',
        lastTransitionTime: '2026-11-01T00:00:00Z',
      },
    ];
    const s = withRollbackStatus(base, plan(true), previous, 3, NOW);
    expect(s.conditions.find((c) => c.type === 'RolledBack')?.lastTransitionTime).toBe(
      '2026-11-01T00:00:00Z',
    );
  });
  it('sees a change in stableRevision or rollbacks, and none when equal', () => {
    const s = withRollbackStatus(base, plan(true), [], 3, NOW);
    expect(rollbackStatusChanged({ stableRevision: 'stable1', rollbacks: s.rollbacks }, s)).toBe(false);
    expect(rollbackStatusChanged({ stableRevision: 'stable1' }, s)).toBe(true);
    expect(rollbackStatusChanged({ rollbacks: s.rollbacks }, s)).toBe(true);
  });
});
