// Fills another writer stored while this process holds the lease (normally only reconciliation's
// of its own orders; a full rebuild at each new lease token is live/resume.ts): booked into the
// arms with the same Arm.applyFill the loop uses, skipping the orders this process sent itself
// (the loop books those). toLoggedFill is the one mapping from a trade_logs row to a booked fill.
import type { TradingCore } from '../loop/trading-core.ts';
import type { LoggedFill } from '../portfolio/restore.ts';
import type { Db } from '../store/db.ts';
import { TRADE_LOG_COLUMNS, type TradeLog, toTradeLog } from '../store/order-rows.ts';

export class InheritedFills {
  readonly #bot: string;
  /** Orders this process sent: the loop books their fills itself. */
  readonly #own: ReadonlySet<string>;
  #seen = 0;

  constructor(bot: string, own: ReadonlySet<string>) {
    this.#bot = bot;
    this.#own = own;
  }

  /** The books were rebuilt from every fill up to trade log `id` (live/resume.ts): continue after it. */
  rebuiltUpTo(id: number): void {
    this.#seen = Math.max(this.#seen, id);
  }

  /** Books the trade logs newer than the last call that are not this process's own; returns how many. */
  async catchUp(db: Db, core: TradingCore): Promise<number> {
    const r = await db.query(
      `SELECT ${TRADE_LOG_COLUMNS} FROM trade_logs WHERE bot = $1 AND id > $2 ORDER BY id`,
      [this.#bot, this.#seen],
    );
    return bookInherited(core, r.rows.map(toTradeLog), this.#own, (id) => {
      this.#seen = Math.max(this.#seen, id);
    });
  }
}

/** A trade_logs row as the fill its arm booked (portfolio/restore.ts rebuilds arms from these). */
export function toLoggedFill(t: TradeLog): LoggedFill {
  return {
    clientOrderId: t.clientOrderId,
    arm: t.arm,
    market: t.market,
    side: t.side,
    price: t.price,
    volume: t.volume,
    fee: t.fee,
    time: t.filledAt,
    confidence: t.confidence,
  };
}

/** Pure part: which logs are inherited and into which arm and market they go. */
export function bookInherited(
  core: Pick<TradingCore, 'arms' | 'marketIndex'>,
  logs: readonly TradeLog[],
  own: ReadonlySet<string>,
  seen: (id: number) => void = () => undefined,
): number {
  let booked = 0;
  for (const t of logs) {
    seen(t.id);
    if (own.has(t.clientOrderId)) continue;
    const arm = core.arms.find((a) => a.spec.name === t.arm);
    const m = core.marketIndex(t.market);
    // An arm or market the current revision no longer has: its coins are outside this bot's books.
    if (!arm || m === undefined) continue;
    arm.applyFill(m, toLoggedFill(t), t.confidence);
    booked++;
  }
  return booked;
}
