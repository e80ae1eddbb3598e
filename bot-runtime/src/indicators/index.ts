// Streaming indicators (one O(1) `update` per new candle, NaN during warm-up) and batch typed-array
// forms with identical numbers; both follow TA-Lib's C code (see talib.test.ts).
export {
  BOLLINGER_DEFAULTS,
  Bollinger,
  type BollingerParams,
  type BollingerSeries,
  type BollingerValue,
  bollingerBatch,
  percentB,
} from './bollinger.ts';
export { Ema, emaBatch } from './ema.ts';
export { MACD_DEFAULTS, Macd, type MacdParams, type MacdSeries, type MacdValue, macdBatch } from './macd.ts';
export { RateOfChange, rocBatch } from './rate-of-change.ts';
export { Rsi, rsiBatch } from './rsi.ts';
export { Sma, smaBatch } from './sma.ts';
export { VolumeRatio, volumeRatioBatch } from './volume-ratio.ts';
