// CLI errors: a code, a message naming the file/flag/field and value, and the process exit code.
export type CliErrorCode = 'USAGE' | 'UNKNOWN_FLAG' | 'BAD_FLAG_VALUE' | 'CONFIG' | 'DATA' | 'MODEL' | 'IO';

export class CliError extends Error {
  readonly code: CliErrorCode;
  readonly exitCode: number;
  constructor(
    code: CliErrorCode,
    message: string,
    exitCode = code === 'USAGE' || code === 'UNKNOWN_FLAG' ? 2 : 1,
  ) {
    super(message);
    this.name = 'CliError';
    this.code = code;
    this.exitCode = exitCode;
  }
}
