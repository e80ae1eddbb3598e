// Positions, equity snapshots and KST daily returns: what a restarted runtime resumes from and what
// the rollback rule reads (SPEC.md: 3 consecutive KST days at -2% or worse).
import { kstDate, kstDay } from '../portfolio/risk.ts';
import type { Db } from './db.ts';
import { StoreError } from './errors.ts';
import { fromNumeric, fromTimestamp, toNumeric, toTimestamp } from './numeric.ts';

export interface PositionRow {
  bot: string;
  arm: string;
  market: string;
  volume: number;
  avgPrice: number;
  updatedAt: number;
}

export interface EquitySnapshot {
  bot: string;
  arm: string;
  time: number;
  revision: string;
  equityKRW: number;
  cashKRW: number;
}

export interface DailyReturnRow {
  bot: string;
  arm: string;
  /** KST calendar day, "2026-11-20". */
  date: string;
  revision: string;
  startEquityKRW: number;
  endEquityKRW: number;
  returnPct: number;
}

export class PerformanceRepo {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /** Sets an arm's position in a market (volume 0 keeps the row as a closed position). */
  async savePosition(p: PositionRow): Promise<void> {
    if (!(p.volume >= 0))
      throw new StoreError('INVALID_AMOUNT', `position volume must be >= 0, got ${p.volume}`);
    await this.db.query(
      `INSERT INTO positions (bot, arm, market, volume, avg_price, updated_at)
       VALUES ($1, $2, $3, $4::numeric, $5::numeric, $6::timestamptz)
       ON CONFLICT (bot, arm, market) DO UPDATE SET volume = EXCLUDED.volume, avg_price = EXCLUDED.avg_price,
         updated_at = EXCLUDED.updated_at`,
      [
        p.bot,
        p.arm,
        p.market,
        toNumeric(p.volume, 'position volume'),
        toNumeric(p.avgPrice, 'position average price'),
        toTimestamp(p.updatedAt),
      ],
    );
  }

  /** Open positions (volume > 0) of `bot`. */
  async positions(bot: string): Promise<PositionRow[]> {
    const r = await this.db.query(
      `SELECT bot, arm, market, volume, avg_price, updated_at FROM positions
       WHERE bot = $1 AND volume > 0 ORDER BY arm, market`,
      [bot],
    );
    return r.rows.map((row) => ({
      bot: row.bot as string,
      arm: row.arm as string,
      market: row.market as string,
      volume: fromNumeric(row.volume),
      avgPrice: fromNumeric(row.avg_price),
      updatedAt: fromTimestamp(row.updated_at),
    }));
  }

  async recordEquity(s: EquitySnapshot): Promise<void> {
    await this.db.query(
      `INSERT INTO equity_snapshots (bot, arm, taken_at, revision, equity_krw, cash_krw)
       VALUES ($1, $2, $3::timestamptz, $4, $5::numeric, $6::numeric)
       ON CONFLICT (bot, arm, taken_at) DO UPDATE SET revision = EXCLUDED.revision,
         equity_krw = EXCLUDED.equity_krw, cash_krw = EXCLUDED.cash_krw`,
      [
        s.bot,
        s.arm,
        toTimestamp(s.time),
        s.revision,
        toNumeric(s.equityKRW, 'equity'),
        toNumeric(s.cashKRW, 'cash'),
      ],
    );
  }

  async latestEquity(bot: string, arm: string): Promise<EquitySnapshot | undefined> {
    const r = await this.db.query(
      `SELECT bot, arm, taken_at, revision, equity_krw, cash_krw FROM equity_snapshots
       WHERE bot = $1 AND arm = $2 ORDER BY taken_at DESC LIMIT 1`,
      [bot, arm],
    );
    const row = r.rows[0];
    return row ? toSnapshot(row) : undefined;
  }

  /** Every equity snapshot of `bot`, oldest first (arms of one time together, by name). */
  async equityHistory(bot: string): Promise<EquitySnapshot[]> {
    const r = await this.db.query(
      `SELECT bot, arm, taken_at, revision, equity_krw, cash_krw FROM equity_snapshots
       WHERE bot = $1 ORDER BY taken_at, arm`,
      [bot],
    );
    return r.rows.map(toSnapshot);
  }

  /**
   * Per arm, the start equity of the KST day containing `time` as the ledger keeps it: that day's
   * row, else the newest earlier day's end (the next day starts where the last one ended). Arms
   * with no daily row up to that day are absent.
   */
  async dayStartEquity(bot: string, time: number): Promise<Map<string, number>> {
    const r = await this.db.query(
      `SELECT DISTINCT ON (arm) arm, CASE WHEN day = $2::date THEN start_equity_krw ELSE end_equity_krw END AS start_krw
       FROM daily_returns WHERE bot = $1 AND day <= $2::date ORDER BY arm, day DESC`,
      [bot, kstDate(kstDay(time))],
    );
    return new Map(r.rows.map((row) => [row.arm as string, fromNumeric(row.start_krw)]));
  }

  /**
   * Upserts the KST day containing `time`: the day's start equity is kept from the first write of
   * the day, the end equity and the return follow the latest write.
   */
  async recordDailyEquity(
    bot: string,
    arm: string,
    revision: string,
    time: number,
    startEquityKRW: number,
    endEquityKRW: number,
  ): Promise<DailyReturnRow> {
    if (!(startEquityKRW > 0)) {
      throw new StoreError('INVALID_AMOUNT', `day start equity must be > 0, got ${startEquityKRW}`);
    }
    const date = kstDate(kstDay(time));
    const r = await this.db.query(
      `INSERT INTO daily_returns (bot, arm, day, revision, start_equity_krw, end_equity_krw, return_pct)
       VALUES ($1, $2, $3::date, $4, $5::numeric, $6::numeric, ($6::numeric / $5::numeric - 1) * 100)
       ON CONFLICT (bot, arm, day) DO UPDATE SET revision = EXCLUDED.revision, end_equity_krw = EXCLUDED.end_equity_krw,
         return_pct = (EXCLUDED.end_equity_krw / daily_returns.start_equity_krw - 1) * 100
       RETURNING bot, arm, day::text AS day, revision, start_equity_krw, end_equity_krw, return_pct`,
      [
        bot,
        arm,
        date,
        revision,
        toNumeric(startEquityKRW, 'start equity'),
        toNumeric(endEquityKRW, 'end equity'),
      ],
    );
    return toDailyReturn(r.rows[0]!);
  }

  /** The newest `days` KST days of `bot`/`arm`, oldest first (the shape status.performance uses). */
  async dailyReturns(bot: string, arm: string, days: number): Promise<DailyReturnRow[]> {
    const r = await this.db.query(
      `SELECT bot, arm, day::text AS day, revision, start_equity_krw, end_equity_krw, return_pct FROM daily_returns
       WHERE bot = $1 AND arm = $2 ORDER BY day DESC LIMIT $3`,
      [bot, arm, days],
    );
    return r.rows.map(toDailyReturn).reverse();
  }
}

function toSnapshot(row: Record<string, unknown>): EquitySnapshot {
  return {
    bot: row.bot as string,
    arm: row.arm as string,
    time: fromTimestamp(row.taken_at),
    revision: row.revision as string,
    equityKRW: fromNumeric(row.equity_krw),
    cashKRW: fromNumeric(row.cash_krw),
  };
}

function toDailyReturn(row: Record<string, unknown>): DailyReturnRow {
  return {
    bot: row.bot as string,
    arm: row.arm as string,
    date: row.day as string,
    revision: row.revision as string,
    startEquityKRW: fromNumeric(row.start_equity_krw),
    endEquityKRW: fromNumeric(row.end_equity_krw),
    returnPct: Number(row.return_pct),
  };
}
