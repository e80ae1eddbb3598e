// A sequence model in the loop (the LSTM's input, ./batch-models.ts ModelInputs): what the model is
// fed is exactly the last K rows `kubetrade export-features` writes for that market — the rows the
// trainer builds its sequences from — in the backtest (across block boundaries) and, identically,
// in the wall-clock runners' StepAssembler; until a market has K contiguous rows it has no p(up)
// and a reason saying why; a hot reload to another K restarts the windows instead of misreading.
import { PassThrough } from 'node:stream';
import { text } from 'node:stream/consumers';
import { applyDefaults, type ResolvedSpec } from '@kubetrade/crds';
import { describe, expect, it } from 'vitest';
import { exportFeatures } from '../cli/export-features.ts';
import { FEATURE_NAMES } from '../engines/features.ts';
import type { MarketState } from '../engines/market-state.ts';
import { TIMEFRAME_MS } from '../market/timeframes.ts';
import { runBacktest } from './backtest.ts';
import { type BatchModels, ModelInputs } from './batch-models.ts';
import { MarketFeed } from './market-feed.ts';
import { randomMarketData } from './random-walk.fixture.ts';
import { StepAssembler } from './step-assembler.ts';

const F = FEATURE_NAMES.length;
const STEP = TIMEFRAME_MS['5m'];
const START = Date.parse('2026-01-01T00:00:00Z');
const MARKETS = ['KRW-BTC', 'KRW-ETH'];
/** Not the LSTM's 12: the loop must take K from the model. */
const K = 5;

function mlSpec(): ResolvedSpec {
  const s = applyDefaults({ markets: MARKETS } as never);
  return {
    ...s,
    capital: { ...s.capital, split: [{ name: 'ml', weight: 100, layers: ['ml'], mlValidation: false }] },
  };
}

/** A sequence model that records every input it is given and answers p(up) 0.5 (HOLD). */
function recordingModel(sequenceLength: number) {
  const inputs: Float32Array[] = [];
  return {
    inputs,
    ml: {
      sequenceLength,
      async predictBatch(rows: Float32Array) {
        const size = sequenceLength * F;
        for (let i = 0; i < rows.length; i += size) inputs.push(rows.slice(i, i + size));
        return new Float32Array(rows.length / size).fill(0.5);
      },
    },
  };
}

describe('a sequence model in the backtest', () => {
  it('is fed the last K exported feature rows of its market, oldest first', async () => {
    const spec = mlSpec();
    const data = randomMarketData(MARKETS, START, 6, 3);
    const out = new PassThrough();
    const csv = text(out);
    await exportFeatures({
      source: { markets: MARKETS, load: async () => data },
      engine: spec.engine,
      feePct: spec.risk.feePct,
      out,
    });
    out.end();
    // market -> openTime -> exported row (float32, as the trainer reads it)
    const exported = new Map<string, Map<number, Float32Array>>(MARKETS.map((m) => [m, new Map()]));
    for (const line of (await csv).split('\n').slice(1)) {
      const cells = line.split(',');
      if (cells.length < F + 3) continue;
      exported.get(cells[0]!)!.set(Number(cells[1]), Float32Array.from(cells.slice(2, 2 + F).map(Number)));
    }
    const { inputs, ml } = recordingModel(K);
    // Small blocks: windows must carry over from one block to the next. No `from`: the backtest
    // feeds from the data's first candle, like the export, so the indicators match bit for bit.
    const result = await runBacktest({ spec, data, models: { ml }, blockSteps: 97 });
    expect(inputs.length).toBe(result.steps * MARKETS.length);

    // Which market and time each input ends at: its newest row is that candle's exported row.
    const byNewest = new Map<string, { market: string; openTime: number }>();
    for (const [market, rows] of exported)
      for (const [openTime, row] of rows) byNewest.set(row.join(), { market, openTime });
    let compared = 0;
    for (const input of inputs) {
      const at = byNewest.get(input.subarray((K - 1) * F).join());
      if (at === undefined) continue; // the export has no row without a label (the last hour)
      const rows = exported.get(at.market)!;
      const want = new Float32Array(K * F);
      for (let j = 0; j < K; j++) want.set(rows.get(at.openTime - (K - 1 - j) * STEP)!, j * F);
      expect(input).toEqual(want);
      compared++;
    }
    // All but the unlabelled last hour of each market were matched and compared.
    expect(compared).toBeGreaterThanOrEqual(inputs.length - 12 * MARKETS.length);
  });

  it('the wall-clock runners (StepAssembler) feed the same inputs as the backtest', async () => {
    const spec = mlSpec();
    const data = randomMarketData(MARKETS, START, 6, 8);
    const backtest = recordingModel(K);
    const result = await runBacktest({ spec, data, models: { ml: backtest.ml } });
    const stepped = recordingModel(K);
    const assembler = new StepAssembler(MARKETS.length, { ml: stepped.ml });
    const feeds = MARKETS.map((m) => new MarketFeed(m, spec.engine, data.get(m)));
    const s5 = MARKETS.map((m) => data.get(m)!['5m']!);
    for (let i = 0; i < s5[0]!.length; i++) {
      const t = s5[0]!.openTime[i]!;
      // Warm-up steps (before the backtest's first decision) trade nothing but feed the windows.
      assembler.begin(t + STEP, t + STEP >= result.from);
      feeds.forEach((feed, m) => {
        feed.pushAt(s5[m]!, i);
        assembler.add(m, feed, t, s5[m]!.open[i]!, s5[m]!.close[i]!);
      });
      await assembler.finish();
    }
    expect(stepped.inputs.length).toBe(backtest.inputs.length);
    expect(stepped.inputs).toEqual(backtest.inputs);
  });
});

describe('ModelInputs warm-up', () => {
  /** A state whose feature row is `v` everywhere (NaN = incomplete). */
  const state = (v: number) => ({ features: (out: Float32Array) => out.fill(v) }) as unknown as MarketState;

  it('no p(up) until K contiguous complete rows, with the reason; a gap or incomplete row starts over', async () => {
    const { inputs: seen, ml } = recordingModel(3);
    const models: BatchModels = { ml };
    const inputs = new ModelInputs(1, 1, models);
    const p = new Float64Array(1);
    const rl = new Float32Array(3);
    const reasons: (string | undefined)[] = [];
    const feed = async (openTime: number, v: number) => {
      p[0] = Number.NaN;
      inputs.capture(0, 0, state(v), openTime, true);
      await inputs.infer(models, 1, p, rl);
      reasons.push(inputs.mlUnavailable(0) ?? `p=${p[0]}`);
    };
    await feed(0, 1);
    await feed(STEP, 2);
    await feed(2 * STEP, 3);
    await feed(4 * STEP, 4); // gap
    await feed(5 * STEP, Number.NaN); // incomplete
    expect(reasons).toEqual([
      'ML sequence model warming up: 1 of 3 contiguous 5m feature rows',
      'ML sequence model warming up: 2 of 3 contiguous 5m feature rows',
      'p=0.5',
      'ML sequence model warming up: 1 of 3 contiguous 5m feature rows',
      'ML sequence model warming up: 0 of 3 contiguous 5m feature rows',
    ]);
    expect(seen).toHaveLength(1);
    expect(Array.from(seen[0]!.filter((_, i) => i % F === 0))).toEqual([1, 2, 3]);
  });

  it('a hot reload to another K scores nothing for the batch captured before it, then restarts the windows', async () => {
    const ml = {
      sequenceLength: 1,
      predictBatch: async (rows: Float32Array) =>
        new Float32Array(rows.length / (ml.sequenceLength * F)).fill(0.7),
    };
    let switchTo: number | undefined;
    const models: BatchModels = {
      ml: Object.assign(ml, {
        refresh: async () => {
          if (switchTo !== undefined) ml.sequenceLength = switchTo;
        },
      }),
    };
    const inputs = new ModelInputs(1, 1, models);
    const p = new Float64Array(1);
    const rl = new Float32Array(3);
    const step = async (i: number) => {
      p[0] = Number.NaN;
      inputs.capture(0, 0, state(i), i * STEP, true);
      await inputs.infer(models, 1, p, rl);
      return Number.isNaN(p[0]!) ? (inputs.mlUnavailable(0) ?? 'none') : p[0]!;
    };
    expect(await step(0)).toBeCloseTo(0.7, 6);
    switchTo = 2;
    expect(await step(1)).toBe('none'); // captured as one row, the model now wants two
    expect(await step(2)).toBe('ML sequence model warming up: 1 of 2 contiguous 5m feature rows');
    expect(await step(3)).toBeCloseTo(0.7, 6);
  });
});
