// Loads and validates an ONNX file for the ML and RL layers: one float tensor input whose last
// dimension is the feature count, and a float tensor output. Validation happens once at start
// (STYLE.md rule 5) so a wrong file fails the bot before it trades, naming the spec field to fix.
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { ModelError } from './errors.ts';
import { checkContract, type ModelContract, type ModelIdentity, onnxMetadata } from './onnx-contract.ts';

export interface OnnxModelSpec {
  /** The spec field that names the file, for error messages (e.g. `spec.ml.modelPath`). */
  field: string;
  path: string | undefined;
  /** Number of features the input row must have (FEATURE_NAMES.length). */
  featureCount: number;
  /** Output to read; the first float tensor output whose last dimension is `outputWidth`. */
  outputWidth: number;
  /** The model's bytes (e.g. from the model registry); `path` then only names the model in messages. */
  bytes?: Uint8Array;
  /** The metadata contract (models/onnx_contract.py) the model must satisfy; unchecked when absent. */
  contract?: ModelContract;
  /**
   * Also accept a sequence input [N, K, featureCount] (the LSTM: the last K feature rows of one
   * market, oldest first); K is read from the file and must be a fixed number.
   */
  sequence?: boolean;
}

function numericDim(d: number | string | undefined): number | undefined {
  return typeof d === 'number' && d > 0 ? d : undefined;
}

/** A loaded ONNX session that maps feature rows to fixed-width float outputs. */
export class OnnxModel {
  readonly path: string;
  readonly featureCount: number;
  /** Feature rows per input: 1 for an [N, F] model, K for an [N, K, F] sequence model. */
  readonly sequenceLength: number;
  readonly outputWidth: number;
  /** From the metadata contract when one was checked. */
  readonly identity: ModelIdentity | undefined;
  readonly #session: ort.InferenceSession;
  readonly #input: string;
  readonly #output: string;

  private constructor(
    path: string,
    spec: OnnxModelSpec,
    session: ort.InferenceSession,
    input: string,
    output: string,
    identity: ModelIdentity | undefined,
    sequenceLength: number,
  ) {
    this.path = path;
    this.identity = identity;
    this.featureCount = spec.featureCount;
    this.sequenceLength = sequenceLength;
    this.outputWidth = spec.outputWidth;
    this.#session = session;
    this.#input = input;
    this.#output = output;
  }

  static async load(spec: OnnxModelSpec): Promise<OnnxModel> {
    const { field, path } = spec;
    if (path === undefined || path === '')
      throw new ModelError('MODEL_MISSING', field, path, 'no model file is set');
    let bytes = spec.bytes;
    if (bytes === undefined) {
      try {
        bytes = new Uint8Array(await readFile(path));
      } catch {
        throw new ModelError('MODEL_MISSING', field, path, 'file not found or not readable');
      }
    }
    let session: ort.InferenceSession;
    try {
      // One thread: a live cycle scores only 4 rows (a whole default cycle measured p50 0.15 ms) and
      // the cores are shared with the loop; backtests batch rows (predictBatch) instead.
      session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    } catch (err) {
      const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
      throw new ModelError('MODEL_INVALID', field, path, `not a loadable ONNX model (${why})`);
    }
    // Every refusal releases the session: a hot reload that refuses a model must not leak it.
    const fail = async (detail: string): Promise<never> => {
      await session.release();
      throw new ModelError('MODEL_INVALID', field, path, detail);
    };
    const inputs = session.inputMetadata;
    const input = inputs[0];
    if (inputs.length !== 1 || input === undefined || !input.isTensor || input.type !== 'float32') {
      return fail('expected exactly one float32 tensor input');
    }
    const rank = input.shape.length;
    if (rank !== 2 && !(rank === 3 && spec.sequence)) {
      return fail(
        spec.sequence
          ? `input shape [${input.shape.join(', ')}] is neither [N, ${spec.featureCount}] (one feature row) nor [N, K, ${spec.featureCount}] (the last K rows)`
          : `input shape [${input.shape.join(', ')}] is not [N, ${spec.featureCount}]: the runtime feeds one feature row per market (a sequence model cannot be served here)`,
      );
    }
    // The sequence length comes from the file (models/lstm_model.py SEQ_LEN), never from here.
    const sequenceLength = rank === 3 ? numericDim(input.shape[1]) : 1;
    if (sequenceLength === undefined) {
      return fail(
        `input shape [${input.shape.join(', ')}] has no fixed sequence length K: export it with a numeric K`,
      );
    }
    const width = input.shape.at(-1);
    if (typeof width === 'number' && width !== spec.featureCount) {
      return fail(
        `input has ${width} features, the runtime's feature vector has ${spec.featureCount}: retrain on the current export`,
      );
    }
    const output = session.outputMetadata.find(
      // A symbolic last dimension is accepted here and checked on the first run.
      (o) =>
        o.isTensor &&
        o.type === 'float32' &&
        [spec.outputWidth, undefined].includes(numericDim(o.shape.at(-1))),
    );
    if (output === undefined) {
      return fail(`expected a float32 output of width ${spec.outputWidth}`);
    }
    // The contract after the shape checks: a wrong-width file is reported by its width first.
    let identity: ModelIdentity | undefined;
    if (spec.contract) {
      let meta: Map<string, string>;
      try {
        meta = onnxMetadata(bytes);
      } catch (err) {
        return fail(`not an ONNX file (${(err as Error).message})`);
      }
      const checked = checkContract(meta, spec.contract);
      if (!checked.ok) {
        return fail(checked.mismatch);
      }
      identity = checked.identity;
    }
    return new OnnxModel(path, spec, session, input.name, output.name, identity, sequenceLength);
  }

  /**
   * Runs `rows` inputs (row-major; each is sequenceLength x featureCount values, oldest row first);
   * returns inputs x outputWidth values.
   */
  async run(rows: Float32Array): Promise<Float32Array> {
    const size = this.sequenceLength * this.featureCount;
    const n = rows.length / size;
    if (!Number.isInteger(n)) throw new RangeError(`model inputs must be a multiple of ${size} values`);
    const dims =
      this.sequenceLength === 1 ? [n, this.featureCount] : [n, this.sequenceLength, this.featureCount];
    const feeds = { [this.#input]: new ort.Tensor('float32', rows, dims) };
    const result = await this.#session.run(feeds, [this.#output]);
    const out = result[this.#output];
    if (out === undefined) throw new Error(`${this.path}: output ${this.#output} missing from the run`);
    const data = out.data as Float32Array;
    if (data.length !== n * this.outputWidth) {
      throw new Error(
        `${this.path}: output ${this.#output} has ${data.length} values for ${n} rows, expected width ${this.outputWidth}`,
      );
    }
    return data;
  }

  async close(): Promise<void> {
    await this.#session.release();
  }
}
