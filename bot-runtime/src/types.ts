// The few message types that carry everything through the runtime (../shared/DESIGN.md, "How data
// flows"): MarketSource -Candle-> indicators -> engines -Signal-> portfolio/risk -OrderIntent->
// broker -Fill-> store, and PerformanceReport out to the TradingBot status.

/** Candle timeframes the runtime keeps; SPEC.md "Data collection" gives each one's history window. */
export type Timeframe = '5m' | '15m' | '1h' | '1d';

/** One OHLCV candle. `openTime` is the candle's open time in epoch milliseconds (UTC). */
export interface Candle {
  market: string;
  timeframe: Timeframe;
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Base-currency volume traded in the candle. */
  volume: number;
  /** Quote-currency value traded in the candle (KRW on Upbit); close*volume when the source lacks it. */
  quoteVolume: number;
}

export type Action = 'BUY' | 'SELL' | 'HOLD';

/** Names of the engine layers a capital arm can use (TradingBot spec.capital.split[].layers). */
export type LayerName = 'technical' | 'multiTimeframe' | 'ml' | 'rl';

/** What one engine layer says about one market at one decision time. */
export interface LayerSignal {
  action: Action;
  /** 0..1; 0 for HOLD. */
  confidence: number;
  /** Short, human-readable reasons (e.g. "RSI 27.1 < 30"), for logs and the dashboard. */
  reasons: string[];
}

/** The decision for one market at one time, with every layer's own signal kept for the record. */
export interface Signal extends LayerSignal {
  market: string;
  /** Decision time, epoch ms: the close time of the newest 5m candle the decision saw. */
  time: number;
  layers: Partial<Record<LayerName | 'enhanced' | 'mlValidation', LayerSignal>>;
}

export type Side = 'buy' | 'sell';

/** What the portfolio wants the broker to do. `clientOrderId` is deterministic and idempotent. */
export interface OrderIntent {
  clientOrderId: string;
  bot: string;
  revision: string;
  arm: string;
  market: string;
  side: Side;
  /** buy: KRW (quote) amount to spend; sell: base volume to sell. Exactly one is set. */
  quoteAmount?: number;
  volume?: number;
  /** Decision time the intent belongs to (epoch ms). */
  time: number;
  confidence: number;
  signal: Signal;
}

/** One execution reported by a broker; several fills may belong to one order (partial fills). */
export interface Fill {
  clientOrderId: string;
  market: string;
  side: Side;
  price: number;
  volume: number;
  /** Fee paid, in quote currency. */
  fee: number;
  time: number;
}
