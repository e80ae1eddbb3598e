// Hot reload against the real PostgreSQL registry (a fresh schema): the served model switches to a
// newly promoted version at the next call without a restart, refuses a mismatched version (naming
// it and the mismatch) while the old model keeps serving, and refuses to start on a bad promoted one.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MlModel } from '../engines/ml.ts';
import { migrate } from '../store/migrate.ts';
import type { PgDb } from '../store/pg-db.ts';
import { createTestSchema, type TestSchema } from '../store/test-schema.ts';
import { exposeModelMetrics, ModelMetrics } from './model-metrics.ts';
import { ModelRegistry } from './registry.ts';
import { ServedMlModel, type ServedModelEvent } from './served-model.ts';

const MODELS = fileURLToPath(new URL('../../../models/', import.meta.url));
const LINEAR = readFileSync(`${MODELS}fixtures/classifier-linear.onnx`);
const BASELINE = readFileSync(`${MODELS}baseline/lgbm-krw.onnx`);
const WRONG_FEATURES = readFileSync(`${MODELS}fixtures/wrong-features.onnx`);
const parity = JSON.parse(readFileSync(`${MODELS}baseline/parity.json`, 'utf8')) as {
  rows: number[][];
  onnxruntime_python: number[];
};
const PROMOTE = { promote: true, reason: 'test' };

let schema: TestSchema;
let db: PgDb;
let registry: ModelRegistry;

beforeAll(async () => {
  schema = await createTestSchema(inject('databaseUrl'), 'kt_registry');
  db = schema.connect({ maxConnections: 2 });
  await migrate(db);
  registry = new ModelRegistry(db);
});
afterAll(async () => {
  await db?.close();
  await schema?.drop();
});

const add = (name: string, version: string, onnx: Uint8Array, decision = PROMOTE) =>
  registry.add({ name, version, kind: 'lgbm', onnx, score: 0.55, metrics: { v: version } }, decision);

describe('ServedMlModel', () => {
  it('serves the file fallback until a version is promoted, then switches without a restart', async () => {
    const events: ServedModelEvent[] = [];
    const served = await ServedMlModel.open({
      registry,
      name: 'm-switch',
      fallback: () => MlModel.load(`${MODELS}fixtures/classifier-linear.onnx`),
      onEvent: (e) => events.push(e),
    });
    const metrics = new Registry();
    exposeModelMetrics(served, 'm-switch', metrics);
    const row = Float32Array.from(parity.rows[3]!);
    try {
      expect(served.info).toMatchObject({
        version: 'fixture-linear-1',
        source: expect.stringMatching(/classifier-linear/),
      });
      const before = (await served.predictBatch(row))[0]!;

      await add('m-switch', 'v2', BASELINE);
      const after = (await served.predictBatch(row))[0]!;
      expect(after).toBeCloseTo(parity.onnxruntime_python[3]!, 5);
      expect(after).not.toBeCloseTo(before, 5);
      expect(served.info).toMatchObject({ source: 'registry', version: 'v2' });
      expect(events).toEqual([{ kind: 'switched', model: 'm-switch', from: 'fixture-linear-1', to: 'v2' }]);
      const text = await metrics.metrics();
      expect(text).toMatch(/kubetrade_model_info\{model="m-switch",version="v2"\} 1/);
      // What status.performance.model reports from now on (cli/status-reporting.ts reads this board).
      expect(ModelMetrics.of(metrics).ml).toMatchObject({ name: 'm-switch', version: 'v2' });
      expect(text).not.toMatch(/version="fixture-linear-1"/);
      // The baseline's metadata says it was trained at 2026-11-24T22:54:00Z.
      const trained = Date.parse('2026-11-24T22:54:00Z') / 1000;
      expect(text).toContain(`kubetrade_model_trained_timestamp_seconds{model="m-switch"} ${trained}`);

      // A second promotion of the same bytes under a new version switches again (compared by version).
      await add('m-switch', 'v3', LINEAR);
      expect((await served.predictBatch(row))[0]).toBeCloseTo(before, 6);
      expect(events.at(-1)).toMatchObject({ kind: 'switched', from: 'v2', to: 'v3' });
      expect((await registry.list('m-switch')).map((r) => [r.version, r.state])).toEqual([
        ['v2', 'retired'],
        ['v3', 'promoted'],
      ]);
    } finally {
      await served.close();
    }
  });

  it('refuses a mismatched promoted version by name and keeps serving the old model, once', async () => {
    await add('m-refuse', 'good', BASELINE);
    const events: ServedModelEvent[] = [];
    const served = await ServedMlModel.open({
      registry,
      name: 'm-refuse',
      fallback: () => Promise.reject(new Error('unused')),
      onEvent: (e) => events.push(e),
    });
    const row = Float32Array.from(parity.rows[5]!);
    try {
      await add('m-refuse', 'swapped', WRONG_FEATURES);
      expect((await served.predictBatch(row))[0]).toBeCloseTo(parity.onnxruntime_python[5]!, 5);
      await served.predictBatch(row);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ kind: 'refused', model: 'm-refuse', version: 'swapped' });
      expect((events[0] as { error: string }).error).toMatch(
        /registry m-refuse@swapped: feature list differs at position 0: model has "macd_pct", the runtime has "rsi"/,
      );
      expect(served.info.source).toBe('registry');
    } finally {
      await served.close();
    }
  });

  it('refuses to start on a promoted version that is not a valid model, naming it', async () => {
    await add('m-bad', 'junk', new TextEncoder().encode('not onnx'));
    const err = await ServedMlModel.open({
      registry,
      name: 'm-bad',
      fallback: () => Promise.reject(new Error('unused')),
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'MODEL_INVALID',
      field: 'model registry',
      path: 'registry m-bad@junk',
    });
  });

  it('keeps a candidate out of service and records its reason; versions are unique', async () => {
    await add('m-cand', 'a', BASELINE);
    const kept = await add('m-cand', 'b', LINEAR, { promote: false, reason: 'AUC 0.50 does not beat a' });
    expect(kept).toMatchObject({ state: 'candidate', reason: 'AUC 0.50 does not beat a' });
    expect(await registry.promoted('m-cand')).toMatchObject({ version: 'a' });
    await expect(add('m-cand', 'a', BASELINE)).rejects.toMatchObject({ code: 'DUPLICATE_VERSION' });
    expect(await registry.onnx('m-cand', 'b')).toEqual(new Uint8Array(LINEAR));
  });
});
