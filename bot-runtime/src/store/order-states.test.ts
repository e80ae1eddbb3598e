import { describe, expect, it } from 'vitest';
import { canTransition, isFinal, pathTo, predecessors } from './order-states.ts';

describe('order state machine (pure)', () => {
  it('final states go nowhere', () => {
    for (const s of ['filled', 'cancelled', 'rejected'] as const) {
      expect(isFinal(s)).toBe(true);
      expect(canTransition(s, s)).toBe(false);
      expect(canTransition(s, 'submitted')).toBe(false);
    }
  });

  it('finds the shortest legal path for reconciliation', () => {
    expect(pathTo('intent', 'filled')).toEqual(['submitted', 'filled']);
    expect(pathTo('intent', 'partially_filled')).toEqual(['submitted', 'partially_filled']);
    expect(pathTo('intent', 'cancelled')).toEqual(['cancelled']);
    expect(pathTo('partially_filled', 'rejected')).toBeUndefined();
    expect(pathTo('filled', 'submitted')).toBeUndefined();
  });

  it('lists the legal predecessors used by the guarded UPDATE', () => {
    expect(predecessors('filled')).toEqual(['submitted', 'partially_filled']);
    expect(predecessors('partially_filled')).toEqual(['submitted', 'partially_filled']);
    expect(predecessors('submitted')).toEqual(['intent', 'submitted']);
    expect(predecessors('intent')).toEqual(['intent']);
  });
});
