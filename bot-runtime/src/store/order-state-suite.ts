// The order state machine part of the shared store suite (store-suite.ts): every (from, to) pair
// against the repository, and the database trigger on its own.
import { describe, expect, it } from 'vitest';
import type { OrderState } from '../execution/broker.ts';
import type { Db } from './db.ts';
import { intentFor, uniqueName } from './test-data.ts';
import type { TradeStore } from './trade-store.ts';

const STATES: OrderState[] = ['intent', 'submitted', 'partially_filled', 'filled', 'cancelled', 'rejected'];

// Written out by hand from the state machine (not derived from order-states.ts, so the
// code and the database trigger are both checked against an independent statement of the rules).
const LEGAL: ReadonlySet<string> = new Set([
  'intent>intent',
  'intent>submitted',
  'intent>rejected',
  'intent>cancelled',
  'submitted>submitted',
  'submitted>partially_filled',
  'submitted>filled',
  'submitted>cancelled',
  'submitted>rejected',
  'partially_filled>partially_filled',
  'partially_filled>filled',
  'partially_filled>cancelled',
]);

// How each starting state is reached from a fresh intent.
const REACH: Record<OrderState, OrderState[]> = {
  intent: [],
  submitted: ['submitted'],
  partially_filled: ['submitted', 'partially_filled'],
  filled: ['submitted', 'filled'],
  cancelled: ['cancelled'],
  rejected: ['rejected'],
};

export function describeOrderStateMachine(get: () => { store: TradeStore; db: Db }): void {
  describe('order state machine', () => {
    for (const from of STATES) {
      for (const to of STATES) {
        const legal =
          LEGAL.has(`${from}>${to}`) || (from === to && ['filled', 'cancelled', 'rejected'].includes(to));
        it(`${from} -> ${to} is ${legal ? 'accepted' : 'refused'}`, async () => {
          const bot = uniqueName('bot');
          const id = uniqueName('id');
          await get().store.orders.createIntent(intentFor(bot, id), 1);
          for (const step of REACH[from]) await get().store.orders.transition(id, step);
          if (legal) {
            expect((await get().store.orders.transition(id, to)).state).toBe(to);
          } else {
            await expect(get().store.orders.transition(id, to)).rejects.toMatchObject({
              code: 'ILLEGAL_TRANSITION',
            });
            expect((await get().store.orders.order(id))!.state).toBe(from);
          }
        });
      }
    }

    it('the database itself refuses an illegal transition written around the repository', async () => {
      const bot = uniqueName('bot');
      const id = uniqueName('id');
      await get().store.orders.createIntent(intentFor(bot, id), 1);
      await get().store.orders.transition(id, 'submitted');
      await get().store.orders.transition(id, 'filled');
      await expect(
        get().db.query(`UPDATE orders SET state = 'submitted' WHERE client_order_id = $1`, [id]),
      ).rejects.toThrow(/illegal order transition filled -> submitted/);
      await expect(
        get().db.query(`UPDATE orders SET filled_volume = -1 WHERE client_order_id = $1`, [id]),
      ).rejects.toThrow();
      expect((await get().store.orders.order(id))!.state).toBe('filled');
    });

    it('an unknown order id is ORDER_NOT_FOUND', async () => {
      await expect(get().store.orders.transition(uniqueName('none'), 'submitted')).rejects.toMatchObject({
        code: 'ORDER_NOT_FOUND',
      });
    });
  });
}
