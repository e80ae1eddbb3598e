// `kubetrade collect`'s I/O shell: for each market and timeframe, the gaps of the SPEC window
// (gaps.ts) are fetched from the exchange's candle API page by page (UpbitClient.candlePages:
// `to` + count <= 200, Remaining-Req budgets respected by the client) and each page is upserted
// into the store's `candles` table BEFORE the next is requested — a kill loses at most one page.
import { MAX_CANDLES_PER_REQUEST, type UpbitClient } from '../exchange/upbit/client.ts';
import type { MarketRepo } from '../store/market-repo.ts';
import type { Timeframe } from '../types.ts';
import { type CandleWindow, collectionWindow, type Gap, missingRuns, pagesFor } from './gaps.ts';

export const COLLECTED_TIMEFRAMES: readonly Timeframe[] = ['5m', '15m', '1h', '1d'];

export interface CollectPlan {
  market: string;
  window: CandleWindow;
  gaps: Gap[];
  pages: number;
}

export interface PageEvent {
  market: string;
  timeframe: Timeframe;
  candles: number;
  /** Pages fetched so far in this run, of `pagesPlanned`. */
  page: number;
  pagesPlanned: number;
}

export interface Completeness {
  market: string;
  timeframe: Timeframe;
  stored: number;
  window: number;
  /** stored / window, 0..1. */
  ratio: number;
}

export interface CollectorDeps {
  client: Pick<UpbitClient, 'candlePages'>;
  candles: Pick<MarketRepo, 'candles' | 'upsertCandles'>;
}

/** What is missing per market and timeframe, read from the store. */
export async function planCollection(
  deps: CollectorDeps,
  markets: readonly string[],
  now: number,
  timeframes: readonly Timeframe[] = COLLECTED_TIMEFRAMES,
): Promise<CollectPlan[]> {
  const plans: CollectPlan[] = [];
  for (const market of markets) {
    for (const tf of timeframes) {
      const window = collectionWindow(tf, now);
      const stored = await deps.candles.candles(market, tf, window.from, window.to);
      const gaps = missingRuns(
        window,
        stored.map((c) => c.openTime),
      );
      plans.push({ market, window, gaps, pages: pagesFor(gaps, MAX_CANDLES_PER_REQUEST) });
    }
  }
  return plans;
}

/** Fetches every gap of the plans, newest first, storing each page as it arrives. */
export async function runCollection(
  deps: CollectorDeps,
  plans: readonly CollectPlan[],
  onPage: (e: PageEvent) => void,
  signal?: AbortSignal,
): Promise<{ pages: number; candles: number }> {
  const pagesPlanned = plans.reduce((n, p) => n + p.pages, 0);
  let page = 0;
  let candles = 0;
  for (const plan of plans) {
    for (const gap of plan.gaps) {
      for await (const batch of deps.client.candlePages(plan.market, plan.window.timeframe, {
        to: gap.to,
        from: gap.from,
        count: gap.count,
      })) {
        await deps.candles.upsertCandles(batch);
        page++;
        candles += batch.length;
        onPage({
          market: plan.market,
          timeframe: plan.window.timeframe,
          candles: batch.length,
          page,
          pagesPlanned,
        });
        if (signal?.aborted) return { pages: page, candles };
      }
    }
  }
  return { pages: page, candles };
}

/** How complete each window is now (the runtime's layer 2 also runs on partial data: SPEC known issue 1). */
export async function completeness(
  deps: Pick<CollectorDeps, 'candles'>,
  markets: readonly string[],
  now: number,
  timeframes: readonly Timeframe[] = COLLECTED_TIMEFRAMES,
): Promise<Completeness[]> {
  const out: Completeness[] = [];
  for (const market of markets) {
    for (const tf of timeframes) {
      const w = collectionWindow(tf, now);
      const stored = (await deps.candles.candles(market, tf, w.from, w.to)).length;
      out.push({ market, timeframe: tf, stored, window: w.size, ratio: stored / w.size });
    }
  }
  return out;
}
