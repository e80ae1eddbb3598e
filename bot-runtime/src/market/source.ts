// The one interface every candle source implements: replay files, the synthetic market, and (a later
// issue) Upbit live. Strategy code cannot tell which one it is fed by (DESIGN.md "One engine").
import type { Timeframe } from '../types.ts';
import type { DataIssue } from './data-issue.ts';
import type { CandleSeries } from './series.ts';

/** Per market, the series the source has; a missing timeframe is aggregated from 5m by the consumer. */
export type MarketData = Map<string, Partial<Record<Timeframe, CandleSeries>>>;

export interface TimeRange {
  /** Inclusive lower bound on candle open time, epoch ms. */
  from?: number;
  /** Exclusive upper bound on candle open time, epoch ms. */
  to?: number;
}

export interface MarketSource {
  /** Market codes in Upbit's QUOTE-BASE form (`KRW-BTC`, `USDT-ETH`). */
  readonly markets: string[];
  load(range?: TimeRange): Promise<MarketData>;
  /** Data-quality findings of the last load (empty for sources that cannot produce bad data). */
  readonly issues?: readonly DataIssue[];
}
