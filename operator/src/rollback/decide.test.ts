import type { DailyReturn } from '@kubetrade/crds';
import { describe, expect, it } from 'vitest';
import { dailyLossLimitHit, decideRollback, provedStable, type RollbackInput } from './decide.ts';

const rule = { dailyReturnPct: -2, consecutiveDays: 3 };
// 2026-11-20 00:00 KST; the revision runs from the very start of that KST day.
const START = new Date('2026-11-19T15:00:00Z');
const days = (...pairs: Array<[string, number]>): DailyReturn[] =>
  pairs.map(([date, returnPct]) => ({ date, returnPct }));
const input = (over: Partial<RollbackInput>): RollbackInput => ({
  rule,
  currentRevision: 'new',
  stableRevision: 'old',
  revisionStart: START,
  dailyReturns: [],
  // 2026-11-23 12:00 KST: 20, 21 and 22 are complete, 23 is today.
  now: new Date('2026-11-23T03:00:00Z'),
  alreadyRolledBack: false,
  ...over,
});

describe('decideRollback', () => {
  const cases: Array<{ name: string; over: Partial<RollbackInput>; rollBack: boolean; reason: string }> = [
    {
      name: 'three days at exactly -2.0% trip the rule (<= counts)',
      over: { dailyReturns: days(['2026-11-20', -2], ['2026-11-21', -2], ['2026-11-22', -2]) },
      rollBack: true,
      reason: 'DrawdownRule',
    },
    {
      name: '-1.99% on one of the three days does not',
      over: { dailyReturns: days(['2026-11-20', -2], ['2026-11-21', -1.99], ['2026-11-22', -3]) },
      rollBack: false,
      reason: 'WithinRule',
    },
    {
      name: 'two bad days are not enough',
      over: { dailyReturns: days(['2026-11-21', -4], ['2026-11-22', -4]) },
      rollBack: false,
      reason: 'WithinRule',
    },
    {
      name: 'a missing day breaks the streak',
      over: {
        now: new Date('2026-11-24T03:00:00Z'),
        dailyReturns: days(['2026-11-20', -3], ['2026-11-21', -3], ['2026-11-23', -3]),
      },
      rollBack: false,
      reason: 'WithinRule',
    },
    {
      name: 'a streak earlier in the revision still trips after a good day',
      over: {
        now: new Date('2026-11-24T03:00:00Z'),
        dailyReturns: days(['2026-11-20', -3], ['2026-11-21', -3], ['2026-11-22', -3], ['2026-11-23', 1]),
      },
      rollBack: true,
      reason: 'DrawdownRule',
    },
    {
      name: "today's incomplete day never counts (23:59:59 KST = 14:59:59 UTC)",
      over: {
        now: new Date('2026-11-22T14:59:59Z'),
        dailyReturns: days(['2026-11-20', -3], ['2026-11-21', -3], ['2026-11-22', -3]),
      },
      rollBack: false,
      reason: 'WithinRule',
    },
    {
      name: 'at 15:00 UTC (00:00 KST) the day is complete and counts',
      over: {
        now: new Date('2026-11-22T15:00:00Z'),
        dailyReturns: days(['2026-11-20', -3], ['2026-11-21', -3], ['2026-11-22', -3]),
      },
      rollBack: true,
      reason: 'DrawdownRule',
    },
    {
      name: 'a revision started mid-day does not count that day',
      over: {
        revisionStart: new Date('2026-11-20T03:00:00Z'),
        dailyReturns: days(['2026-11-20', -3], ['2026-11-21', -3], ['2026-11-22', -3]),
      },
      rollBack: false,
      reason: 'WithinRule',
    },
    {
      name: 'a revision younger than the window never rolls back',
      over: {
        revisionStart: new Date('2026-11-22T00:00:00Z'),
        dailyReturns: days(['2026-11-20', -9], ['2026-11-21', -9], ['2026-11-22', -9]),
      },
      rollBack: false,
      reason: 'WithinRule',
    },
    {
      name: 'days reported in the future (clock skew) are ignored',
      over: {
        dailyReturns: days(['2026-11-21', -3], ['2026-11-22', -3], ['2026-11-23', -3], ['2026-11-24', -3]),
      },
      rollBack: false,
      reason: 'WithinRule',
    },
    {
      name: 'malformed dates are ignored',
      over: { dailyReturns: days(['2026-11-20', -3], ['2026-02-30', -3], ['2026-11-22', -3]) },
      rollBack: false,
      reason: 'WithinRule',
    },
    {
      name: 'a revision that was rolled back is not retried',
      over: {
        alreadyRolledBack: true,
        dailyReturns: days(['2026-11-20', -3], ['2026-11-21', -3], ['2026-11-22', -3]),
      },
      rollBack: false,
      reason: 'AlreadyRolledBack',
    },
    {
      name: 'a report from another revision is not evidence against this one',
      over: {
        reportedRevision: 'old',
        dailyReturns: days(['2026-11-20', -3], ['2026-11-21', -3], ['2026-11-22', -3]),
      },
      rollBack: false,
      reason: 'ReportFromOtherRevision',
    },
    {
      name: 'the first revision has nothing to roll back to',
      over: {
        stableRevision: undefined,
        dailyReturns: days(['2026-11-20', -3], ['2026-11-21', -3], ['2026-11-22', -3]),
      },
      rollBack: false,
      reason: 'NoStableRevision',
    },
    {
      name: 'the spec rule is used, not the seed default (2 days at -5%)',
      over: {
        rule: { dailyReturnPct: -5, consecutiveDays: 2 },
        dailyReturns: days(['2026-11-20', -3], ['2026-11-21', -5], ['2026-11-22', -6]),
      },
      rollBack: true,
      reason: 'DrawdownRule',
    },
  ];
  it.each(cases)('$name', ({ over, rollBack, reason }) => {
    const decision = decideRollback(input(over));
    expect(decision.rollBack).toBe(rollBack);
    expect(decision.reason).toBe(reason);
    expect(decision.days.length).toBe(rollBack ? (over.rule ?? rule).consecutiveDays : 0);
  });

  it('names the days and returns in its message, oldest first', () => {
    const decision = decideRollback(
      input({ dailyReturns: days(['2026-11-22', -2.5], ['2026-11-20', -2.1], ['2026-11-21', -2]) }),
    );
    expect(decision.days).toEqual(days(['2026-11-20', -2.1], ['2026-11-21', -2], ['2026-11-22', -2.5]));
    expect(decision.message).toContain('2026-11-20 -2.10%, 2026-11-21 -2.00%, 2026-11-22 -2.50%');
    expect(decision.message).toContain('running revision old again');
  });
});

describe('provedStable', () => {
  const base = { ...input({}), stableRevision: undefined, reportedRevision: 'new' };
  const good = days(['2026-11-20', 0.5], ['2026-11-21', -1], ['2026-11-22', 0.1]);
  it.each([
    { name: 'not before a full window', now: '2026-11-22T03:00:00Z', returns: good, over: {}, stable: false },
    {
      name: 'after a full reported window without tripping',
      now: '2026-11-23T03:00:00Z',
      returns: good,
      over: {},
      stable: true,
    },
    {
      name: 'not when nothing was reported (a silent runtime proves nothing)',
      now: '2026-11-23T03:00:00Z',
      returns: [],
      over: {},
      stable: false,
    },
    {
      name: 'not with a day missing from the window',
      now: '2026-11-23T03:00:00Z',
      returns: good.slice(1),
      over: {},
      stable: false,
    },
    {
      name: 'not when the window tripped',
      now: '2026-11-23T03:00:00Z',
      returns: days(['2026-11-20', -3], ['2026-11-21', -3], ['2026-11-22', -3]),
      over: {},
      stable: false,
    },
    {
      name: "not from another revision's report",
      now: '2026-11-23T03:00:00Z',
      returns: good,
      over: { reportedRevision: 'old' },
      stable: false,
    },
    {
      name: 'not once rolled back',
      now: '2026-11-23T03:00:00Z',
      returns: good,
      over: { alreadyRolledBack: true },
      stable: false,
    },
  ])('$name', ({ now, returns, over, stable }) => {
    expect(provedStable({ ...base, ...over, now: new Date(now), dailyReturns: returns })).toBe(stable);
  });
});

describe('dailyLossLimitHit', () => {
  const now = new Date('2026-11-23T03:00:00Z'); // 2026-11-23 12:00 KST
  it.each([
    { name: 'exactly at the limit', returns: days(['2026-11-23', -3]), hit: true },
    { name: 'just inside the limit', returns: days(['2026-11-23', -2.99]), hit: false },
    { name: "yesterday's loss does not stop today", returns: days(['2026-11-22', -10]), hit: false },
    { name: 'nothing reported today', returns: [], hit: false },
  ])('$name', ({ returns, hit }) => {
    const state = dailyLossLimitHit({ dailyLossLimitPct: 3, dailyReturns: returns, now });
    expect(state.hit).toBe(hit);
    expect(state.day).toBe('2026-11-23');
  });
  it('uses the KST day: 15:00 UTC starts a new day with no loss yet', () => {
    const returns = days(['2026-11-23', -5]);
    expect(
      dailyLossLimitHit({
        dailyLossLimitPct: 3,
        dailyReturns: returns,
        now: new Date('2026-11-23T14:59:59Z'),
      }).hit,
    ).toBe(true);
    expect(
      dailyLossLimitHit({
        dailyLossLimitPct: 3,
        dailyReturns: returns,
        now: new Date('2026-11-23T15:00:00Z'),
      }).hit,
    ).toBe(false);
  });
});
