// Market data for `mode: live`: the exchange's own 5m candles (Upbit's candle API through
// UpbitClient.candlePages), CLOSED candles only — `to` is the start of the candle forming at `now`,
// and anything the exchange still sends at or after it is dropped (real Upbit includes the forming
// candle) — so live decisions see exactly what a backtest would (no look-ahead). Higher timeframes
// are aggregated from these by the loop's TimeframeBook, as in every other mode.
import type { UpbitClient } from '../exchange/upbit/client.ts';
import { TIMEFRAME_MS } from '../market/timeframes.ts';
import type { Candle } from '../types.ts';

const STEP_MS = TIMEFRAME_MS['5m'];

export class ExchangeCandles {
  readonly #client: Pick<UpbitClient, 'candlePages'>;
  /** Per market: open time of the newest candle handed out. */
  readonly #last = new Map<string, number>();

  constructor(client: Pick<UpbitClient, 'candlePages'>) {
    this.#client = client;
  }

  /**
   * Per market (in the order given), the closed 5m candles newer than the last ones handed out
   * (the first call: from `since`, the warm-up), oldest first. All or nothing: when the exchange
   * fails for any market the client's ExchangeError is thrown and nothing counts as handed out, so
   * the next cycle asks again and no candle is skipped.
   */
  async closed(markets: readonly string[], since: number, now: number): Promise<Candle[][]> {
    const to = Math.floor(now / STEP_MS) * STEP_MS;
    const out: Candle[][] = [];
    for (const market of markets) {
      const last = this.#last.get(market);
      const from = last !== undefined ? last + STEP_MS : Math.floor(since / STEP_MS) * STEP_MS;
      if (from >= to) {
        out.push([]);
        continue;
      }
      const pages: Candle[][] = [];
      for await (const page of this.#client.candlePages(market, '5m', { to, from })) pages.push(page);
      out.push(
        pages
          .flat()
          .filter((c) => c.openTime >= from && c.openTime + STEP_MS <= now)
          .sort((a, b) => a.openTime - b.openTime),
      );
    }
    markets.forEach((market, m) => {
      const list = out[m]!;
      if (list.length > 0) this.#last.set(market, list[list.length - 1]!.openTime);
    });
    return out;
  }
}
