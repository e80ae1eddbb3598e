// The ONNX model contract (models/onnx_contract.py): metadata read from real files, the check's
// table of mismatches, and the ML loader refusing a malformed or mismatched model with a message
// naming the model and the mismatch.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES } from './features.ts';
import { MlModel } from './ml.ts';
import { CONTRACT_KEYS, checkContract, onnxMetadata } from './onnx-contract.ts';

const FIXTURES = fileURLToPath(new URL('../../../models/fixtures/', import.meta.url));
const BASELINE = fileURLToPath(new URL('../../../models/baseline/lgbm-krw.onnx', import.meta.url));
const contract = { kind: 'classifier' as const, featureNames: FEATURE_NAMES };

function meta(overrides: Record<string, string | undefined>): Map<string, string> {
  const base: Record<string, string | undefined> = {
    [CONTRACT_KEYS.features]: JSON.stringify(FEATURE_NAMES),
    [CONTRACT_KEYS.version]: 'v1',
    [CONTRACT_KEYS.trainedAt]: '2026-11-25T03:00:00Z',
    [CONTRACT_KEYS.kind]: 'classifier',
    ...overrides,
  };
  return new Map(Object.entries(base).filter((e): e is [string, string] => e[1] !== undefined));
}

describe('onnxMetadata', () => {
  it('reads the contract keys the Python exporter wrote', () => {
    const m = onnxMetadata(readFileSync(`${FIXTURES}classifier-linear.onnx`));
    expect(m.get(CONTRACT_KEYS.version)).toBe('fixture-linear-1');
    expect(JSON.parse(m.get(CONTRACT_KEYS.features)!)).toEqual(FEATURE_NAMES);
  });

  it('finds no keys in a model exported without them, and throws on bytes that are not protobuf', () => {
    expect(onnxMetadata(readFileSync(`${FIXTURES}no-contract.onnx`)).size).toBe(0);
    expect(() => onnxMetadata(new Uint8Array([0x0a, 0xff, 0xff, 0xff]))).toThrow(RangeError);
  });

  it('the shipped baseline carries the contract', () => {
    const checked = checkContract(onnxMetadata(readFileSync(BASELINE)), contract);
    expect(checked).toMatchObject({ ok: true, identity: { kind: 'classifier' } });
  });
});

describe('checkContract', () => {
  const swapped = [...FEATURE_NAMES];
  [swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!];
  it.each([
    ['missing version', { [CONTRACT_KEYS.version]: undefined }, /kubetrade.model_version missing/],
    ['wrong kind', { [CONTRACT_KEYS.kind]: 'policy' }, /kind is "policy", expected "classifier"/],
    ['features not JSON', { [CONTRACT_KEYS.features]: '[rsi' }, /not JSON/],
    [
      'features swapped',
      { [CONTRACT_KEYS.features]: JSON.stringify(swapped) },
      /position 2: model has "bb_percent_b", the runtime has "macd_hist_pct"/,
    ],
    [
      'one feature short',
      { [CONTRACT_KEYS.features]: JSON.stringify(FEATURE_NAMES.slice(0, -1)) },
      /position 15.*model 15 features, runtime 16/,
    ],
    ['bad time', { [CONTRACT_KEYS.trainedAt]: 'yesterday' }, /not an ISO-8601 time/],
  ])('%s is a mismatch', (_, overrides, message) => {
    const r = checkContract(meta(overrides), contract);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.mismatch).toMatch(message);
  });

  it('a complete, matching contract gives the identity', () => {
    expect(checkContract(meta({}), contract)).toEqual({
      ok: true,
      identity: { version: 'v1', trainedAt: Date.parse('2026-11-25T03:00:00Z'), kind: 'classifier' },
    });
  });
});

describe('the ML loader refuses malformed and mismatched models, naming the model and the mismatch', () => {
  it.each([
    ['wrong-features.onnx', /wrong-features.onnx: feature list differs at position 0: model has "macd_pct"/],
    ['no-contract.onnx', /no-contract.onnx: metadata kubetrade.features, .* missing/],
    ['wrong-width.onnx', /wrong-width.onnx: input has 5 features/],
  ])('%s', async (file, message) => {
    const err = await MlModel.load(`${FIXTURES}${file}`).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MODEL_INVALID', field: 'spec.ml.modelPath' });
    expect((err as Error).message).toMatch(message);
  });

  it('refuses bytes that are not ONNX, naming the registry entry given as the path', async () => {
    const err = await MlModel.load('registry lgbm-krw@v9', {
      bytes: new TextEncoder().encode('not a model'),
      field: 'model registry',
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MODEL_INVALID' });
    expect((err as Error).message).toMatch(
      /^MODEL_INVALID: model registry = registry lgbm-krw@v9: not a loadable ONNX model/,
    );
  });

  it('loads a valid model from bytes and reports its version', async () => {
    const m = await MlModel.load('registry x@1', {
      bytes: readFileSync(`${FIXTURES}classifier-linear.onnx`),
    });
    expect(m.identity.version).toBe('fixture-linear-1');
    // softmax of [0, 4 * rsi - 0]: rsi 0 -> 0.5.
    expect(await m.predict(new Float32Array(16))).toBeCloseTo(0.5, 6);
    await m.close();
  });
});
