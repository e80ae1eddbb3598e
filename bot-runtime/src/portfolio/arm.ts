// One capital arm (an A/B sleeve of spec.capital.split): its own cash, positions, realised P&L,
// round trips and equity curve. Markets are addressed by index into the bot's market list so the
// per-candle hot path touches typed arrays only (issue 5: one year x 4 markets in <= 1 s).
import type { Fill, LayerName } from '../types.ts';
import { roundCash } from './market-rules.ts';
import { type DailyLossState, startDailyLoss } from './risk.ts';

/** An arm as declared in spec.capital.split (defaults applied). */
export interface ArmSpec {
  name: string;
  weight: number;
  layers: LayerName[];
  mlValidation: boolean;
}

/** A closed position: one entry and its exit. ONE round trip counts as ONE trade (docs/metrics.md). */
export interface RoundTrip {
  market: string;
  entryTime: number;
  exitTime: number;
  entryPrice: number;
  exitPrice: number;
  volume: number;
  /** Quote spent including the buy fee. */
  cost: number;
  /** Quote received after the sell fee. */
  proceeds: number;
  pnl: number;
  returnPct: number;
  /** Confidence of the signal that opened the position. */
  entryConfidence: number;
  exitConfidence: number;
}

/** One executed order, for the trade markers of the report and the decision log. */
export interface TradeMark {
  time: number;
  market: string;
  side: 'buy' | 'sell';
  price: number;
  confidence: number;
}

export class Arm {
  readonly spec: ArmSpec;
  readonly markets: readonly string[];
  readonly initialCash: number;
  cash: number;
  /** Base volume held per market index. */
  readonly volume: Float64Array;
  /** Quote spent (incl. fees) on the open volume per market index. */
  readonly cost: Float64Array;
  readonly entryTime: Float64Array;
  readonly entryConfidence: Float64Array;
  readonly entryPrice: Float64Array;
  /** 1 while an order for the market is with the broker: no second order for it. */
  readonly pending: Uint8Array;
  realisedPnl = 0;
  feesPaid = 0;
  readonly roundTrips: RoundTrip[] = [];
  readonly marks: TradeMark[] = [];
  /** Sum and count of the signal confidence of every filled order (average confidence metric). */
  confidenceSum = 0;
  confidenceCount = 0;
  /** Entries the risk rules refused, by reason code. */
  readonly refused: Record<string, number> = {};
  dailyLoss: DailyLossState;

  constructor(spec: ArmSpec, markets: readonly string[], initialCash: number, startTime: number) {
    this.spec = spec;
    this.markets = markets;
    this.initialCash = initialCash;
    this.cash = initialCash;
    const n = markets.length;
    this.volume = new Float64Array(n);
    this.cost = new Float64Array(n);
    this.entryTime = new Float64Array(n);
    this.entryConfidence = new Float64Array(n);
    this.entryPrice = new Float64Array(n);
    this.pending = new Uint8Array(n);
    this.dailyLoss = startDailyLoss(startTime, initialCash);
  }

  /** Cash plus every position marked at `prices` (last close per market index). */
  equity(prices: Float64Array): number {
    let e = this.cash;
    for (let i = 0; i < this.volume.length; i++) {
      const v = this.volume[i]!;
      if (v !== 0) e += v * prices[i]!;
    }
    return e;
  }

  /** Quote value of open positions at `prices`. */
  invested(prices: Float64Array): number {
    let e = 0;
    for (let i = 0; i < this.volume.length; i++) e += this.volume[i]! * prices[i]!;
    return e;
  }

  unrealisedPnl(prices: Float64Array): number {
    let u = 0;
    for (let i = 0; i < this.volume.length; i++)
      if (this.volume[i] !== 0) u += this.volume[i]! * prices[i]! - this.cost[i]!;
    return u;
  }

  refuse(code: string): void {
    this.refused[code] = (this.refused[code] ?? 0) + 1;
  }

  /**
   * Books one fill (possibly partial). Buys add volume and cost; sells release cost in proportion
   * and, when the position is flat, record the round trip.
   */
  applyFill(m: number, fill: Fill, confidence: number): void {
    const market = this.markets[m]!;
    this.feesPaid += fill.fee;
    this.confidenceSum += confidence;
    this.confidenceCount += 1;
    this.marks.push({ time: fill.time, market, side: fill.side, price: fill.price, confidence });
    if (fill.side === 'buy') {
      const spent = roundCash(market, fill.price * fill.volume, 'up') + fill.fee;
      if (this.volume[m] === 0) {
        this.entryTime[m] = fill.time;
        this.entryConfidence[m] = confidence;
        this.entryPrice[m] = fill.price;
      }
      this.cash -= spent;
      this.volume[m]! += fill.volume;
      this.cost[m]! += spent;
      return;
    }
    const held = this.volume[m]!;
    const sold = Math.min(fill.volume, held);
    const proceeds = roundCash(market, fill.price * sold, 'down') - fill.fee;
    const releasedCost = held > 0 ? (this.cost[m]! * sold) / held : 0;
    this.cash += proceeds;
    this.realisedPnl += proceeds - releasedCost;
    const rest = held - sold;
    // Dust below 1e-12 of the position is float noise from partial fills, not a position.
    if (rest <= held * 1e-12) {
      const totalCost = this.cost[m]! + (this.partialCost.get(m) ?? 0);
      const totalProceeds = proceeds + (this.partialProceeds.get(m) ?? 0);
      this.roundTrips.push({
        market,
        entryTime: this.entryTime[m]!,
        exitTime: fill.time,
        entryPrice: this.entryPrice[m]!,
        exitPrice: fill.price,
        volume: held + (this.partialVolume.get(m) ?? 0),
        cost: totalCost,
        proceeds: totalProceeds,
        pnl: totalProceeds - totalCost,
        returnPct: (totalProceeds / totalCost - 1) * 100,
        entryConfidence: this.entryConfidence[m]!,
        exitConfidence: confidence,
      });
      this.partialProceeds.delete(m);
      this.partialCost.delete(m);
      this.partialVolume.delete(m);
      this.volume[m] = 0;
      this.cost[m] = 0;
    } else {
      // Partial exit: remember what was sold so the round trip closed later covers all of it.
      this.partialProceeds.set(m, (this.partialProceeds.get(m) ?? 0) + proceeds);
      this.partialCost.set(m, (this.partialCost.get(m) ?? 0) + releasedCost);
      this.partialVolume.set(m, (this.partialVolume.get(m) ?? 0) + sold);
      this.volume[m] = rest;
      this.cost[m]! -= releasedCost;
    }
  }

  // Partial exits are rare (paper fills are whole), so plain maps keep the typed arrays lean.
  private readonly partialProceeds = new Map<number, number>();
  private readonly partialCost = new Map<number, number>();
  private readonly partialVolume = new Map<number, number>();
}
