import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Action, LayerSignal } from '../types.ts';
import { ModelError } from './errors.ts';
import { MlModel, mlSignal, mlValidate } from './ml.ts';
import { seedConfig } from './seed-config.fixture.ts';

const cfg = seedConfig().ml;
const sig = (action: Action, confidence: number): LayerSignal => ({ action, confidence, reasons: ['layer'] });

describe('ML arm: buyAbove / sellBelow boundaries', () => {
  it.each<[number, Action, number]>([
    [0.55, 'BUY', 0.55],
    [0.5499, 'HOLD', 0],
    [0.9, 'BUY', 0.9],
    [0.45, 'SELL', 0.55],
    [0.4501, 'HOLD', 0],
    [0.1, 'SELL', 0.9],
    [0.5, 'HOLD', 0],
  ])('p(up) %f -> %s at %f', (p, action, confidence) => {
    const s = mlSignal(p, cfg);
    expect(s.action).toBe(action);
    expect(s.confidence).toBeCloseTo(confidence, 12);
  });
});

describe('ML validation: vetoBelow boundaries', () => {
  it.each<[string, LayerSignal, number, Action]>([
    ['BUY confirmed exactly at vetoBelow 0.45', sig('BUY', 0.85), 0.45, 'BUY'],
    ['BUY vetoed just below vetoBelow', sig('BUY', 0.85), 0.4499, 'HOLD'],
    ['BUY confirmed by a high p(up)', sig('BUY', 0.85), 0.8, 'BUY'],
    ['SELL confirmed exactly at 1 - vetoBelow 0.55', sig('SELL', 0.85), 0.55, 'SELL'],
    ['SELL vetoed just above 1 - vetoBelow', sig('SELL', 0.85), 0.5501, 'HOLD'],
    ['SELL confirmed by a low p(up)', sig('SELL', 0.85), 0.2, 'SELL'],
    ['HOLD passes through', sig('HOLD', 0), 0.99, 'HOLD'],
  ])('%s', (_name, s, p, action) => {
    const v = mlValidate(s, p, cfg);
    expect(v.signal.action).toBe(action);
    expect(v.signal.confidence).toBe(action === 'HOLD' ? 0 : s.confidence);
    expect(v.validation.action).toBe(action);
  });
});

describe('MlModel.load refuses a missing or malformed file', () => {
  it('MODEL_MISSING when no path is configured, naming spec.ml.modelPath', async () => {
    const err = await MlModel.load(undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect(err).toMatchObject({ code: 'MODEL_MISSING', field: 'spec.ml.modelPath' });
  });

  it('MODEL_MISSING when the file does not exist, naming the path', async () => {
    const path = join(tmpdir(), 'kubetrade-no-such-model.onnx');
    const err = await MlModel.load(path).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MODEL_MISSING', path });
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).toContain('spec.ml.modelPath');
  });

  it('MODEL_INVALID when the file is not ONNX', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubetrade-ml-'));
    const path = join(dir, 'garbage.onnx');
    await writeFile(path, 'this is not a protobuf');
    const err = await MlModel.load(path).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MODEL_INVALID', field: 'spec.ml.modelPath', path });
  });
});
