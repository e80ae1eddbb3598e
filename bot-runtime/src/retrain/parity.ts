// Python <-> onnxruntime-node parity of an exported model: models/retrain.py writes parity.json (input
// rows, JAX/LightGBM predictions, Python onnxruntime predictions) beside every model; the retrain
// command refuses to register a model whose Node predictions differ by more than its tolerance (1e-5).
import * as ort from 'onnxruntime-node';

export interface ParityFile {
  input_shape: number[];
  tolerance: number;
  rows: number[][];
  /** The trainer's own predictions (JAX or LightGBM). */
  python: number[];
  onnxruntime_python: number[];
}

/** Largest |p_node - p_python| over the rows of a parity file, against both Python references (the trainer's own prediction and Python's onnxruntime). */
export async function parityGap(
  onnx: Uint8Array,
  parity: ParityFile,
): Promise<{ python: number; ort: number }> {
  const session = await ort.InferenceSession.create(onnx, { intraOpNumThreads: 1 });
  try {
    const data = Float32Array.from(parity.rows.flat());
    const input = new ort.Tensor('float32', data, [parity.rows.length, ...parity.input_shape]);
    const out = await session.run({ [session.inputNames[0]!]: input });
    const probs = out.probabilities!.data as Float32Array;
    let python = 0;
    let ortGap = 0;
    parity.rows.forEach((_, i) => {
      const p = probs[2 * i + 1]!;
      python = Math.max(python, Math.abs(p - parity.python[i]!));
      ortGap = Math.max(ortGap, Math.abs(p - parity.onnxruntime_python[i]!));
    });
    return { python, ort: ortGap };
  } finally {
    await session.release();
  }
}
