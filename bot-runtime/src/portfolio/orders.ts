// From a Signal to an OrderIntent for one arm and market: spot, long-only, one position per market
// and arm (the seed's bot buys and sells, it never shorts). Entries go through the risk rules;
// exits are always allowed (the daily loss limit stops NEW entries only, SPEC.md).
import { createHash } from 'node:crypto';
import type { OrderIntent, Side, Signal } from '../types.ts';
import type { Arm } from './arm.ts';
import { type EntryRejection, entrySize, type RiskConfig } from './risk.ts';

export interface OrderContext {
  bot: string;
  revision: string;
  risk: RiskConfig;
}

/**
 * Deterministic, idempotent order id: the same bot, revision, arm, market, side and decision time
 * always give the same id, so a restarted runtime re-submitting a decision cannot double an order
 * (DESIGN.md "Money safety first"). 36 chars fit Upbit's `identifier` field.
 */
export function clientOrderId(
  bot: string,
  revision: string,
  arm: string,
  market: string,
  side: Side,
  time: number,
): string {
  const h = createHash('sha256')
    .update(`${bot}\n${revision}\n${arm}\n${market}\n${side}\n${time}`)
    .digest('hex');
  return `kt-${h.slice(0, 32)}`;
}

/**
 * The order the arm should place for `signal` on market index `m`; a refusal code when the risk
 * rules refuse it (also counted on the arm); undefined when the signal asks for nothing to do.
 */
export function orderFor(
  arm: Arm,
  m: number,
  signal: Signal,
  equity: number,
  ctx: OrderContext,
): OrderIntent | EntryRejection | undefined {
  if (signal.action === 'HOLD' || arm.pending[m] === 1) return undefined;
  const market = arm.markets[m]!;
  const held = arm.volume[m]!;
  if (signal.action === 'SELL') {
    if (held === 0) return undefined;
    if (!(signal.confidence >= ctx.risk.minConfidence)) {
      arm.refuse('BELOW_MIN_CONFIDENCE');
      return 'BELOW_MIN_CONFIDENCE';
    }
    return intent(arm, market, 'sell', signal, ctx, { volume: held });
  }
  if (held !== 0) return undefined;
  const size = entrySize({
    market,
    confidence: signal.confidence,
    equity,
    cash: arm.cash,
    halted: arm.dailyLoss.halted,
    cfg: ctx.risk,
  });
  if (!size.ok) {
    arm.refuse(size.code);
    return size.code;
  }
  return intent(arm, market, 'buy', signal, ctx, { quoteAmount: size.quoteAmount });
}

function intent(
  arm: Arm,
  market: string,
  side: Side,
  signal: Signal,
  ctx: OrderContext,
  amount: { quoteAmount: number } | { volume: number },
): OrderIntent {
  return {
    clientOrderId: clientOrderId(ctx.bot, ctx.revision, arm.spec.name, market, side, signal.time),
    bot: ctx.bot,
    revision: ctx.revision,
    arm: arm.spec.name,
    market,
    side,
    ...amount,
    time: signal.time,
    confidence: signal.confidence,
    signal,
  };
}
