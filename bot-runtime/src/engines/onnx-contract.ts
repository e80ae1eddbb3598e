// The ONNX model contract (models/onnx_contract.py): four `metadata_props` keys naming the feature
// list, version, training time and kind. onnxruntime-node 1.30 exposes input/output metadata but not
// the model's metadata_props, so this walks the protobuf wire format of the top-level ModelProto
// (field 14: repeated {key = 1, value = 2}) itself — a few dozen lines instead of a dependency.

const METADATA_PROPS = 14;
const utf8 = new TextDecoder('utf-8', { fatal: false });

class Reader {
  pos = 0;
  readonly buf: Uint8Array;
  readonly end: number;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.end) throw new RangeError('truncated varint');
      const b = this.buf[this.pos++]!;
      // Beyond 2^53 precision is lost, but only lengths and tags are used, which are far smaller.
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 63) throw new RangeError('varint too long');
    }
  }

  /** Calls `field(number, start, end)` for length-delimited fields, skips the others. */
  walk(field: (no: number, start: number, end: number) => void): void {
    while (this.pos < this.end) {
      const tag = this.varint();
      const no = Math.floor(tag / 8);
      const wire = tag & 7;
      if (wire === 0) this.varint();
      else if (wire === 1) this.pos += 8;
      else if (wire === 5) this.pos += 4;
      else if (wire === 2) {
        const len = this.varint();
        const start = this.pos;
        this.pos += len;
        if (this.pos > this.end) throw new RangeError('truncated field');
        field(no, start, this.pos);
      } else throw new RangeError(`unsupported wire type ${wire}`);
    }
  }
}

/** The key/value metadata of an ONNX model; throws RangeError on bytes that are not a protobuf. */
export function onnxMetadata(bytes: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  new Reader(bytes).walk((no, start, end) => {
    if (no !== METADATA_PROPS) return;
    let key = '';
    let value = '';
    new Reader(bytes, start, end).walk((f, s, e) => {
      if (f === 1) key = utf8.decode(bytes.subarray(s, e));
      else if (f === 2) value = utf8.decode(bytes.subarray(s, e));
    });
    out.set(key, value);
  });
  return out;
}

/** The metadata keys every served model carries (models/onnx_contract.py writes them). */
export const CONTRACT_KEYS = {
  features: 'kubetrade.features',
  version: 'kubetrade.model_version',
  trainedAt: 'kubetrade.trained_at',
  kind: 'kubetrade.kind',
} as const;

export type ModelKind = 'classifier' | 'policy';

export interface ModelContract {
  kind: ModelKind;
  /** FEATURE_NAMES: the model's input columns, in order. */
  featureNames: readonly string[];
}

/** What the contract keys say about a model that passed the check. */
export interface ModelIdentity {
  version: string;
  /** Milliseconds since the epoch. */
  trainedAt: number;
  kind: ModelKind;
}

/** The identity, or the first mismatch between the model's metadata and the runtime, in words. */
export function checkContract(
  meta: ReadonlyMap<string, string>,
  contract: ModelContract,
): { ok: true; identity: ModelIdentity } | { ok: false; mismatch: string } {
  const missing = Object.values(CONTRACT_KEYS).filter((k) => !meta.has(k));
  if (missing.length > 0)
    return {
      ok: false,
      mismatch: `metadata ${missing.join(', ')} missing: export it with models/onnx_contract.py`,
    };
  const kind = meta.get(CONTRACT_KEYS.kind)!;
  if (kind !== contract.kind)
    return {
      ok: false,
      mismatch: `${CONTRACT_KEYS.kind} is ${JSON.stringify(kind)}, expected "${contract.kind}"`,
    };
  let features: unknown;
  try {
    features = JSON.parse(meta.get(CONTRACT_KEYS.features)!);
  } catch {
    return { ok: false, mismatch: `${CONTRACT_KEYS.features} is not JSON` };
  }
  if (!Array.isArray(features) || !features.every((f) => typeof f === 'string'))
    return { ok: false, mismatch: `${CONTRACT_KEYS.features} is not a JSON array of names` };
  const want = contract.featureNames;
  for (let i = 0; i < Math.max(want.length, features.length); i++) {
    if (features[i] !== want[i]) {
      return {
        ok: false,
        mismatch: `feature list differs at position ${i}: model has ${JSON.stringify(features[i] ?? null)}, the runtime has ${JSON.stringify(want[i] ?? null)} (model ${features.length} features, runtime ${want.length}): retrain on the current export`,
      };
    }
  }
  const trainedAt = Date.parse(meta.get(CONTRACT_KEYS.trainedAt)!);
  if (Number.isNaN(trainedAt))
    return { ok: false, mismatch: `${CONTRACT_KEYS.trainedAt} is not an ISO-8601 time` };
  return {
    ok: true,
    identity: { version: meta.get(CONTRACT_KEYS.version)!, trainedAt, kind: contract.kind },
  };
}
