// The candles and models of a sweep, opened the same way in the main thread (to fix the range and
// fingerprint the data) and in every worker (to run backtests): the backtest command's market
// source and model loading, so a sweep candidate runs exactly what `kubetrade backtest` would.
import { createHash } from 'node:crypto';
import type { ResolvedSpec } from '@kubetrade/crds';
import { openMarketSource } from '../cli/market-source.ts';
import { loadStrategyModels } from '../engines/strategy-models.ts';
import type { BatchModels } from '../loop/backtest.ts';
import { type CandleSeries, lowerBound } from '../market/series.ts';
import type { MarketData } from '../market/source.ts';
import { TIMEFRAME_MS } from '../market/timeframes.ts';
import type { Timeframe } from '../types.ts';
import { SweepError } from './errors.ts';

/** Where the candles come from: the backtest flags (--data DIR | --synthetic SEED | spec.marketData). */
export interface DataChoice {
  specFile: string;
  data?: string | undefined;
  synthetic?: number | undefined;
}

export interface LoadedData {
  data: MarketData;
  markets: string[];
  description: string;
  note?: string | undefined;
}

export async function loadSweepData(
  spec: ResolvedSpec,
  choice: DataChoice,
  range: { from?: number | undefined; to?: number | undefined },
): Promise<LoadedData> {
  const source = await openMarketSource({ command: 'sweep', spec, ...choice });
  try {
    const data = await source.source.load({
      ...(range.from !== undefined ? { from: range.from } : {}),
      ...(range.to !== undefined ? { to: range.to } : {}),
    });
    return { data, markets: source.markets, description: source.description, note: source.note };
  } catch (e) {
    throw new SweepError('RESULTS', `kubetrade sweep: ${source.description}: ${(e as Error).message}`);
  }
}

export async function loadSweepModels(spec: ResolvedSpec): Promise<BatchModels> {
  const loaded = await loadStrategyModels(spec.capital.split, spec.ml, spec.rl);
  return {
    ...(loaded.ml ? { ml: loaded.ml } : {}),
    ...(loaded.rl ? { rl: { act: (rows: Float32Array) => loaded.rl!.act(rows) } } : {}),
  };
}

const STEP_MS = TIMEFRAME_MS['5m'];

/** First 5m open time and last 5m close time over the markets (what runBacktest defaults to). */
export function dataSpan(data: MarketData, markets: readonly string[]): { first: number; last: number } {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const m of markets) {
    const s = data.get(m)?.['5m'];
    if (!s || s.length === 0) continue;
    first = Math.min(first, s.openTime[0]!);
    last = Math.max(last, s.openTime[s.length - 1]! + STEP_MS);
  }
  return { first, last };
}

/**
 * A fingerprint of the 5m candles the sweep reads (open times and OHLCV in [from, to)), so a
 * resumed sweep never mixes results computed on other data under the same flags.
 */
export function dataFingerprint(
  data: MarketData,
  markets: readonly string[],
  from: number,
  to: number,
): string {
  const h = createHash('sha256');
  for (const m of markets) {
    const s = data.get(m)?.['5m'];
    h.update(m);
    if (!s) continue;
    const a = lowerBound(s.openTime, s.length, from);
    const b = lowerBound(s.openTime, s.length, to);
    for (const col of [s.openTime, s.open, s.high, s.low, s.close, s.volume]) {
      const part = col.subarray(a, b);
      h.update(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
    }
  }
  return h.digest('hex').slice(0, 32);
}

/**
 * The candles a sweep reads, each series copied out of its file-sized buffer: a structured clone
 * of a subarray copies the whole buffer, so workers would otherwise each get every file in full.
 */
export function compactData(data: MarketData): MarketData {
  const out: MarketData = new Map();
  for (const [market, byTf] of data) {
    const copy: Partial<Record<Timeframe, CandleSeries>> = {};
    for (const [tf, s] of Object.entries(byTf) as [Timeframe, CandleSeries][]) {
      copy[tf] = {
        market: s.market,
        timeframe: s.timeframe,
        length: s.length,
        openTime: s.openTime.slice(0, s.length),
        open: s.open.slice(0, s.length),
        high: s.high.slice(0, s.length),
        low: s.low.slice(0, s.length),
        close: s.close.slice(0, s.length),
        volume: s.volume.slice(0, s.length),
        quoteVolume: s.quoteVolume.slice(0, s.length),
      };
    }
    out.set(market, copy);
  }
  return out;
}
