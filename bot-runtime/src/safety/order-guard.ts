// The one sequence that sends an order (DESIGN.md "Money safety first"), for the trading loop:
//   1. the dependency gate is open (entries need every dependency; exits the lease, store, exchange)
//   2. the lease gives this runtime's fencing token
//   3. the intent is written to PostgreSQL, fenced, BEFORE anything is sent
//   4. the broker sends it (idempotent on the client order id)
//   5. the broker's answer moves the stored order to submitted / rejected
// Fills and final states are written from the broker's streams by settleBrokerEvents(). A crash
// between any two steps is repaired by reconcileOpenOrders() at the next start, never by re-sending.
import type { Broker } from '../execution/broker.ts';
import { isStoreError } from '../store/errors.ts';
import type { StoredOrder } from '../store/order-rows.ts';
import type { TradeStore } from '../store/trade-store.ts';
import type { OrderIntent } from '../types.ts';
import type { DependencyGate } from './dependency-gate.ts';

export type PlaceRefusal =
  /** A dependency is down (reason from the gate): no new order now; positions are kept. */
  | 'GATE_CLOSED'
  /** This runtime does not hold the trader lease. */
  | 'LEASE_NOT_HELD'
  /** Another runtime took over the bot since this one's token: stop trading. */
  | 'FENCED'
  | 'STORE_UNAVAILABLE'
  /** The intent exists from before a restart and may have been sent: only reconciliation decides. */
  | 'AWAITING_RECONCILE'
  /** The broker call failed without an answer: the order may exist; reconcile after the timeout. */
  | 'OUTCOME_UNKNOWN';

export type PlaceOutcome =
  | { ok: true; order: StoredOrder; sent: boolean }
  | { ok: false; code: PlaceRefusal; message: string };

export interface OrderGuardDeps {
  store: Pick<TradeStore, 'orders' | 'fills'>;
  broker: Pick<Broker, 'submit'>;
  lease: { fencingToken(): number };
  gate: Pick<DependencyGate, 'canOpenPositions' | 'canClosePositions' | 'readiness'>;
}

export async function placeOrder(
  deps: OrderGuardDeps,
  intent: OrderIntent,
  opts: { entry: boolean },
): Promise<PlaceOutcome> {
  const open = opts.entry ? deps.gate.canOpenPositions() : deps.gate.canClosePositions();
  if (!open) {
    return { ok: false, code: 'GATE_CLOSED', message: deps.gate.readiness().reasons.join('; ') };
  }
  let token: number;
  try {
    token = deps.lease.fencingToken();
  } catch (err) {
    return { ok: false, code: 'LEASE_NOT_HELD', message: (err as Error).message };
  }
  let stored: { order: StoredOrder; created: boolean };
  try {
    stored = await deps.store.orders.createIntent(intent, token);
  } catch (err) {
    if (isStoreError(err, 'FENCED')) return { ok: false, code: 'FENCED', message: err.message };
    if (isStoreError(err, 'UNAVAILABLE'))
      return { ok: false, code: 'STORE_UNAVAILABLE', message: err.message };
    throw err;
  }
  if (!stored.created) {
    if (stored.order.state === 'intent') {
      return {
        ok: false,
        code: 'AWAITING_RECONCILE',
        message: `order ${intent.clientOrderId} was written before and may have been sent; reconcile it first`,
      };
    }
    return { ok: true, order: stored.order, sent: false };
  }
  let answer: Awaited<ReturnType<Broker['submit']>>;
  try {
    answer = await deps.broker.submit(intent);
  } catch (err) {
    return { ok: false, code: 'OUTCOME_UNKNOWN', message: (err as Error).message };
  }
  try {
    const to = answer.state === 'rejected' ? 'rejected' : answer.state === 'intent' ? 'intent' : 'submitted';
    const order =
      to === 'intent'
        ? stored.order
        : await deps.store.orders.advance(intent.clientOrderId, to, {
            ...(answer.rejection ? { reason: { ...answer.rejection } } : {}),
          });
    return { ok: true, order, sent: true };
  } catch (err) {
    // Sent, but the store missed the answer: the intent stays open and reconciliation settles it.
    if (isStoreError(err, 'UNAVAILABLE'))
      return { ok: false, code: 'STORE_UNAVAILABLE', message: err.message };
    throw err;
  }
}

/**
 * Writes the broker's new fills (trade logs, exactly once) and final states to the store: the
 * normal-path writer that pairs with placeOrder. Returns how many fills were new.
 */
export async function settleBrokerEvents(
  store: Pick<TradeStore, 'orders' | 'fills'>,
  broker: Pick<Broker, 'takeFills' | 'takeFinished'>,
): Promise<{ fillsWritten: number; finished: number }> {
  let fillsWritten = 0;
  for (const fill of broker.takeFills()) if ((await store.fills.recordFill(fill)).written) fillsWritten++;
  const finished = broker.takeFinished();
  for (const order of finished) {
    await store.orders.advance(order.intent.clientOrderId, order.state, {
      ...(order.rejection ? { reason: { ...order.rejection } } : {}),
    });
  }
  return { fillsWritten, finished: finished.length };
}
