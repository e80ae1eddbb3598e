// The RL layer's policy file: the bundled PPO policy (models/baseline/rl-policy-krw.onnx, trained by
// `python -m models.rl.train`) gives Python's onnxruntime probabilities to 1e-5 on the trainer's
// parity rows, and every broken policy (models/rl/make_fixtures.py) is refused naming the file,
// the spec field and the failed check.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArmConfig } from './config.ts';
import { ModelError } from './errors.ts';
import { FEATURE_NAMES } from './features.ts';
import { BUNDLED_RL_POLICY, RL_POLICY_FIELD, RlPolicy, resolvePolicyPath, rlSignal } from './rl.ts';
import { seedConfig } from './seed-config.fixture.ts';
import { BUNDLED_MODELS_DIR, loadStrategyModels } from './strategy-models.ts';

const MODELS = fileURLToPath(new URL('../../../models/', import.meta.url));
const BUNDLED = `${MODELS}baseline/${BUNDLED_RL_POLICY}`;
const FIXTURES = `${MODELS}rl/fixtures/`;

interface Parity {
  feature_names: string[];
  tolerance: number;
  rows: number[][];
  onnxruntime_python: number[][];
}
const parity = JSON.parse(readFileSync(`${MODELS}baseline/rl-policy-krw.parity.json`, 'utf8')) as Parity;
const metrics = JSON.parse(readFileSync(`${MODELS}baseline/rl-policy-krw.metrics.json`, 'utf8')) as {
  model_version: string;
};

describe('bundled RL policy: onnxruntime-node vs Python', () => {
  let policy: RlPolicy;
  beforeAll(async () => {
    policy = await RlPolicy.load(BUNDLED);
  });
  afterAll(() => policy.close());

  it('was trained on the runtime feature vector, in order, and says so in its contract', () => {
    expect(parity.feature_names).toEqual(FEATURE_NAMES);
    expect(policy.identity.kind).toBe('policy');
    expect(policy.identity.version).toBe(metrics.model_version);
  });

  it(`gives Python's probabilities on ${parity.rows.length} hold-out rows to 1e-5`, async () => {
    expect(parity.rows.length).toBeGreaterThanOrEqual(200);
    expect(parity.tolerance).toBeLessThanOrEqual(1e-5);
    const out = await policy.act(Float32Array.from(parity.rows.flat()));
    expect(out).toHaveLength(parity.rows.length * 3);
    let worst = 0;
    parity.onnxruntime_python.forEach((row, r) => {
      row.forEach((p, k) => {
        worst = Math.max(worst, Math.abs(out[r * 3 + k]! - p));
      });
    });
    expect(worst).toBeLessThanOrEqual(1e-5);
  });

  it('acts on some parity rows: not a constant HOLD policy', async () => {
    const out = await policy.act(Float32Array.from(parity.rows.flat()));
    const actions = new Set(parity.rows.map((_, r) => rlSignal(out.subarray(r * 3, r * 3 + 3)).action));
    expect(actions.size).toBeGreaterThan(1);
  });
});

describe('a policy that fails its checks is refused, naming the file and the failure', () => {
  it.each([
    ['policy-logits', /sum to .* not 1|not a probability/],
    ['policy-nan', /NaN \(not a number\)/],
    ['policy-width-2', /expected a float32 output of width 3/],
    ['policy-kind-classifier', /kubetrade\.kind is "classifier", expected "policy"/],
    ['policy-wrong-features', /feature list differs at position 0/],
  ])('%s', async (name, why) => {
    const path = `${FIXTURES}${name}.onnx`;
    const err = await RlPolicy.load(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect(err).toMatchObject({ code: 'MODEL_INVALID', field: RL_POLICY_FIELD, path });
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).toMatch(why);
  });

  it('refuses the ML classifier given as a policy (output width 2)', async () => {
    const path = `${MODELS}baseline/lgbm-krw.onnx`;
    const err = await RlPolicy.load(path).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MODEL_INVALID', field: RL_POLICY_FIELD, path });
  });
});

describe('the rl layer defaults to the bundled policy', () => {
  const { ml } = seedConfig();
  const RL_ARM: ArmConfig = { name: 'rl', layers: ['rl'], mlValidation: false };

  it('resolvePolicyPath: spec.rl.policyPath wins, else the bundled file, else nothing', () => {
    expect(resolvePolicyPath({ policyPath: '/x/p.onnx' }, BUNDLED_MODELS_DIR)).toBe('/x/p.onnx');
    expect(resolvePolicyPath({}, BUNDLED_MODELS_DIR)).toBe(BUNDLED);
    expect(resolvePolicyPath({}, '/no/such/dir/')).toBeUndefined();
  });

  it('loadStrategyModels loads the bundled policy for an rl arm with no policyPath', async () => {
    const models = await loadStrategyModels([RL_ARM], ml, {});
    expect(models.rl?.path).toBe(BUNDLED);
    expect(models.ml).toBeUndefined();
    await models.rl?.close();
  });

  it('MODEL_MISSING naming spec.rl.policyPath when there is neither', async () => {
    const err = await loadStrategyModels([RL_ARM], ml, {}, '/no/such/dir/').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MODEL_MISSING', field: RL_POLICY_FIELD });
  });
});
