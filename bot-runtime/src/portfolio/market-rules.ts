// The ONE place where exchange rules touch money: quote currency, Upbit's KRW tick size, the
// minimum order, the fee and the rounding of cash. Every other module calls these functions, so a
// rule changes in one line (STYLE.md rule 11).
//
// KRW-only rules apply to KRW-quoted markets only: the Binance replay data in ../shared/data is
// USDT-quoted and has no Upbit tick table or 5,000 KRW minimum (issue 5, "treat the quote currency
// as data").

/** Upbit market codes are QUOTE-BASE ("KRW-BTC"); the quote currency is the part before the dash. */
export function quoteCurrency(market: string): string {
  const dash = market.indexOf('-');
  return dash > 0 ? market.slice(0, dash) : market;
}

export function isKrwMarket(market: string): boolean {
  return quoteCurrency(market) === 'KRW';
}

/**
 * Upbit KRW-market tick table (docs.upbit.com/kr/docs/krw-market-info, policy of 2025-07-31,
 * page updated 2026-05-04): price >= lower bound -> tick. Rows below 100 KRW follow the 2024-10
 * table of the same page's history (0.01 down to 0.00000001).
 */
const KRW_TICKS: ReadonlyArray<readonly [lowerBound: number, tick: number]> = [
  [2_000_000, 1_000],
  [1_000_000, 1_000],
  [500_000, 500],
  [100_000, 100],
  [50_000, 50],
  [10_000, 10],
  [5_000, 5],
  [1_000, 1],
  [100, 1],
  [10, 0.01],
  [1, 0.001],
  [0.1, 0.0001],
  [0.01, 0.00001],
  [0.001, 0.000001],
  [0.0001, 0.0000001],
  [0, 0.00000001],
];

export function krwTickSize(price: number): number {
  for (const [lowerBound, tick] of KRW_TICKS) if (price >= lowerBound) return tick;
  return KRW_TICKS[KRW_TICKS.length - 1]![1];
}

/** Decimal places of a tick (1e-4 -> 4), used to strip binary noise after rounding. */
function decimals(tick: number): number {
  return tick >= 1 ? 0 : Math.round(-Math.log10(tick));
}

/**
 * Rounds a price onto the market's tick grid. Buys round up and sells round down, so a simulated
 * fill is never better than what the exchange would accept. Non-KRW markets pass through.
 */
export function roundPriceToTick(market: string, price: number, side: 'buy' | 'sell'): number {
  if (!isKrwMarket(market)) return price;
  const tick = krwTickSize(price);
  // Divide first, then snap tiny float error (e.g. 1234.0000000001 ticks) before ceil/floor.
  const ticks = Number((price / tick).toFixed(9));
  const n = side === 'buy' ? Math.ceil(ticks) : Math.floor(ticks);
  return Number((n * tick).toFixed(decimals(tick)));
}

/** Smallest quote amount an order may have: Upbit's KRW minimum on KRW markets, none elsewhere. */
export function minOrderQuote(market: string, minOrderKRW: number): number {
  return isKrwMarket(market) ? minOrderKRW : 0;
}

/** The smallest cash step of a market's quote currency (see roundCash). */
export function cashUnit(market: string): number {
  return isKrwMarket(market) ? 1 : 1e-8;
}

/**
 * Cash is exact: KRW in whole won (Upbit settles KRW in integers), other quote currencies to 1e-8
 * (satoshi-like precision; USDT replay data). `direction` rounds against the trader.
 */
export function roundCash(market: string, amount: number, direction: 'down' | 'up'): number {
  if (isKrwMarket(market)) {
    const snapped = Number(amount.toFixed(6));
    return direction === 'down' ? Math.floor(snapped) : Math.ceil(snapped);
  }
  const scaled = Number((amount * 1e8).toFixed(4));
  return (direction === 'down' ? Math.floor(scaled) : Math.ceil(scaled)) / 1e8;
}

/** The fee on one side of a trade, rounded up to the quote currency's cash unit (`feePct` per side). */
export function tradeFee(market: string, notional: number, feePct: number): number {
  return roundCash(market, (notional * feePct) / 100, 'up');
}
