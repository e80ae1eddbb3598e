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
