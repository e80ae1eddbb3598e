// Replays candle files (a folder or one file) as a MarketSource. Market and timeframe come from the
// file names (see file-names.ts), so `--data ../shared/data/binance` works on the folder as it is.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Timeframe } from '../types.ts';
import { aggregateColumns } from './aggregate.ts';
import { parseCandleFile } from './candle-formats.ts';
import { type DataIssue, MarketDataError } from './data-issue.ts';
import { inferFromFileName } from './file-names.ts';
import type { RawCandles } from './raw-candles.ts';
import { type CandleColumns, type CandleSeries, completeness, sliceSeries } from './series.ts';
import type { MarketData, MarketSource, TimeRange } from './source.ts';
import { intervalMs, TIMEFRAME_MS, TIMEFRAMES, timeframeOfMs } from './timeframes.ts';
import { type RefusedRowPolicy, validateCandles } from './validate.ts';

export interface ReplayOptions {
  /** Only these markets (QUOTE-BASE); all markets found when omitted. */
  markets?: readonly string[];
  /** What to do with refused rows: fail the load (default) or drop them and keep going. */
  onRefused?: RefusedRowPolicy;
}

/** A file the loader did not use, and why. */
export interface SkippedFile {
  file: string;
  reason: string;
}

const CANDLE_FILE = /\.(csv|json)$/i;
const MAX_DEPTH = 3;

export class ReplaySource implements MarketSource {
  readonly markets: string[];
  readonly issues: readonly DataIssue[];
  readonly skipped: readonly SkippedFile[];
  readonly #data: MarketData;

  private constructor(data: MarketData, issues: DataIssue[], skipped: SkippedFile[]) {
    this.#data = data;
    this.markets = [...data.keys()].sort();
    this.issues = issues;
    this.skipped = skipped;
  }

  /** Reads and validates every candle file under `path` (folders up to 3 levels deep). */
  static async open(path: string, options: ReplayOptions = {}): Promise<ReplaySource> {
    const files = await candleFiles(path);
    if (files.length === 0) {
      throw new MarketDataError('NO_DATA', `${path}: no .csv or .json candle files found`);
    }
    const wanted = options.markets ? new Set(options.markets) : undefined;
    const groups = new Map<string, { market: string; intervalMs: number; parts: RawCandles[] }>();
    const issues: DataIssue[] = [];
    const skipped: SkippedFile[] = [];
    for (const file of files) {
      const name = relative(path, file) || file;
      const fromName = inferFromFileName(file);
      if (wanted && fromName.market && !wanted.has(fromName.market)) continue;
      let parsed: ReturnType<typeof parseCandleFile>;
      try {
        parsed = parseCandleFile(await readText(file), name);
      } catch (error) {
        // A folder may hold other .json/.csv files (metadata, notes): skipped and said so, not fatal.
        if (!(error instanceof MarketDataError) || error.code !== 'UNKNOWN_LAYOUT') throw error;
        const reason = error.message.startsWith(`${name}: `)
          ? error.message.slice(name.length + 2)
          : error.message;
        skipped.push({ file: name, reason });
        continue;
      }
      issues.push(...parsed.issues);
      const market = fromName.market ?? parsed.candles.market;
      if (market === undefined) {
        throw new MarketDataError(
          'UNKNOWN_MARKET',
          `${name}: cannot tell which market this file holds; name it like KRW-BTC-5m.csv (Upbit) or BTC_USDT-5m.csv (ccxt)`,
        );
      }
      if (fromName.market && parsed.candles.market && parsed.candles.market !== fromName.market) {
        throw new MarketDataError(
          'UNKNOWN_MARKET',
          `${name}: the file name says ${fromName.market} but its rows say ${parsed.candles.market}`,
        );
      }
      if (wanted && !wanted.has(market)) continue;
      const interval =
        (fromName.interval && intervalMs(fromName.interval)) ||
        parsed.candles.intervalMs ||
        spacingInterval(parsed.candles.openTime);
      if (interval === undefined) {
        skipped.push({
          file: name,
          reason: 'no interval in the file name (e.g. -5m), in its rows, or in their spacing',
        });
        continue;
      }
      const key = `${market} ${interval}`;
      const group = groups.get(key) ?? { market, intervalMs: interval, parts: [] };
      group.parts.push(parsed.candles);
      groups.set(key, group);
    }
    const data: MarketData = new Map();
    const pending: { market: string; intervalMs: number; columns: CandleColumns; files: string }[] = [];
    for (const group of groups.values()) {
      const valid = validateCandles(group.parts, group.intervalMs, {
        onRefused: options.onRefused ?? 'throw',
      });
      issues.push(...valid.issues);
      const tf = timeframeOfMs(group.intervalMs);
      const files = group.parts.map((p) => p.file).join(', ');
      if (tf === undefined) {
        pending.push({ market: group.market, intervalMs: group.intervalMs, columns: valid.columns, files });
        continue;
      }
      entry(data, group.market)[tf] = { market: group.market, timeframe: tf, ...valid.columns };
    }
    // Intervals the runtime does not keep (Upbit 1m/3m pages) become the smallest timeframe they
    // divide, unless a file already provides it.
    for (const p of pending) {
      const target = TIMEFRAMES.find(
        (tf) => TIMEFRAME_MS[tf] % p.intervalMs === 0 && !entry(data, p.market)[tf],
      );
      if (target === undefined) {
        skipped.push({
          file: p.files,
          reason: `${p.intervalMs / 60_000}-minute candles fit no missing timeframe`,
        });
        continue;
      }
      entry(data, p.market)[target] = aggregateColumns(p.columns, p.intervalMs, p.market, target);
    }
    for (const [market, series] of data) if (Object.keys(series).length === 0) data.delete(market);
    if (data.size === 0) {
      const why = skipped.map((f) => `\n  ${f.file}: ${f.reason}`).join('');
      throw new MarketDataError('NO_DATA', `${path}: no usable candle files${why}`);
    }
    return new ReplaySource(data, issues, skipped);
  }

  async load(range: TimeRange = {}): Promise<MarketData> {
    const out: MarketData = new Map();
    for (const [market, byTf] of this.#data) {
      const sliced: Partial<Record<Timeframe, CandleSeries>> = {};
      for (const tf of TIMEFRAMES) {
        const series = byTf[tf];
        if (series) sliced[tf] = sliceSeries(series, range);
      }
      out.set(market, sliced);
    }
    return out;
  }
}

function entry(data: MarketData, market: string): Partial<Record<Timeframe, CandleSeries>> {
  let e = data.get(market);
  if (!e) {
    e = {};
    data.set(market, e);
  }
  return e;
}

// Intervals Upbit and ccxt serve; a file's spacing must be one of them to count as its interval.
const KNOWN_INTERVALS = ['1m', '3m', '5m', '10m', '15m', '30m', '1h', '4h', '1d'].map((t) => intervalMs(t)!);

/**
 * The interval of a file that names none (e.g. an Upbit day-candle API page, `...T00:00:00` times
 * and no `unit`): the smallest step between consecutive candles, if it is a known interval.
 */
export function spacingInterval(openTime: readonly number[]): number | undefined {
  let step = Number.POSITIVE_INFINITY;
  for (let i = 1; i < openTime.length; i++) {
    const d = Math.abs(openTime[i]! - openTime[i - 1]!);
    if (d > 0 && d < step) step = d;
  }
  return KNOWN_INTERVALS.includes(step) ? step : undefined;
}

/** Per market and timeframe: the span a source covers and how complete it is (1 = no gaps). */
export interface SeriesCoverage {
  market: string;
  timeframe: Timeframe;
  candles: number;
  from: number;
  to: number;
  completeness: number;
}

export function coverageOf(data: MarketData): SeriesCoverage[] {
  const out: SeriesCoverage[] = [];
  for (const [market, byTf] of data) {
    for (const tf of TIMEFRAMES) {
      const s = byTf[tf];
      if (!s || s.length === 0) continue;
      out.push({
        market,
        timeframe: tf,
        candles: s.length,
        from: s.openTime[0]!,
        to: s.openTime[s.length - 1]! + TIMEFRAME_MS[tf],
        completeness: completeness(s),
      });
    }
  }
  return out;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new MarketDataError('READ_FAILED', `${file}: cannot read (${(error as Error).message})`);
  }
}

async function candleFiles(path: string, depth = 0): Promise<string[]> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    throw new MarketDataError('READ_FAILED', `${path}: no such file or folder (${(error as Error).message})`);
  }
  if (info.isFile()) return CANDLE_FILE.test(path) ? [path] : [];
  if (!info.isDirectory() || depth > MAX_DEPTH) return [];
  const names = (await readdir(path)).sort();
  const nested = await Promise.all(names.map((n) => candleFiles(join(path, n), depth + 1)));
  return nested.flat();
}
