// The feature definition has not drifted since the baseline model was trained: re-exporting the real
// candles (../shared/data, read in place) reproduces, bit for bit, the feature rows stored in
// models/baseline/parity.json by the trainer. A change to features.ts that keeps the width but
// changes a meaning fails here (retrain with models/train_baseline.py, then commit both).
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { text } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';
import { applyDefaults } from '@kubetrade/crds';
import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES } from '../engines/features.ts';
import { ReplaySource } from '../market/replay-source.ts';
import { TIMEFRAME_MS } from '../market/timeframes.ts';
import { exportFeatures, LABEL_HORIZON } from './export-features.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const parity = JSON.parse(readFileSync(`${REPO}models/baseline/parity.json`, 'utf8')) as {
  rows: number[][];
  markets: string[];
  open_times: number[];
};

describe('export-features on the real Binance candles', () => {
  it('reproduces the rows the baseline model was trained on (first 20 USDT-BTC parity rows, bit for bit)', async () => {
    const market = 'USDT-BTC';
    const wanted = parity.markets.flatMap((m, i) => (m === market ? [i] : [])).slice(0, 20);
    // Replay from the file's start (the indicators' warm-up must match training) up to the 20th row.
    // (plus its label horizon: a row without a label is not exported).
    const to = parity.open_times[wanted.at(-1)!]! + (LABEL_HORIZON + 1) * TIMEFRAME_MS['5m'];
    const source = await ReplaySource.open(`${REPO}../shared/data/binance`, { markets: [market] });
    const spec = applyDefaults({});
    const out = new PassThrough();
    const csv = text(out);
    const summary = await exportFeatures({
      source,
      engine: spec.engine,
      feePct: spec.risk.feePct,
      out,
      range: { to },
    });
    out.end();
    const byTime = new Map<number, number[]>();
    for (const line of (await csv).split('\n').slice(1)) {
      const cells = line.split(',');
      if (cells.length > 2) byTime.set(Number(cells[1]), cells.slice(2, -1).map(Number));
    }
    expect(summary.rows).toBe(byTime.size);
    expect(wanted).toHaveLength(20);
    for (const i of wanted) {
      const row = byTime.get(parity.open_times[i]!);
      expect(row, `row at ${parity.open_times[i]}`).toBeDefined();
      expect(row).toHaveLength(FEATURE_NAMES.length);
      // Both sides are float32 values: compare exactly.
      expect(Float32Array.from(row!)).toEqual(Float32Array.from(parity.rows[i]!));
    }
  }, 60_000); // reads ~140k real candles: generous on the shared 2-core machine
});
