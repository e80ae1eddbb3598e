// Collected candles (kubetrade collect: resumable upserts) and the per-cycle signals of every
// layer (the dashboard's data, SPEC.md "Monitoring").
import type { Candle, LayerSignal, Signal, Timeframe } from '../types.ts';
import type { Db, SqlParam } from './db.ts';
import { fromNumeric, fromTimestamp, toNumeric, toTimestamp } from './numeric.ts';

/** One stored row of `signals`: one layer's signal for one arm, market and cycle. */
export interface SignalRow extends LayerSignal {
  bot: string;
  arm: string;
  market: string;
  cycleTime: number;
  /** A layer name of Signal.layers, or 'decision' for the combined signal itself. */
  layer: string;
  revision: string;
}

// 9 parameters per candle; PostgreSQL allows 65,535 per statement, so 1,000 candles a batch keeps
// well under it while one collected page (Upbit returns at most 200 candles) is one statement.
const CANDLES_PER_STATEMENT = 1_000;

export class MarketRepo {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /** Inserts or overwrites candles (primary key market + timeframe + open time). Returns rows written. */
  async upsertCandles(candles: readonly Candle[]): Promise<number> {
    let written = 0;
    for (let start = 0; start < candles.length; start += CANDLES_PER_STATEMENT) {
      const batch = candles.slice(start, start + CANDLES_PER_STATEMENT);
      const params: SqlParam[] = [];
      const values = batch.map((c) => {
        const at = params.length;
        params.push(
          c.market,
          c.timeframe,
          toTimestamp(c.openTime),
          toNumeric(c.open, 'candle open'),
          toNumeric(c.high, 'candle high'),
          toNumeric(c.low, 'candle low'),
          toNumeric(c.close, 'candle close'),
          toNumeric(c.volume, 'candle volume'),
          toNumeric(c.quoteVolume, 'candle quote volume'),
        );
        return `($${at + 1}, $${at + 2}, $${at + 3}::timestamptz, ${[4, 5, 6, 7, 8, 9].map((i) => `$${at + i}::numeric`).join(', ')})`;
      });
      const r = await this.db.query(
        `INSERT INTO candles (market, timeframe, open_time, open, high, low, close, volume, quote_volume)
         VALUES ${values.join(', ')}
         ON CONFLICT (market, timeframe, open_time) DO UPDATE SET open = EXCLUDED.open, high = EXCLUDED.high,
           low = EXCLUDED.low, close = EXCLUDED.close, volume = EXCLUDED.volume, quote_volume = EXCLUDED.quote_volume`,
        params,
      );
      written += r.rowCount;
    }
    return written;
  }

  /** Candles with from <= openTime < to, oldest first. */
  async candles(market: string, timeframe: Timeframe, from: number, to: number): Promise<Candle[]> {
    const r = await this.db.query(
      `SELECT market, timeframe, open_time, open, high, low, close, volume, quote_volume FROM candles
       WHERE market = $1 AND timeframe = $2 AND open_time >= $3::timestamptz AND open_time < $4::timestamptz
       ORDER BY open_time`,
      [market, timeframe, toTimestamp(from), toTimestamp(to)],
    );
    return r.rows.map((row) => ({
      market: row.market as string,
      timeframe: row.timeframe as Timeframe,
      openTime: fromTimestamp(row.open_time),
      open: fromNumeric(row.open),
      high: fromNumeric(row.high),
      low: fromNumeric(row.low),
      close: fromNumeric(row.close),
      volume: fromNumeric(row.volume),
      quoteVolume: fromNumeric(row.quote_volume),
    }));
  }

  /** Oldest and newest stored open time and the count: where a resumed collection continues. */
  async candleCoverage(
    market: string,
    timeframe: Timeframe,
  ): Promise<{ count: number; oldest?: number; newest?: number }> {
    const r = await this.db.query<{ n: string; oldest: unknown; newest: unknown }>(
      `SELECT count(*)::text AS n, min(open_time) AS oldest, max(open_time) AS newest FROM candles
       WHERE market = $1 AND timeframe = $2`,
      [market, timeframe],
    );
    const row = r.rows[0]!;
    const count = Number(row.n);
    if (count === 0) return { count };
    return { count, oldest: fromTimestamp(row.oldest), newest: fromTimestamp(row.newest) };
  }

  /** Records a cycle's signal for one arm: one row per layer plus the 'decision' row. Idempotent. */
  async recordSignal(bot: string, revision: string, arm: string, signal: Signal): Promise<void> {
    const layers: [string, LayerSignal][] = [
      ['decision', signal],
      ...(Object.entries(signal.layers) as [string, LayerSignal][]),
    ];
    const params: SqlParam[] = [bot, arm, signal.market, toTimestamp(signal.time), revision];
    const values = layers.map(([layer, s]) => {
      const at = params.length;
      params.push(layer, s.action, s.confidence, JSON.stringify(s.reasons));
      return `($1, $2, $3, $4::timestamptz, $5, $${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}::jsonb)`;
    });
    await this.db.query(
      `INSERT INTO signals (bot, arm, market, cycle_time, revision, layer, action, confidence, reasons)
       VALUES ${values.join(', ')}
       ON CONFLICT (bot, arm, market, cycle_time, layer) DO UPDATE SET revision = EXCLUDED.revision,
         action = EXCLUDED.action, confidence = EXCLUDED.confidence, reasons = EXCLUDED.reasons`,
      params,
    );
  }

  /** Signal rows of `bot` since `from` (epoch ms), oldest cycle first. */
  async signals(bot: string, from = 0): Promise<SignalRow[]> {
    const r = await this.db.query(
      `SELECT bot, arm, market, cycle_time, layer, revision, action, confidence, reasons FROM signals
       WHERE bot = $1 AND cycle_time >= $2::timestamptz ORDER BY cycle_time, arm, market, layer`,
      [bot, toTimestamp(from)],
    );
    return r.rows.map((row) => ({
      bot: row.bot as string,
      arm: row.arm as string,
      market: row.market as string,
      cycleTime: fromTimestamp(row.cycle_time),
      layer: row.layer as string,
      revision: row.revision as string,
      action: row.action as SignalRow['action'],
      confidence: Number(row.confidence),
      reasons: row.reasons as string[],
    }));
  }
}
