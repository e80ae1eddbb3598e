// `kubetrade export-features`: replays candles through the runtime's own MarketState and writes the
// ML training table — `market,openTime,<FEATURE_NAMES...>,label` — so models/ trains on exactly the
// features the bot computes live (issue 5: features are never re-implemented in Python).

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { EngineConfig } from '../engines/config.ts';
import { FEATURE_NAMES, isComplete } from '../engines/features.ts';
import { MarketState } from '../engines/market-state.ts';
import { candleAt } from '../market/series.ts';
import type { MarketSource, TimeRange } from '../market/source.ts';
import { TimeframeBook } from '../market/timeframe-book.ts';
import { TIMEFRAME_MS } from '../market/timeframes.ts';

/**
 * THE label of the ML layer (the one place it is defined): 1 when the close LABEL_HORIZON 5m
 * candles (1 hour) after the decision is above the decision close by more than a round trip of
 * fees (2 x spec.risk.feePct), else 0. "Up by more than the fees" is what a long-only arm needs to
 * profit from a BUY; 1 hour is the shortest horizon whose move clears 0.1 % often enough to learn
 * from (about 40 % of 5m rows on the 2025 Binance candles, see models/baseline/MODEL_CARD.md).
 * Rows whose horizon runs past the data, or across a gap in the 5m series, get no label and are
 * dropped.
 */
export const LABEL_HORIZON = 12;
export const LABEL_NAME = 'up_1h_after_fees';

export function labelOf(closeNow: number, closeAhead: number, feePct: number): 0 | 1 {
  return closeAhead > closeNow * (1 + (2 * feePct) / 100) ? 1 : 0;
}

export interface ExportFeaturesOptions {
  source: MarketSource;
  /** Spec engine config: the layer indicators MarketState also maintains (features use fixed periods). */
  engine: EngineConfig;
  /** spec.risk.feePct, for the label. */
  feePct: number;
  /** File path or stream to write the CSV to. */
  out: string | Writable;
  range?: TimeRange;
}

export interface ExportSummary {
  rows: number;
  perMarket: Record<string, number>;
  /** Rows dropped because a feature was still warming up or the label was unknown. */
  dropped: number;
}

function formatFeature(x: number): string {
  // Float32 values: 9 significant digits round-trip exactly, so Python sees the runtime's numbers.
  return Math.fround(x).toPrecision(9);
}

export async function exportFeatures(opts: ExportFeaturesOptions): Promise<ExportSummary> {
  const out = typeof opts.out === 'string' ? createWriteStream(opts.out) : opts.out;
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(['market', 'openTime', ...FEATURE_NAMES, LABEL_NAME].join(',') + '\n');
  const data = await opts.source.load(opts.range);
  const summary: ExportSummary = { rows: 0, perMarket: {}, dropped: 0 };
  const span = LABEL_HORIZON * TIMEFRAME_MS['5m'];
  const features = new Float32Array(FEATURE_NAMES.length);
  for (const market of opts.source.markets) {
    const series = data.get(market);
    const s5 = series?.['5m'];
    if (series === undefined || s5 === undefined) continue;
    const { '5m': _, ...higher } = series;
    const book = new TimeframeBook(market, { sourceSeries: higher });
    const state = new MarketState(market, opts.engine);
    let rows = 0;
    let chunk = '';
    for (let i = 0; i < s5.length; i++) {
      const candle = candleAt(s5, i);
      state.advance(candle, book.push(candle));
      state.features(features);
      const ahead = i + LABEL_HORIZON;
      if (!isComplete(features) || ahead >= s5.length || s5.openTime[ahead]! - s5.openTime[i]! !== span) {
        summary.dropped++;
        continue;
      }
      const label = labelOf(s5.close[i]!, s5.close[ahead]!, opts.feePct);
      chunk += `${market},${s5.openTime[i]},${Array.from(features, formatFeature).join(',')},${label}\n`;
      rows++;
      if (chunk.length > 1 << 16) {
        await write(chunk);
        chunk = '';
      }
    }
    await write(chunk);
    summary.perMarket[market] = rows;
    summary.rows += rows;
  }
  if (typeof opts.out === 'string') {
    out.end();
    await once(out, 'finish');
  }
  return summary;
}

/** Parses `--data DIR --out FILE [--from DATE] [--to DATE]` (the CLI dispatcher may call this too). */
export function parseExportArgs(argv: readonly string[]): { data: string; out: string; range: TimeRange } {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const data = value('--data');
  const out = value('--out');
  if (data === undefined || out === undefined) {
    throw new Error(
      'export-features: usage: --data <folder or file of candles> --out <file.csv> [--from DATE] [--to DATE]',
    );
  }
  const range: TimeRange = {};
  for (const [flag, key] of [
    ['--from', 'from'],
    ['--to', 'to'],
  ] as const) {
    const text = value(flag);
    if (text === undefined) continue;
    const t = Date.parse(text);
    if (Number.isNaN(t)) throw new Error(`export-features: ${flag} ${text} is not a date (use YYYY-MM-DD)`);
    range[key] = t;
  }
  return { data, out, range };
}
