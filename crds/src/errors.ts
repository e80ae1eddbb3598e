import { formatIssue, type SpecIssue } from './validate.ts';

export type ApiErrorCode = 'INVALID_YAML' | 'INVALID_TRADINGBOT' | 'INVALID_RUNTIME_CONFIG';

/**
 * A TradingBot or RuntimeConfig that cannot be used. The message names the source (file name),
 * every field path and its value, so the user can fix the file without reading code.
 */
export class InvalidConfigError extends Error {
  readonly code: ApiErrorCode;
  readonly source: string;
  readonly issues: SpecIssue[];

  constructor(code: ApiErrorCode, source: string, issues: SpecIssue[]) {
    const what =
      code === 'INVALID_RUNTIME_CONFIG' ? 'RuntimeConfig' : code === 'INVALID_YAML' ? 'YAML' : 'TradingBot';
    super(`${source}: invalid ${what}:\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`);
    this.name = 'InvalidConfigError';
    this.code = code;
    this.source = source;
    this.issues = issues;
  }
}
