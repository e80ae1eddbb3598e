import type { V1CronJob } from '@kubernetes/client-node';
import type { Condition } from '@kubetrade/crds';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import {
  CONDITION_RETRAIN_FAILED,
  registerRetrainMetrics,
  retrainCondition,
  withRetrainCondition,
} from './retrain-status.ts';

const cron = (status: V1CronJob['status']): V1CronJob => ({
  metadata: {
    name: 'krw-majors-retrain',
    namespace: 'ns1',
    ownerReferences: [
      { apiVersion: 'kubetrade.io/v1alpha1', kind: 'TradingBot', name: 'krw-majors', uid: 'u' },
    ],
  },
  spec: { schedule: '0 3 * * *', jobTemplate: {} },
  status,
});
const T3 = new Date('2026-11-25T18:00:00Z');
const T2 = new Date('2026-11-24T18:00:00Z');

describe('retrainCondition', () => {
  it.each([
    ['never scheduled', cron({}), undefined],
    ['running', cron({ lastScheduleTime: T3, active: [{ name: 'j' }] }), undefined],
    [
      'succeeded',
      cron({ lastScheduleTime: T3, lastSuccessfulTime: new Date(T3.getTime() + 60_000) }),
      'False',
    ],
    ['failed, never succeeded', cron({ lastScheduleTime: T3 }), 'True'],
    ['failed after an earlier success', cron({ lastScheduleTime: T3, lastSuccessfulTime: T2 }), 'True'],
  ])('%s -> %s', (_, cronJob, status) => {
    expect(retrainCondition(cronJob)?.status).toBe(status);
  });

  it('names the CronJob, the failed run and the last success', () => {
    const c = retrainCondition(cron({ lastScheduleTime: T3, lastSuccessfulTime: T2 }))!;
    expect(c).toMatchObject({ type: CONDITION_RETRAIN_FAILED, reason: 'RetrainJobFailed' });
    expect(c.message).toMatch(
      /krw-majors-retrain: the retrain scheduled 2026-11-25T18:00:00.000Z failed \(last success 2026-11-24T18:00:00.000Z\)/,
    );
  });
});

const none = (): { conditions: Condition[] } => ({ conditions: [] });

describe('withRetrainCondition', () => {
  const now = '2026-11-25T19:00:00Z';
  it('adds the condition, keeps lastTransitionTime while the status holds, keeps it while a new run is active', () => {
    const failed = withRetrainCondition(none(), cron({ lastScheduleTime: T3 }), [], 4, now);
    expect(failed.conditions).toEqual([
      expect.objectContaining({
        type: 'RetrainFailed',
        status: 'True',
        observedGeneration: 4,
        lastTransitionTime: now,
      }),
    ]);
    const later = withRetrainCondition(
      none(),
      cron({ lastScheduleTime: T3 }),
      failed.conditions,
      4,
      '2026-11-25T20:00:00Z',
    );
    expect(later.conditions[0]!.lastTransitionTime).toBe(now);
    const running = withRetrainCondition(
      none(),
      cron({ lastScheduleTime: T3, active: [{ name: 'j' }] }),
      failed.conditions,
      4,
      now,
    );
    expect(running.conditions).toEqual(failed.conditions);
    expect(withRetrainCondition(none(), cron({}), [], 4, now).conditions).toEqual([]);
  });
});

it('kubetrade_retrain_failed is 1 for a bot whose latest retrain failed, 0 after a success', async () => {
  const registry = new Registry();
  const ok = { ...cron({ lastScheduleTime: T2, lastSuccessfulTime: T2 }) };
  ok.metadata = { ...ok.metadata, namespace: 'ns2' };
  registerRetrainMetrics(registry, () => [cron({ lastScheduleTime: T3 }), ok, cron({})]);
  const text = await registry.metrics();
  expect(text).toContain('kubetrade_retrain_failed{namespace="ns1",name="krw-majors"} 1');
  expect(text).toContain('kubetrade_retrain_failed{namespace="ns2",name="krw-majors"} 0');
});
