// Batched model inference for the backtest's phase B: one onnxruntime call per block of steps
// instead of one awaited call per candle. The rows themselves stay the dominant cost: the baseline
// LightGBM (150 trees) costs ~4 µs of CPU a row on real feature rows whatever the session options
// (1 intra-op thread; sequential/'all'/no spinning/no arena all within noise) and ~4-5 µs in
// 256-row batches, so per-call overhead does not dominate; the ~16 µs once quoted here was wall
// time on a machine at load ~15 (PERFORMANCE.md).

/** What the backtest needs of the ML model and RL policy: batched inference (see engines/). */
export interface BatchModels {
  ml?: { predictBatch(rows: Float32Array): Promise<Float32Array> };
  rl?: { act(rows: Float32Array): Promise<Float32Array> };
}

/** Fills `ml` (p(up)) and `rl` (3 scores) for the slots whose feature row is complete; others stay NaN. */
export async function inferBlock(
  models: BatchModels,
  rows: Float32Array,
  rowOk: Uint8Array,
  slots: number,
  F: number,
  ml: Float64Array,
  rl: Float32Array,
): Promise<void> {
  let count = 0;
  for (let s = 0; s < slots; s++) if (rowOk[s] === 1) count++;
  if (count === 0) return;
  const batch = new Float32Array(count * F);
  let r = 0;
  for (let s = 0; s < slots; s++) if (rowOk[s] === 1) batch.set(rows.subarray(s * F, s * F + F), r++ * F);
  const p = models.ml ? await models.ml.predictBatch(batch) : undefined;
  const a = models.rl ? await models.rl.act(batch) : undefined;
  r = 0;
  for (let s = 0; s < slots; s++) {
    if (rowOk[s] !== 1) continue;
    if (p) ml[s] = p[r]!;
    if (a) for (let q = 0; q < 3; q++) rl[s * 3 + q] = a[r * 3 + q]!;
    r++;
  }
}
