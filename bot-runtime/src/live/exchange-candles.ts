// Market data for `mode: live`: the exchange's own 5m candles (Upbit's candle API through
// UpbitClient.candlePages), CLOSED candles only — `to` is the start of the candle forming at `now`,
// and anything the exchange still sends at or after it is dropped (real Upbit includes the forming
// candle) — so live decisions see exactly what a backtest would (no look-ahead). Higher timeframes
// are aggregated from these by the loop's TimeframeBook, as in every other mode.
//
// Warm-up from the store (issue 6 item 6): when `kubetrade collect` has filled the candles table,
// the first call reads the warm-up window from there and asks the exchange only for the part the
// store does not cover (the tail since the newest collected candle, and a head before the oldest
// one if the collection started later), so a restart costs a few requests instead of the whole
// window's pages at Upbit's 10 requests/s. A store that cannot be read is no reason to stop: the
// exchange serves the whole window, as without a collection. Every candle fetched from the exchange
// (warm-up and each cycle's new ones) is upserted into the store in turn, so the next restart warms
// up from the store even without a collector, and a restart finds the closes its equity snapshots
// were marked at (live/resume.ts checks the rebuilt books against them).
import type { UpbitClient } from '../exchange/upbit/client.ts';
import { TIMEFRAME_MS } from '../market/timeframes.ts';
import type { MarketRepo } from '../store/market-repo.ts';
import type { Candle } from '../types.ts';

const STEP_MS = TIMEFRAME_MS['5m'];

/** Where the warm-up history came from, per market (logged once by the caller). */
export interface WarmupSource {
  market: string;
  stored: number;
  fetched: number;
  storeError?: string;
}

type CandleStore = Pick<MarketRepo, 'candles' | 'upsertCandles'>;

export class ExchangeCandles {
  readonly #client: Pick<UpbitClient, 'candlePages'>;
  readonly #stored: CandleStore | undefined;
  /** Per market: open time of the newest candle handed out. */
  readonly #last = new Map<string, number>();
  #warmup: WarmupSource[] = [];
  #written = 0;
  #writeError: string | undefined;

  constructor(client: Pick<UpbitClient, 'candlePages'>, stored?: CandleStore) {
    this.#client = client;
    this.#stored = stored;
  }

  /** Per market, how many warm-up candles came from the store and how many from the exchange. */
  get warmup(): readonly WarmupSource[] {
    return this.#warmup;
  }

  /** Fetched candles written back to the store so far, and the last write's error (undefined once one succeeds). */
  get writtenBack(): { candles: number; error?: string } {
    return { candles: this.#written, ...(this.#writeError ? { error: this.#writeError } : {}) };
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
    const warmup: WarmupSource[] = [];
    const fetchedClosed: Candle[] = [];
    for (const market of markets) {
      const last = this.#last.get(market);
      const from = last !== undefined ? last + STEP_MS : Math.floor(since / STEP_MS) * STEP_MS;
      if (from >= to) {
        out.push([]);
        continue;
      }
      const stored = last === undefined ? await this.#fromStore(market, from, to, warmup) : [];
      const fetched: Candle[] = [];
      for (const [a, b] of missingRanges(stored, from, to))
        for await (const page of this.#client.candlePages(market, '5m', { to: b, from: a }))
          fetched.push(...page.filter((c) => c.openTime >= a && c.openTime < b));
      if (last === undefined) warmup.find((w) => w.market === market)!.fetched = fetched.length;
      for (const c of fetched) if (c.openTime >= from && c.openTime + STEP_MS <= now) fetchedClosed.push(c);
      out.push(
        [...stored, ...fetched]
          .filter((c) => c.openTime >= from && c.openTime + STEP_MS <= now)
          .sort((a, b) => a.openTime - b.openTime),
      );
    }
    if (warmup.length > 0) this.#warmup = warmup;
    await this.#writeBack(fetchedClosed);
    markets.forEach((market, m) => {
      const list = out[m]!;
      if (list.length > 0) this.#last.set(market, list[list.length - 1]!.openTime);
    });
    return out;
  }

  /** Upserts fetched closed candles; a store that refuses them costs the next warm-up some requests, never a cycle. */
  async #writeBack(candles: readonly Candle[]): Promise<void> {
    if (!this.#stored || candles.length === 0) return;
    try {
      this.#written += await this.#stored.upsertCandles(candles);
      this.#writeError = undefined;
    } catch (e) {
      this.#writeError = (e as Error).message;
    }
  }

  /** The collected 5m candles of the warm-up window ([] without a store, or when it fails). */
  async #fromStore(market: string, from: number, to: number, warmup: WarmupSource[]): Promise<Candle[]> {
    const source: WarmupSource = { market, stored: 0, fetched: 0 };
    warmup.push(source);
    if (!this.#stored) return [];
    try {
      const rows = await this.#stored.candles(market, '5m', from, to);
      source.stored = rows.length;
      return rows;
    } catch (e) {
      source.storeError = (e as Error).message;
      return [];
    }
  }
}

/**
 * The parts of [from, to) the stored candles (sorted, inside the range) do not cover: before the
 * oldest and after the newest. Gaps between stored candles are kept as they are: Upbit sends no
 * candle for a 5-minute window without trades, so a gap in a collection is usually a gap upstream too.
 */
export function missingRanges(stored: readonly Candle[], from: number, to: number): [number, number][] {
  const oldest = stored[0];
  const newest = stored[stored.length - 1];
  if (!oldest || !newest) return [[from, to]];
  const out: [number, number][] = [];
  if (oldest.openTime > from) out.push([from, oldest.openTime]);
  if (newest.openTime + STEP_MS < to) out.push([newest.openTime + STEP_MS, to]);
  return out;
}
