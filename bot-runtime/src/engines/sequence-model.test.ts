// Serving a sequence model (the LSTM of models/lstm_model.py): the loader reads K from the file's
// input shape, the model gives Python's predictions on the trainer's own sequences, the RL loader
// still refuses a sequence input, and the per-market window keeps what the trainer's sequences()
// keeps: K consecutive complete 5m rows, oldest first.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TIMEFRAME_MS } from '../market/timeframes.ts';
import { FeatureWindow } from './feature-window.ts';
import { FEATURE_NAMES } from './features.ts';
import { MlModel, sequenceWarmingUp } from './ml.ts';
import { RlPolicy } from './rl.ts';

const FIXTURES = fileURLToPath(new URL('../../../models/fixtures/', import.meta.url));
const STEP = TIMEFRAME_MS['5m'];

describe('the ML loader serves the LSTM', () => {
  it('reads K from the input shape and gives the parity predictions to 1e-5', async () => {
    const parity = JSON.parse(readFileSync(`${FIXTURES}lstm-parity.json`, 'utf8')) as {
      input_shape: [number, number];
      rows: number[][];
      onnxruntime_python: number[];
    };
    const model = await MlModel.load(`${FIXTURES}lstm-krw.onnx`);
    try {
      expect(model.sequenceLength).toBe(parity.input_shape[0]);
      expect(model.identity.kind).toBe('classifier');
      const p = await model.predictBatch(Float32Array.from(parity.rows.flat()));
      expect(p).toHaveLength(parity.rows.length);
      p.forEach((v, i) => {
        expect(Math.abs(v - parity.onnxruntime_python[i]!)).toBeLessThanOrEqual(1e-5);
      });
      // A batch that is not a whole number of sequences is refused, not misread.
      await expect(model.predictBatch(new Float32Array(FEATURE_NAMES.length))).rejects.toThrow(
        /multiple of 192 values/,
      );
    } finally {
      await model.close();
    }
  });

  it('a row model has sequence length 1', async () => {
    const model = await MlModel.load(`${FIXTURES}classifier-linear.onnx`);
    expect(model.sequenceLength).toBe(1);
    await model.close();
  });

  it('the RL loader refuses a sequence input, naming the file', async () => {
    const err = await RlPolicy.load(`${FIXTURES}lstm-krw.onnx`).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MODEL_INVALID', field: 'spec.rl.policyPath' });
    expect((err as Error).message).toMatch(/lstm-krw.onnx: input shape \[N, 12, 16\] is not \[N, 16\]/);
  });
});

describe('FeatureWindow', () => {
  const W = 2;
  const row = (v: number, complete = true) => ({ row: Float32Array.of(v, v + 0.5), complete });
  const read = (w: FeatureWindow) => {
    const out = new Float32Array(w.length * W);
    w.copyTo(out, 0);
    return Array.from(out);
  };

  it('is ready after K consecutive rows and gives the newest K, oldest first, across wrap-arounds', () => {
    const w = new FeatureWindow(3, W);
    const seen: number[] = [];
    for (let i = 0; i < 7; i++) {
      const r = row(i);
      w.push(i * STEP, r.row, r.complete);
      seen.push(w.rows);
      if (i === 1) expect(w.ready).toBe(false);
    }
    expect(seen).toEqual([1, 2, 3, 3, 3, 3, 3]);
    expect(w.ready).toBe(true);
    expect(read(w)).toEqual([4, 4.5, 5, 5.5, 6, 6.5]);
  });

  it('starts over after a gap in the 5m series or an incomplete row (the trainer never spans either)', () => {
    const w = new FeatureWindow(2, W);
    w.push(0, row(0).row, true);
    w.push(STEP, row(1).row, true);
    expect(w.ready).toBe(true);
    w.push(3 * STEP, row(3).row, true); // candle 2 is missing
    expect(w.rows).toBe(1);
    w.push(4 * STEP, row(4).row, true);
    expect(read(w)).toEqual([3, 3.5, 4, 4.5]);
    w.push(5 * STEP, row(5).row, false);
    expect(w.rows).toBe(0);
    expect(w.ready).toBe(false);
  });

  it('refuses a length below 1', () => {
    expect(() => new FeatureWindow(0, W)).toThrow(RangeError);
  });

  it('says how far the warm-up is', () => {
    expect(sequenceWarmingUp(5, 12)).toBe('ML sequence model warming up: 5 of 12 contiguous 5m feature rows');
  });
});
