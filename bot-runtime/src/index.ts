// @kubetrade/bot-runtime: the trading process and its CLI. What other packages (and the lead's
// benchmark and demo scripts) may import; the operator never imports this package (DESIGN.md).

export { main as kubetrade } from './cli/main.ts';
export * from './engines/index.ts';
export {
  type Broker,
  type CandleFedBroker,
  type Order,
  type OrderState,
  type RejectionCode,
  TERMINAL_STATES,
} from './execution/broker.ts';
export { PaperBroker, type PaperBrokerConfig } from './execution/paper-broker.ts';
export {
  type ArmResult,
  type BacktestOptions,
  type BacktestResult,
  type BatchModels,
  runBacktest,
} from './loop/backtest.ts';
export { type Clock, ScaledClock, SimulatedClock } from './loop/clock.ts';
export { LoopError, type LoopErrorCode } from './loop/errors.ts';
export { type CycleInfo, PaperRunner, type PaperRunOptions } from './loop/paper-run.ts';
export { type CoreOptions, type LoopEvent, type StepInput, TradingCore } from './loop/trading-core.ts';
export { warmupMs } from './loop/warmup.ts';
export * from './market/index.ts';
export { Arm, type ArmSpec, type RoundTrip, type TradeMark } from './portfolio/arm.ts';
export {
  isKrwMarket,
  krwTickSize,
  minOrderQuote,
  quoteCurrency,
  roundCash,
  roundPriceToTick,
  tradeFee,
} from './portfolio/market-rules.ts';
export { type ArmMetrics, armMetrics, maxDrawdownPct, sharpeRatio } from './portfolio/metrics.ts';
export { clientOrderId, orderFor } from './portfolio/orders.ts';
export {
  type DailyLossState,
  entrySize,
  kstDay,
  type RiskConfig,
  updateDailyLoss,
} from './portfolio/risk.ts';
export { evaluateCriteria, SEED_CRITERIA } from './report/criteria.ts';
export { htmlReport } from './report/html-report.ts';
export { jsonReport } from './report/json-report.ts';
export { RuntimeMetrics, startMetricsServer } from './report/metrics-server.ts';
export { performanceReport } from './report/performance-report.ts';
export { textReport } from './report/text-report.ts';
export * from './types.ts';
