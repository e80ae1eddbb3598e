// Start-up (and after-timeout) reconciliation of order intents with the exchange (issue 6 item 4):
// every order the store has as not final is looked up on the exchange by its client order id and
// moved to its true state; fills the store missed are written to trade_logs exactly once
// (FillsRepo.applyExchangeOrder keys them by the exchange's cumulative volume).
import type { Order, OrderState } from '../execution/broker.ts';
import type { StoredOrder } from '../store/order-rows.ts';
import type { TradeStore } from '../store/trade-store.ts';
import type { Fill, OrderIntent } from '../types.ts';

/**
 * The one exchange capability reconciliation needs (execution/upbit-broker.ts's `lookup` fits).
 * `intent` is passed so an implementation that lost its memory in a restart can still build the
 * Order from the exchange's response.
 */
export interface OrderLookup {
  /** The exchange's view of the order, or undefined when the exchange has never seen this id. */
  lookup(clientOrderId: string, intent?: OrderIntent): Promise<ExchangeOrder | undefined>;
}

/** One execution as the exchange lists it, with its own id (Upbit: trades[].uuid). */
export interface ExchangeTrade extends Fill {
  tradeId: string;
}

/**
 * An Order as the exchange reports it. With `trades`, each trade is written under its trade id,
 * the same key the normal path uses (FillsRepo.recordFill), so a fill both paths see is written
 * once; without them the missing volume is written as one row at its average price.
 */
export type ExchangeOrder = Order & { trades?: readonly ExchangeTrade[]; exchangeOrderId?: string };

export interface ReconcileOptions {
  bot?: string;
  /**
   * An intent the exchange does not know is abandoned (-> cancelled, NOT_ON_EXCHANGE) only when it
   * is older than this: a younger one may still be in flight. Set it above the exchange client's
   * order timeout (the request can no longer arrive after it). The decision it belonged to is old
   * by then, so it is not re-sent.
   */
  abandonAfterMs: number;
  /**
   * Policy for an intent the exchange never saw, once older than abandonAfterMs: without `resend`
   * it is abandoned (cancelled, NOT_ON_EXCHANGE: the decision is stale); with it, it is sent now,
   * exactly once (the exchange refuses a second order with the same identifier) and the answer
   * applied: "a crash after the intent neither loses nor duplicates the order" (issue 6).
   */
  resend?: (intent: OrderIntent) => Promise<ExchangeOrder>;
  now?: () => number;
}

export interface ReconcileReport {
  checked: number;
  changed: { clientOrderId: string; from: OrderState; to: OrderState }[];
  fillsWritten: number;
  abandoned: string[];
  /** Intents the exchange never saw, sent now (with `resend`). */
  resent: string[];
  /** Intents too young to abandon, left for the next reconciliation. */
  pending: string[];
  /** Store and exchange disagree in a way code must not guess about; a person should look. */
  mismatches: string[];
  /** Lookups that failed (exchange down): reconciliation is incomplete, keep the gate closed. */
  errors: { clientOrderId: string; message: string }[];
}

export async function reconcileOpenOrders(
  store: Pick<TradeStore, 'orders' | 'fills'>,
  exchange: OrderLookup,
  opts: ReconcileOptions,
): Promise<ReconcileReport> {
  const now = opts.now ?? Date.now;
  const report: ReconcileReport = {
    checked: 0,
    changed: [],
    fillsWritten: 0,
    abandoned: [],
    resent: [],
    pending: [],
    mismatches: [],
    errors: [],
  };
  for (const order of await store.orders.openOrders(opts.bot)) {
    report.checked++;
    const id = order.intent.clientOrderId;
    let found: ExchangeOrder | undefined;
    try {
      found = await exchange.lookup(id, order.intent);
    } catch (err) {
      report.errors.push({ clientOrderId: id, message: (err as Error).message });
      continue;
    }
    if (!found && order.state === 'intent' && opts.resend && now() - order.createdAt >= opts.abandonAfterMs) {
      try {
        found = await opts.resend(order.intent);
        report.resent.push(id);
      } catch (err) {
        report.errors.push({ clientOrderId: id, message: (err as Error).message });
        continue;
      }
    }
    if (found) {
      await applyFound(store, order, found, report);
      continue;
    }
    await settleUnknown(store, order, now(), opts.abandonAfterMs, report);
  }
  return report;
}

async function applyFound(
  store: Pick<TradeStore, 'orders' | 'fills'>,
  order: StoredOrder,
  found: ExchangeOrder,
  report: ReconcileReport,
): Promise<void> {
  const id = order.intent.clientOrderId;
  for (const trade of found.trades ?? []) {
    if ((await store.fills.recordFill(trade, trade.tradeId)).written) report.fillsWritten++;
  }
  const applied = await store.fills.applyExchangeOrder(found, found.exchangeOrderId);
  report.fillsWritten += applied.fillsWritten;
  if (applied.mismatch) report.mismatches.push(applied.mismatch);
  if (applied.order.state !== order.state) {
    report.changed.push({ clientOrderId: id, from: order.state, to: applied.order.state });
  }
}

async function settleUnknown(
  store: Pick<TradeStore, 'orders'>,
  order: StoredOrder,
  now: number,
  abandonAfterMs: number,
  report: ReconcileReport,
): Promise<void> {
  const id = order.intent.clientOrderId;
  if (order.state !== 'intent') {
    report.mismatches.push(`store has ${id} ${order.state}, the exchange does not know it`);
    return;
  }
  if (now - order.createdAt < abandonAfterMs) {
    report.pending.push(id);
    return;
  }
  await store.orders.transition(id, 'cancelled', {
    reason: {
      code: 'NOT_ON_EXCHANGE',
      message: `never reached the exchange (not found by identifier ${Math.round((now - order.createdAt) / 1000)} s after the intent)`,
    },
  });
  report.abandoned.push(id);
  report.changed.push({ clientOrderId: id, from: 'intent', to: 'cancelled' });
}
