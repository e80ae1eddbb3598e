// ServedMlModel's failure paths against a registry stand-in (the PostgreSQL paths are in
// served-model.int.test.ts): a registry outage keeps the serving model and is reported once, then its
// recovery once; a demotion (nothing promoted any more) keeps the serving model too.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { MlModel } from '../engines/ml.ts';
import type { ModelRegistry, PromotedRef } from './registry.ts';
import { ServedMlModel, type ServedModelEvent } from './served-model.ts';

const MODELS = fileURLToPath(new URL('../../../models/', import.meta.url));
const LINEAR = readFileSync(`${MODELS}fixtures/classifier-linear.onnx`);

function standIn() {
  const state: { ref: PromotedRef | undefined; down: boolean; loads: number } = {
    ref: { version: 'v1', sha256: 'a'.repeat(64) },
    down: false,
    loads: 0,
  };
  const registry = {
    promoted: async () => {
      if (state.down) throw new Error('UNAVAILABLE: connection refused');
      return state.ref;
    },
    onnx: async () => {
      state.loads++;
      return new Uint8Array(LINEAR);
    },
  } as unknown as ModelRegistry;
  return { state, registry };
}

it('keeps serving through a registry outage, reporting it and its recovery once each', async () => {
  const { state, registry } = standIn();
  const events: ServedModelEvent[] = [];
  const served = await ServedMlModel.open({
    registry,
    name: 'm',
    fallback: () => MlModel.load(`${MODELS}fixtures/classifier-linear.onnx`),
    onEvent: (e) => events.push(e),
  });
  const row = new Float32Array(16);
  try {
    state.down = true;
    expect((await served.predictBatch(row))[0]).toBeCloseTo(0.5, 6);
    await served.predictBatch(row);
    expect(events).toEqual([
      { kind: 'registry-unavailable', model: 'm', error: 'UNAVAILABLE: connection refused' },
    ]);
    state.down = false;
    await served.predictBatch(row);
    expect(events.at(-1)).toEqual({ kind: 'registry-recovered', model: 'm' });
    expect(events).toHaveLength(2);

    state.ref = undefined; // demoted: nothing promoted any more
    expect((await served.predictBatch(row))[0]).toBeCloseTo(0.5, 6);
    expect(served.info).toMatchObject({ version: 'v1', source: 'registry' });
    expect(state.loads).toBe(1);
  } finally {
    await served.close();
  }
});

it('asks the registry once per step when the loop settles the model first, and switches to an LSTM between steps', async () => {
  const { state, registry } = standIn();
  let asked = 0;
  const counting = {
    promoted: async (name: string) => {
      asked++;
      return registry.promoted(name);
    },
    onnx: async (name: string, version: string) =>
      version === 'lstm-1'
        ? new Uint8Array(readFileSync(`${MODELS}fixtures/lstm-krw.onnx`))
        : registry.onnx(name, version),
  } as unknown as ModelRegistry;
  const served = await ServedMlModel.open({
    registry: counting,
    name: 'm',
    fallback: () => MlModel.load(`${MODELS}fixtures/classifier-linear.onnx`),
  });
  try {
    asked = 0;
    await served.refresh();
    await served.predictBatch(new Float32Array(16));
    expect(asked).toBe(1); // settled by refresh(): predictBatch does not ask again
    await served.predictBatch(new Float32Array(16));
    expect(asked).toBe(2); // called alone, it still follows the registry
    expect(served.sequenceLength).toBe(1);

    state.ref = { version: 'lstm-1', sha256: 'b'.repeat(64) };
    await served.refresh();
    // The loop reads the new length after refresh() and assembles K rows per input for it.
    const k = served.sequenceLength;
    expect(k).toBe(12);
    expect(await served.predictBatch(new Float32Array(k * 16))).toHaveLength(1);
    expect(served.info.version).toBe('lstm-1');
  } finally {
    await served.close();
  }
});
