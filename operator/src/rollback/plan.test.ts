import { applyDefaults, type TradingBot } from '@kubetrade/crds';
import { describe, expect, it } from 'vitest';
import { specRevision } from '../tradingbot/desired.ts';
import {
  CONDITION_DAILY_LOSS_LIMIT,
  CONDITION_ROLLED_BACK,
  planRevisions,
  type RevisionPlan,
} from './plan.ts';
import { type StoredRevision, storedRevision } from './revisions.ts';

const NOW = new Date('2026-11-23T03:00:00Z'); // 2026-11-23 12:00 KST
const FOUR_DAYS_AGO = new Date('2026-11-19T03:00:00Z'); // full KST days 20, 21, 22 since
const v1 = { markets: ['KRW-BTC'] };
const v2 = { markets: ['KRW-BTC'], engine: { technical: { rsi: { oversold: 25 } } } };
const hashOf = (spec: object) => specRevision(applyDefaults(spec));
const bad = [
  { date: '2026-11-20', returnPct: -2.4 },
  { date: '2026-11-21', returnPct: -2 },
  { date: '2026-11-22', returnPct: -3.1 },
];

function bot(spec: object, status: TradingBot['status'] = {}): TradingBot {
  return {
    apiVersion: 'kubetrade.io/v1alpha1',
    kind: 'TradingBot',
    metadata: { namespace: 'trading', name: 'krw-majors', uid: 'u1', generation: 2 },
    spec,
    status,
  };
}

function stored(spec: object, revision: number, start: Date): StoredRevision {
  const plan = planRevisions({ bot: bot(spec), history: [], now: start });
  const s = plan.create && storedRevision(plan.create);
  if (!s) throw new Error('no revision rendered');
  return { ...s, revision };
}

const condition = (plan: RevisionPlan, type: string) => plan.conditions.find((c) => c.type === type);

/** The status the operator would write from a plan (what the next reconcile reads back). */
function written(plan: RevisionPlan, performance: NonNullable<TradingBot['status']>['performance']) {
  return {
    currentRevision: plan.currentRevision,
    runningRevision: plan.runRevision,
    stableRevision: plan.stableRevision,
    rollbacks: plan.rollbacks,
    conditions: plan.conditions.map((c) => ({ ...c, lastTransitionTime: NOW.toISOString() })),
    performance,
  };
}

describe('planRevisions', () => {
  const history = [stored(v1, 1, new Date('2026-11-01T00:00:00Z')), stored(v2, 2, FOUR_DAYS_AGO)];
  const tripped = bot(v2, {
    currentRevision: hashOf(v2),
    stableRevision: hashOf(v1),
    performance: { revision: hashOf(v2), dailyReturns: bad },
  });

  it('stores a new spec as a ControllerRevision and keeps the previous one as stable', () => {
    const plan = planRevisions({
      bot: bot(v2, { currentRevision: hashOf(v1) }),
      history: history.slice(0, 1),
      now: NOW,
    });
    expect(plan.create?.metadata?.name).toBe(`krw-majors-${hashOf(v2)}`);
    expect(plan.create?.revision).toBe(2);
    expect(plan.stableRevision).toBe(hashOf(v1));
    expect(plan.runRevision).toBe(hashOf(v2));
    expect(plan.rolledBack).toBe(false);
  });

  it('rolls back to the stable spec when the rule trips, without touching the user spec', () => {
    const before = JSON.stringify(tripped.spec);
    const plan = planRevisions({ bot: tripped, history, now: NOW });
    expect(plan.rolledBack).toBe(true);
    expect(plan.rollbackNow?.days).toEqual(bad);
    expect(plan.runRevision).toBe(hashOf(v1));
    expect(plan.currentRevision).toBe(hashOf(v2));
    expect(specRevision(applyDefaults(plan.runBot.spec))).toBe(hashOf(v1));
    expect(JSON.stringify(tripped.spec)).toBe(before);
    expect(plan.rollbacks).toEqual([
      expect.objectContaining({ fromRevision: hashOf(v2), toRevision: hashOf(v1), days: bad }),
    ]);
    expect(condition(plan, CONDITION_ROLLED_BACK)).toMatchObject({ status: 'True', reason: 'DrawdownRule' });
    expect(condition(plan, CONDITION_ROLLED_BACK)?.message).toContain(
      '2026-11-20 -2.40%, 2026-11-21 -2.00%, 2026-11-22 -3.10%',
    );
  });

  it('stays rolled back on the next reconcile and on a re-apply of the same spec, announcing it once', () => {
    const first = planRevisions({ bot: tripped, history, now: NOW });
    const again = bot(v2, written(first, tripped.status?.performance));
    const plan = planRevisions({ bot: again, history, now: NOW });
    expect(plan.rolledBack).toBe(true);
    expect(plan.rollbackNow).toBeUndefined();
    expect(plan.rollbacks).toHaveLength(1);
    expect(plan.runRevision).toBe(hashOf(v1));
    expect(condition(plan, CONDITION_ROLLED_BACK)?.message).toBe(
      condition(first, CONDITION_ROLLED_BACK)?.message,
    );
  });

  it('keeps the rollback when only paused changes (not a runtime revision), and pauses the stable spec', () => {
    const first = planRevisions({ bot: tripped, history, now: NOW });
    const paused = bot({ ...v2, paused: true }, written(first, tripped.status?.performance));
    const plan = planRevisions({ bot: paused, history, now: NOW });
    expect(plan.rolledBack).toBe(true);
    expect(plan.runBot.spec.paused).toBe(true);
  });

  it('tries a new spec generation again', () => {
    const first = planRevisions({ bot: tripped, history, now: NOW });
    const v3 = { ...v2, cycleSeconds: 300 };
    const plan = planRevisions({
      bot: bot(v3, written(first, tripped.status?.performance)),
      history,
      now: NOW,
    });
    expect(plan.rolledBack).toBe(false);
    expect(plan.runRevision).toBe(hashOf(v3));
    expect(plan.create).toBeDefined();
    expect(plan.stableRevision).toBe(hashOf(v1));
    expect(condition(plan, CONDITION_ROLLED_BACK)?.status).toBe('False');
  });

  it('cannot roll back the first revision (nothing earlier to run)', () => {
    const only = bot(v2, {
      currentRevision: hashOf(v2),
      performance: { revision: hashOf(v2), dailyReturns: bad },
    });
    const plan = planRevisions({ bot: only, history: [history[1] as StoredRevision], now: NOW });
    expect(plan.rolledBack).toBe(false);
    expect(condition(plan, CONDITION_ROLLED_BACK)).toMatchObject({
      status: 'False',
      reason: 'NoStableRevision',
    });
  });

  it('promotes the current revision to stable after a full window without tripping', () => {
    const good = bad.map((d) => ({ ...d, returnPct: 0.4 }));
    const healthy = bot(v2, { ...tripped.status, performance: { revision: hashOf(v2), dailyReturns: good } });
    const silent = bot(v2, { ...tripped.status, performance: { revision: hashOf(v2), dailyReturns: [] } });
    expect(planRevisions({ bot: silent, history, now: NOW }).stableRevision).toBe(hashOf(v1));
    expect(planRevisions({ bot: healthy, history, now: NOW }).stableRevision).toBe(hashOf(v2));
  });

  it("sets DailyLossLimit from today's KST return", () => {
    const losing = bot(v2, {
      ...tripped.status,
      performance: { dailyReturns: [{ date: '2026-11-23', returnPct: -3.2 }] },
    });
    const plan = planRevisions({ bot: losing, history, now: NOW });
    expect(condition(plan, CONDITION_DAILY_LOSS_LIMIT)).toMatchObject({
      status: 'True',
      reason: 'DailyLossLimitHit',
    });
    expect(
      condition(planRevisions({ bot: tripped, history, now: NOW }), CONDITION_DAILY_LOSS_LIMIT)?.status,
    ).toBe('False');
  });

  it('prunes old revisions but never the stable or running one', () => {
    const many = [
      ...history,
      ...Array.from({ length: 10 }, (_, i) =>
        stored({ markets: ['KRW-BTC'], cycleSeconds: 100 + i }, 3 + i, FOUR_DAYS_AGO),
      ),
    ];
    const plan = planRevisions({ bot: tripped, history: many, now: NOW });
    expect(plan.prune).toHaveLength(2);
    expect(plan.prune).not.toContain(`krw-majors-${hashOf(v1)}`);
    expect(plan.prune).not.toContain(`krw-majors-${hashOf(v2)}`);
  });
});
