// Retrain errors: a code the CronJob's log and the operator's RetrainFailed condition can show, and a
// message saying what to fix (STYLE.md rule 6). Every one makes `kubetrade retrain` exit non-zero.

export type RetrainErrorCode =
  /** No candles: neither --data nor a store with collected candles. */
  | 'NO_DATA'
  /** The Python trainer exited non-zero or could not start. */
  | 'TRAINER_FAILED'
  /** An exported model disagrees with the trainer's own predictions beyond the tolerance. */
  | 'PARITY'
  /** An exported model breaks the runtime's model contract. */
  | 'CONTRACT';

export class RetrainError extends Error {
  readonly code: RetrainErrorCode;
  constructor(code: RetrainErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'RetrainError';
    this.code = code;
  }
}
