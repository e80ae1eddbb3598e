// @kubetrade/crds: the TradingBot API. Operator and bot-runtime import only from here.
export type { CelValidation } from './cel.ts';
export { applyDefaults } from './defaults.ts';
export { type ApiErrorCode, InvalidConfigError } from './errors.ts';
export { loadTradingBotYaml, parseRuntimeConfig } from './load.ts';
export {
  CRON_PATTERN,
  DNS_LABEL_PATTERN,
  LAYERS,
  MARKET_PATTERN,
  TIMEFRAMES,
  TradingBotSpecSchema,
  TradingBotStatusSchema,
} from './schema.ts';
export { DAILY_RETURNS_KEPT, PHASES } from './status-schema.ts';
export * from './types.ts';
export { formatIssue, type SpecIssue, validateSpec, validateStatus } from './validate.ts';
