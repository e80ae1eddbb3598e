// Loader and parity tests against real ONNX files: the committed baseline model
// (models/baseline/, trained by models/train_baseline.py) and the tiny fixtures of
// models/make_test_fixtures.py.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArmConfig } from './config.ts';
import { FEATURE_NAMES } from './features.ts';
import { MlModel } from './ml.ts';
import { RlPolicy, rlSignal } from './rl.ts';
import { ENHANCED_ARM, ML_ARM, seedConfig } from './seed-config.fixture.ts';
import { BUNDLED_MODELS_DIR, loadStrategyModels, resolveModelPath } from './strategy-models.ts';

const MODELS = fileURLToPath(new URL('../../../models/', import.meta.url));
const BASELINE = `${MODELS}baseline/lgbm-krw.onnx`;
const RL_POLICY = `${MODELS}fixtures/rl-policy-linear.onnx`;
const WRONG_WIDTH = `${MODELS}fixtures/wrong-width.onnx`;

interface Parity {
  feature_names: string[];
  tolerance: number;
  rows: number[][];
  onnxruntime_python: number[];
  lightgbm_python: number[];
}
const parity = JSON.parse(readFileSync(`${MODELS}baseline/parity.json`, 'utf8')) as Parity;
const metrics = JSON.parse(readFileSync(`${MODELS}baseline/metrics.json`, 'utf8')) as {
  lightgbm_vs_onnx_max_abs_diff: number;
};

describe('baseline model parity: onnxruntime-node vs Python', () => {
  let model: MlModel;
  beforeAll(async () => {
    model = await MlModel.load(BASELINE);
  });
  afterAll(() => model.close());

  it('was trained on the runtime feature vector, in order', () => {
    expect(parity.feature_names).toEqual(FEATURE_NAMES);
  });

  it(`gives Python's onnxruntime predictions on ${parity.rows.length} exported rows to 1e-5`, async () => {
    expect(parity.rows.length).toBeGreaterThanOrEqual(200);
    const rows = Float32Array.from(parity.rows.flat());
    const p = await model.predictBatch(rows);
    expect(p).toHaveLength(parity.rows.length);
    let worst = 0;
    p.forEach((v, i) => {
      worst = Math.max(worst, Math.abs(v - parity.onnxruntime_python[i]!));
    });
    expect(worst).toBeLessThanOrEqual(1e-5);
  });

  it("stays within the trainer's measured LightGBM-vs-ONNX gap of the LightGBM predictions", async () => {
    const p = await model.predictBatch(Float32Array.from(parity.rows.flat()));
    p.forEach((v, i) => {
      expect(Math.abs(v - parity.lightgbm_python[i]!)).toBeLessThanOrEqual(
        metrics.lightgbm_vs_onnx_max_abs_diff + 1e-6,
      );
    });
  });

  it('predict() on one row equals the batch result', async () => {
    const row = Float32Array.from(parity.rows[7]!);
    expect(await model.predict(row)).toBeCloseTo(parity.onnxruntime_python[7]!, 5);
  });
});

describe('loader errors name the file and the spec field', () => {
  it('MODEL_INVALID for a model of another feature width', async () => {
    const err = await MlModel.load(WRONG_WIDTH).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MODEL_INVALID', field: 'spec.ml.modelPath', path: WRONG_WIDTH });
    expect((err as Error).message).toMatch(/input has 5 features.*16/);
  });

  it('MODEL_INVALID when an RL policy is given as the ML model (wrong output width)', async () => {
    const err = await MlModel.load(RL_POLICY).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MODEL_INVALID', field: 'spec.ml.modelPath' });
  });

  it('MODEL_MISSING for the RL layer names spec.rl.policyPath', async () => {
    const err = await RlPolicy.load(undefined).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MODEL_MISSING', field: 'spec.rl.policyPath' });
  });
});

describe('RL policy switch', () => {
  it('loads an ONNX policy and maps [HOLD, BUY, SELL] to a layer signal', async () => {
    const policy = await RlPolicy.load(RL_POLICY);
    const zeros = new Float32Array(FEATURE_NAMES.length);
    expect(rlSignal(await policy.act(zeros)).action).toBe('HOLD');
    const buy = zeros.slice();
    buy[0] = 1; // the fixture's weight on feature 0 favours BUY
    const s = rlSignal(await policy.act(buy));
    expect(s.action).toBe('BUY');
    expect(s.confidence).toBeGreaterThan(0.9);
    await policy.close();
  });
});

describe('loadStrategyModels: the bot refuses to start unless ML is off', () => {
  const { ml, rl } = seedConfig();
  const off: ArmConfig[] = [{ name: 'tech', layers: ['technical'], mlValidation: false }];

  it('loads nothing when no arm uses ML or RL, even with a bad model path', async () => {
    expect(await loadStrategyModels(off, { ...ml, modelPath: '/nope.onnx' }, rl)).toEqual({});
  });

  it.each([
    ['the ML arm', [ML_ARM]],
    ['ML validation', [ENHANCED_ARM]],
  ])('refuses to start when %s needs a missing model', async (_name, arms) => {
    const err = await loadStrategyModels(arms, { ...ml, modelPath: '/nope.onnx' }, rl).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'MODEL_MISSING', path: '/nope.onnx' });
  });

  it('with no modelPath uses the bundled model named by spec.ml.model', async () => {
    expect(resolveModelPath(ml)).toBe(`${BUNDLED_MODELS_DIR}lgbm-krw.onnx`);
    expect(resolveModelPath({ ...ml, model: 'no-such-model' })).toBeUndefined();
    const models = await loadStrategyModels([ML_ARM], ml, rl);
    expect(models.ml?.path).toBe(BASELINE);
    await models.ml?.close();
  });

  it('MODEL_MISSING when neither modelPath nor a bundled model exists', async () => {
    const err = await loadStrategyModels([ML_ARM], { ...ml, model: 'no-such-model' }, rl).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'MODEL_MISSING', field: 'spec.ml.modelPath' });
  });
});
