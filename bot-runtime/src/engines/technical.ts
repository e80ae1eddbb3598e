// Layer 1, the technical ("hybrid") engine of SPEC.md: RSI, MACD, volume surge and Bollinger each vote
// BUY, SELL or neutral; the votes decide the layer's signal.
//
// Votes (boundaries are inclusive: a reading exactly AT a threshold votes, like the spec's
// "%B <= edge"):
//   RSI        rsi <= rsi.oversold -> BUY;  rsi >= rsi.overbought -> SELL
//   MACD       histogram > 0 -> BUY;  histogram < 0 -> SELL;  exactly 0 -> neutral
//   Volume     volumeRatio >= volumeSurge -> votes with the candle (close > open BUY, close < open
//              SELL, close == open neutral); below the surge -> neutral
//   Bollinger  %B <= edge -> BUY;  %B >= 1 - edge -> SELL
//   Any NaN reading (indicator still warming up) -> neutral.
//
// Decision (b = BUY votes, s = SELL votes; the winner must strictly out-vote the other side):
//   b >= 3 and b > s  -> BUY  confidence.threeOrMore (0.85)      mirror for SELL
//   b == 2 and s <= 1 -> BUY  confidence.two (0.65)              mirror for SELL
//   b == s (e.g. 2 BUY + 2 SELL, 1 + 1, 0 + 0) -> HOLD
//   one vote alone (1 vs 0) -> HOLD (SPEC: "otherwise HOLD")
// A dissenting vote does not lower the confidence: SPEC counts agreeing votes only.
import type { Action, LayerSignal } from '../types.ts';
import type { TechnicalConfig } from './config.ts';
import type { TechnicalReadings } from './readings.ts';

export type Vote = 'BUY' | 'SELL' | 'neutral';

export interface Votes {
  rsi: Vote;
  macd: Vote;
  volume: Vote;
  bollinger: Vote;
}

export const HOLD: LayerSignal = Object.freeze({ action: 'HOLD', confidence: 0, reasons: [] }) as LayerSignal;

export function technicalVotes(r: TechnicalReadings, cfg: TechnicalConfig): Votes {
  return {
    rsi: r.rsi <= cfg.rsi.oversold ? 'BUY' : r.rsi >= cfg.rsi.overbought ? 'SELL' : 'neutral',
    macd: r.macdHist > 0 ? 'BUY' : r.macdHist < 0 ? 'SELL' : 'neutral',
    volume:
      r.volumeRatio >= cfg.volumeSurge
        ? r.candleBody > 0
          ? 'BUY'
          : r.candleBody < 0
            ? 'SELL'
            : 'neutral'
        : 'neutral',
    bollinger:
      r.percentB <= cfg.bollinger.edge ? 'BUY' : r.percentB >= 1 - cfg.bollinger.edge ? 'SELL' : 'neutral',
  };
}

function voteReasons(r: TechnicalReadings, v: Votes, cfg: TechnicalConfig): string[] {
  const out: string[] = [];
  if (v.rsi !== 'neutral') {
    const bound = v.rsi === 'BUY' ? `<= ${cfg.rsi.oversold}` : `>= ${cfg.rsi.overbought}`;
    out.push(`RSI ${r.rsi.toFixed(1)} ${bound} -> ${v.rsi}`);
  }
  if (v.macd !== 'neutral') out.push(`MACD hist ${r.macdHist.toPrecision(3)} -> ${v.macd}`);
  if (v.volume !== 'neutral')
    out.push(`volume ${r.volumeRatio.toFixed(2)}x >= ${cfg.volumeSurge}x -> ${v.volume}`);
  if (v.bollinger !== 'neutral') out.push(`Bollinger %B ${r.percentB.toFixed(2)} -> ${v.bollinger}`);
  return out;
}

export function technicalSignal(state: { technical: TechnicalReadings }, cfg: TechnicalConfig): LayerSignal {
  const votes = technicalVotes(state.technical, cfg);
  const buys = count(votes, 'BUY');
  const sells = count(votes, 'SELL');
  const action: Action = buys > sells ? 'BUY' : sells > buys ? 'SELL' : 'HOLD';
  const agreeing = action === 'BUY' ? buys : action === 'SELL' ? sells : 0;
  if (action === 'HOLD' || agreeing < 2) {
    // The per-vote reasons are formatted only for a signal: a backtest decides ~10^6 times and
    // most decisions hold (formatting them cost ~1 us each on this machine). A HOLD's one reason
    // comes from a table of the 25 vote counts, shared and frozen (no string per decision).
    return { action: 'HOLD', confidence: 0, reasons: holdReasons(buys, sells) };
  }
  const confidence = agreeing >= 3 ? cfg.confidence.threeOrMore : cfg.confidence.two;
  return {
    action,
    confidence,
    reasons: [`${agreeing} of 4 votes ${action}`, ...voteReasons(state.technical, votes, cfg)],
  };
}

function count(v: Votes, side: Vote): number {
  return (
    (v.rsi === side ? 1 : 0) +
    (v.macd === side ? 1 : 0) +
    (v.volume === side ? 1 : 0) +
    (v.bollinger === side ? 1 : 0)
  );
}

const HOLD_REASONS: readonly (readonly string[])[] = Array.from({ length: 25 }, (_, i) =>
  Object.freeze([`votes ${Math.floor(i / 5)} BUY / ${i % 5} SELL`]),
);
function holdReasons(buys: number, sells: number): string[] {
  return HOLD_REASONS[buys * 5 + sells] as string[];
}
