// The order state machine in code (migrations/0001 enforces the same table in the database).
// intent -> submitted -> partially_filled* -> filled | cancelled | rejected.
// An intent may end without reaching the exchange: rejected by a pre-trade check, or cancelled by
// reconciliation when the exchange has never seen its identifier (safety/reconcile.ts).
import type { OrderState } from '../execution/broker.ts';

export const ORDER_STATES: readonly OrderState[] = [
  'intent',
  'submitted',
  'partially_filled',
  'filled',
  'cancelled',
  'rejected',
];

const NEXT: Readonly<Record<OrderState, readonly OrderState[]>> = {
  intent: ['submitted', 'rejected', 'cancelled'],
  submitted: ['partially_filled', 'filled', 'cancelled', 'rejected'],
  // More partial fills keep the state; the only way out is filled or cancelled.
  partially_filled: ['partially_filled', 'filled', 'cancelled'],
  filled: [],
  cancelled: [],
  rejected: [],
};

export const OPEN_STATES: readonly OrderState[] = ['intent', 'submitted', 'partially_filled'];

export function isFinal(state: OrderState): boolean {
  return NEXT[state].length === 0;
}

/** Whether `from -> to` is one legal step. Staying in an open state is legal (a no-op or more fills). */
export function canTransition(from: OrderState, to: OrderState): boolean {
  return (from === to && !isFinal(from)) || NEXT[from].includes(to);
}

/** States from which `to` is one legal step: the guard of `UPDATE ... WHERE state IN (...)`. */
export function predecessors(to: OrderState): OrderState[] {
  return ORDER_STATES.filter((from) => canTransition(from, to));
}

/**
 * The shortest chain of legal steps from `from` to `to` (excluding `from`), or undefined.
 * Reconciliation uses it: an intent the exchange reports filled went intent -> submitted -> filled.
 */
export function pathTo(from: OrderState, to: OrderState): OrderState[] | undefined {
  if (from === to) return [];
  const queue: [OrderState, OrderState[]][] = [[from, []]];
  const seen = new Set<OrderState>([from]);
  while (queue.length > 0) {
    const [state, path] = queue.shift()!;
    for (const next of NEXT[state]) {
      if (seen.has(next)) continue;
      const p = [...path, next];
      if (next === to) return p;
      seen.add(next);
      queue.push([next, p]);
    }
  }
  return undefined;
}
