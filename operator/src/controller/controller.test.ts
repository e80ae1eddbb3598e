import { describe, expect, it, vi } from 'vitest';
import { outcomeOf } from './controller.ts';
import type { WorkQueue } from './work-queue.ts';

function fakeQueue() {
  return { addRateLimited: vi.fn(), addAfter: vi.fn(), forget: vi.fn(), add: vi.fn() };
}

describe('outcomeOf: the one reconcile-result -> requeue policy', () => {
  const cases: Array<
    [string, Parameters<typeof outcomeOf>[0], unknown, string, Record<string, unknown[] | undefined>]
  > = [
    ['thrown error', undefined, new Error('boom'), 'error', { addRateLimited: ['ns/a'] }],
    [
      'error wins over a result',
      { requeueAfter: 10 },
      new Error('boom'),
      'error',
      { addRateLimited: ['ns/a'] },
    ],
    [
      'requeueAfter',
      { requeueAfter: 30_000 },
      undefined,
      'requeue_after',
      { forget: ['ns/a'], addAfter: ['ns/a', 30_000] },
    ],
    ['requeue', { requeue: true }, undefined, 'requeue', { addRateLimited: ['ns/a'] }],
    ['requeueAfter 0 means done', { requeueAfter: 0 }, undefined, 'success', { forget: ['ns/a'] }],
    ['empty result', {}, undefined, 'success', { forget: ['ns/a'] }],
    ['nothing returned', undefined, undefined, 'success', { forget: ['ns/a'] }],
  ];
  it.each(cases)('%s', (_, result, error, label, calls) => {
    const q = fakeQueue();
    const outcome = outcomeOf(result, error);
    expect(outcome.label).toBe(label);
    outcome.requeue(q as unknown as WorkQueue, 'ns/a');
    for (const name of ['addRateLimited', 'addAfter', 'forget', 'add'] as const) {
      const want = calls[name];
      if (want) expect(q[name]).toHaveBeenCalledWith(...want);
      else expect(q[name]).not.toHaveBeenCalled();
    }
  });
});
