import type { V1Deployment } from '@kubernetes/client-node';
import type { TradingBot } from '@kubetrade/crds';
import { describe, expect, it } from 'vitest';
import { ANNOTATION_REVISION } from './names.ts';
import { desiredStatus, type Observed, rolloutOf, setCondition, statusChanged } from './status.ts';
import { exampleBot } from './testing.ts';

const T0 = '2026-11-24T00:00:00.000Z';
const T1 = '2026-11-24T00:01:00.000Z';

function deployment(
  o: {
    generation?: number;
    observed?: number;
    replicas?: number;
    updated?: number;
    available?: number;
    revision?: string;
  } = {},
): V1Deployment {
  return {
    metadata: { name: 'krw-majors-runtime', generation: o.generation ?? 1 },
    spec: {
      replicas: o.replicas ?? 1,
      selector: {},
      template: { metadata: { annotations: { [ANNOTATION_REVISION]: o.revision ?? 'rev1' } } },
    },
    status: {
      observedGeneration: o.observed ?? 1,
      updatedReplicas: o.updated ?? 0,
      availableReplicas: o.available ?? 0,
    },
  };
}

const observed = (o: Partial<Observed> = {}): Observed => ({
  deployment: deployment(),
  blocker: undefined,
  currentRevision: 'rev1',
  ...o,
});
const condition = (s: ReturnType<typeof desiredStatus>, type: string) =>
  s.conditions.find((c) => c.type === type);

describe('desiredStatus', () => {
  it.each([
    {
      name: 'no Deployment yet',
      bot: {},
      o: { deployment: undefined },
      phase: 'Pending',
      ready: 'False',
      reason: 'RuntimeUnavailable',
    },
    {
      name: 'rollout waiting for pods',
      bot: {},
      o: { deployment: deployment({ updated: 1 }) },
      phase: 'Pending',
      ready: 'False',
      reason: 'RuntimeUnavailable',
    },
    {
      name: 'available',
      bot: {},
      o: { deployment: deployment({ updated: 1, available: 1 }) },
      phase: 'Running',
      ready: 'True',
      reason: 'RuntimeAvailable',
    },
    {
      name: 'available but an older revision',
      bot: {},
      o: { deployment: deployment({ updated: 1, available: 1, revision: 'rev0' }) },
      phase: 'Pending',
      ready: 'False',
      reason: 'RuntimeUnavailable',
    },
    {
      name: 'controller has not seen the new generation',
      bot: {},
      o: { deployment: deployment({ generation: 2, observed: 1, updated: 1, available: 1 }) },
      phase: 'Pending',
      ready: 'False',
      reason: 'RuntimeUnavailable',
    },
    { name: 'paused', bot: { paused: true }, o: {}, phase: 'Paused', ready: 'False', reason: 'Paused' },
    {
      name: 'Secret missing',
      bot: {},
      o: { blocker: { reason: 'SecretNotFound', message: 'Secret traders/upbit-keys ...' } },
      phase: 'Degraded',
      ready: 'False',
      reason: 'SecretNotFound',
    },
  ])('$name -> $phase, Ready=$ready ($reason)', ({ bot, o, phase, ready, reason }) => {
    const s = desiredStatus(exampleBot({ spec: bot }), observed(o), T0);
    expect(s.phase).toBe(phase);
    expect(condition(s, 'Ready')).toMatchObject({ status: ready, reason, observedGeneration: 1 });
    expect(condition(s, 'Degraded')?.status).toBe(phase === 'Degraded' ? 'True' : 'False');
    expect(s.observedGeneration).toBe(1);
    expect(s.currentRevision).toBe('rev1');
  });

  it('a Degraded status names the Secret in every condition message', () => {
    const message = 'Secret traders/upbit-keys named by spec.credentialsSecretRef does not exist';
    const s = desiredStatus(exampleBot(), observed({ blocker: { reason: 'SecretNotFound', message } }), T0);
    for (const c of s.conditions) expect(c.message).toBe(message);
  });

  it('runningRevision follows the Deployment once its rollout is done, else keeps the last one', () => {
    const bot: TradingBot = { ...exampleBot(), status: { runningRevision: 'rev0' } };
    expect(desiredStatus(bot, observed({ deployment: deployment({ updated: 0 }) }), T0).runningRevision).toBe(
      'rev0',
    );
    expect(desiredStatus(bot, observed({ deployment: deployment({ updated: 1 }) }), T0).runningRevision).toBe(
      'rev1',
    );
  });
});

describe('conditions', () => {
  it('keep lastTransitionTime while status holds, and move it when status flips', () => {
    const first = setCondition([], { type: 'Ready', status: 'False', reason: 'A', message: '' }, 1, T0);
    const same = setCondition([first], { type: 'Ready', status: 'False', reason: 'B', message: 'x' }, 2, T1);
    const flipped = setCondition([same], { type: 'Ready', status: 'True', reason: 'C', message: '' }, 2, T1);
    expect(first.lastTransitionTime).toBe(T0);
    expect(same.lastTransitionTime).toBe(T0);
    expect(same.observedGeneration).toBe(2);
    expect(flipped.lastTransitionTime).toBe(T1);
  });
});

describe('statusChanged', () => {
  const bot = exampleBot();
  const next = desiredStatus(bot, observed(), T0);
  it('is false for the status just written, whatever lastReconcileTime says', () => {
    const written = { ...next, lastReconcileTime: T0, performance: { equityKRW: 1 } };
    expect(statusChanged(written, desiredStatus({ ...bot, status: written }, observed(), T1))).toBe(false);
  });
  it.each([
    ['no status', undefined],
    ['another generation', { ...next, observedGeneration: 0 }],
    ['another phase', { ...next, phase: 'Running' as const }],
    ['another message', { ...next, conditions: next.conditions.map((c) => ({ ...c, message: 'old' })) }],
    ['a missing condition', { ...next, conditions: next.conditions.slice(1) }],
  ])('is true with %s', (_what, current) => {
    expect(statusChanged(current, next)).toBe(true);
  });
});

describe('rolloutOf', () => {
  it('counts a scaled-to-zero Deployment as rolled out', () => {
    expect(rolloutOf(deployment({ replicas: 0 })).done).toBe(true);
  });
});
