// Sweep errors: a code and a message naming the grid file, the parameter path or the flag, so the
// user can fix the input without reading code. The CLI maps them to one line and an exit code.
export type SweepErrorCode = 'GRID' | 'CANDIDATE' | 'WINDOWS' | 'RESULTS' | 'WORKER' | 'CLUSTER' | 'GATHER';

export class SweepError extends Error {
  readonly code: SweepErrorCode;
  constructor(code: SweepErrorCode, message: string) {
    super(message);
    this.name = 'SweepError';
    this.code = code;
  }
}
