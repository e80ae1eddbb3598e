// The idempotent order identifier (issue 6 item 4): derived deterministically from the decision it
// belongs to, so a runtime that restarts and re-derives the same decision gets the same id, and
// the exchange (Upbit rejects a reused `identifier`) and the store (primary key) both refuse a
// second order for it.
import { createHash } from 'node:crypto';
import type { Side } from '../types.ts';

/**
 * `kt-` + the first 128 bits of SHA-256 over the decision's fields, in hex: 35 URL-safe ASCII
 * characters (docs.upbit.com names no length limit for `identifier`; this is shorter than the
 * 36-character UUIDs Upbit itself uses), collision-free for any realistic number of orders
 * (about 2^64 orders for a 50% chance of one collision). The field order and separator match
 * portfolio/orders.ts, which produces the same ids today; one should delegate to the other.
 */
export function clientOrderId(
  bot: string,
  revision: string,
  arm: string,
  cycleTime: number,
  market: string,
  side: Side,
): string {
  for (const [name, value] of [
    ['bot', bot],
    ['revision', revision],
    ['arm', arm],
    ['market', market],
  ] as const) {
    // A newline inside a field would let two different decisions hash the same input.
    if (value.length === 0 || value.includes('\n')) {
      throw new TypeError(
        `clientOrderId: ${name} must be non-empty and single-line, got ${JSON.stringify(value)}`,
      );
    }
  }
  if (!Number.isSafeInteger(cycleTime)) {
    throw new TypeError(`clientOrderId: cycleTime must be integer epoch ms, got ${cycleTime}`);
  }
  const h = createHash('sha256')
    .update(`${bot}\n${revision}\n${arm}\n${market}\n${side}\n${cycleTime}`)
    .digest('hex');
  return `kt-${h.slice(0, 32)}`;
}
