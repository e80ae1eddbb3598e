// Market data: candles, timeframes, aggregation, the no-look-ahead TimeframeBook, data-quality
// reports, and the sources behind one interface (replay files, the synthetic market).
export { aggregateColumns, aggregateSeries, CandleAggregator, NOTHING_CLOSED } from './aggregate.ts';
export { parseCandleFile, parseUtcTime } from './candle-formats.ts';
export { CandleWindow } from './candle-window.ts';
export {
  DATA_ISSUE_RULE,
  type DataIssue,
  type DataIssueAction,
  type DataIssueKind,
  dataIssue,
  formatIssue,
  MarketDataError,
  type MarketDataErrorCode,
} from './data-issue.ts';
export { type FileNameInfo, inferFromFileName } from './file-names.ts';
export { Prng } from './prng.ts';
export type { ParsedFile, RawCandles } from './raw-candles.ts';
export {
  coverageOf,
  type ReplayOptions,
  ReplaySource,
  type SeriesCoverage,
  type SkippedFile,
  spacingInterval,
} from './replay-source.ts';
export {
  type CandleColumns,
  type CandleFields,
  type CandleSeries,
  CandleSeriesBuilder,
  candleAt,
  candlesOf,
  closeTimeAt,
  completeness,
  lowerBound,
  seriesFromCandles,
  sliceSeries,
} from './series.ts';
export type { MarketData, MarketSource, TimeRange } from './source.ts';
export { SYNTHETIC_START, SyntheticMarket, type SyntheticOptions } from './synthetic-market.ts';
export {
  DEFAULT_SYNTHETIC_MARKETS,
  KRW_MAJORS,
  type MarketProfile,
  REGIMES,
  type RegimeName,
} from './synthetic-profiles.ts';
export {
  HIGHER_TIMEFRAMES,
  type HigherTimeframe,
  TimeframeBook,
  type TimeframeBookOptions,
} from './timeframe-book.ts';
export {
  bucketStart,
  HISTORY_WINDOW,
  intervalMs,
  isTimeframe,
  TIMEFRAME_MS,
  TIMEFRAMES,
  timeframeOfMs,
} from './timeframes.ts';
export { candleProblem, type RefusedRowPolicy, type ValidationOptions, validateCandles } from './validate.ts';
