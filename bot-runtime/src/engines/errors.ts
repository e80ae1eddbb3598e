// Typed errors of the engines: a `code` a caller can branch on and a message naming the file and the
// spec field to fix (STYLE.md rule 6).

export type ModelErrorCode = 'MODEL_MISSING' | 'MODEL_INVALID';

export class ModelError extends Error {
  readonly code: ModelErrorCode;
  /** The spec field that named the file, e.g. `spec.ml.modelPath`. */
  readonly field: string;
  readonly path: string | undefined;

  constructor(code: ModelErrorCode, field: string, path: string | undefined, detail: string) {
    super(`${code}: ${field}${path === undefined ? '' : ` = ${path}`}: ${detail}`);
    this.name = 'ModelError';
    this.code = code;
    this.field = field;
    this.path = path;
  }
}
