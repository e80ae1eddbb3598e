// Parity of the LSTM export (models/lstm_model.py: JAX weights in the standard ONNX LSTM op) between
// Python (JAX and onnxruntime) and onnxruntime-node, on sequences exported by the trainer (committed
// fixture; the e2e retrain test checks freshly trained LightGBM and LSTM models the same way).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { type ParityFile, parityGap } from './parity.ts';

const FIXTURES = fileURLToPath(new URL('../../../models/fixtures/', import.meta.url));

it('the LSTM gives Python (JAX and onnxruntime) predictions to 1e-5 on exported sequences', async () => {
  const parity = JSON.parse(readFileSync(`${FIXTURES}lstm-parity.json`, 'utf8')) as ParityFile;
  expect(parity.input_shape).toEqual([12, 16]);
  expect(parity.rows.length).toBeGreaterThanOrEqual(20);
  const gap = await parityGap(readFileSync(`${FIXTURES}lstm-krw.onnx`), parity);
  expect(gap.ort).toBeLessThanOrEqual(1e-5);
  expect(gap.python).toBeLessThanOrEqual(1e-5);
});
