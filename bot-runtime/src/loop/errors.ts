// Errors of the loop and its drivers: a code a caller can switch on and a message a user can act on.
export type LoopErrorCode =
  | 'MIXED_QUOTE_CURRENCIES'
  | 'NO_CAPITAL'
  | 'NO_DATA'
  | 'UNKNOWN_MARKET'
  | 'BAD_RANGE';

export class LoopError extends Error {
  readonly code: LoopErrorCode;
  constructor(code: LoopErrorCode, message: string) {
    super(message);
    this.name = 'LoopError';
    this.code = code;
  }
}
