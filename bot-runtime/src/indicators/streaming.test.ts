// Streaming (one O(1) update per candle) and batch typed-array forms give identical numbers — the
// live cycle and the backtest cannot disagree — and the benchmark's fused single pass agrees too.
import { describe, expect, it } from 'vitest';
import { SyntheticMarket } from '../market/synthetic-market.ts';
import { singlePassIndicators } from './bench.ts';
import { Bollinger, bollingerBatch, percentB } from './bollinger.ts';
import { Ema, emaBatch } from './ema.ts';
import { Macd, macdBatch } from './macd.ts';
import { RateOfChange, rocBatch } from './rate-of-change.ts';
import { Rsi, rsiBatch } from './rsi.ts';
import { Sma, smaBatch } from './sma.ts';
import { VolumeRatio, volumeRatioBatch } from './volume-ratio.ts';

const data = await new SyntheticMarket({ seed: 11, defaultDays: 20 }).load();
const series = [...data.values()].map((byTf) => byTf['5m']!);
const btc = data.get('KRW-BTC')!['5m']!;
const close = btc.close;
const volume = btc.volume;

function stream<T>(make: () => { update(x: number): T }, values: Float64Array): T[] {
  const indicator = make();
  return Array.from(values, (x) => indicator.update(x));
}

describe('streaming equals batch, bit for bit', () => {
  it.each([3, 14, 50])('SMA, EMA, RSI, ROC and volume ratio with period %i', (period) => {
    expect(Float64Array.from(stream(() => new Sma(period), close))).toEqual(smaBatch(close, period));
    expect(Float64Array.from(stream(() => new Ema(period), close))).toEqual(emaBatch(close, period));
    expect(Float64Array.from(stream(() => new Rsi(period), close))).toEqual(rsiBatch(close, period));
    expect(Float64Array.from(stream(() => new RateOfChange(period), close))).toEqual(rocBatch(close, period));
    expect(Float64Array.from(stream(() => new VolumeRatio(period), volume))).toEqual(
      volumeRatioBatch(volume, period),
    );
  });

  it.each([
    [12, 26, 9],
    [5, 35, 5],
    [26, 12, 9], // TA-Lib swaps fast/slow when given the wrong way round
  ])('MACD %i/%i/%i', (fast, slow, signal) => {
    const values = stream(() => new Macd(fast, slow, signal), close);
    const batch = macdBatch(close, fast, slow, signal);
    expect(Float64Array.from(values, (v) => v.macd)).toEqual(batch.macd);
    expect(Float64Array.from(values, (v) => v.signal)).toEqual(batch.signal);
    expect(Float64Array.from(values, (v) => v.hist)).toEqual(batch.hist);
  });

  it.each([
    [20, 2],
    [10, 1.5],
  ])('Bollinger %i/%f', (period, stdDev) => {
    const values = stream(() => new Bollinger(period, stdDev), close);
    const batch = bollingerBatch(close, period, stdDev);
    expect(Float64Array.from(values, (v) => v.upper)).toEqual(batch.upper);
    expect(Float64Array.from(values, (v) => v.lower)).toEqual(batch.lower);
    expect(Float64Array.from(values, (v) => v.percentB)).toEqual(batch.percentB);
  });
});

describe('warm-up and edges', () => {
  it('is NaN exactly until TA-Lib would give a first value', () => {
    const firstValue = (a: ArrayLike<number>) => Array.from(a).findIndex((x) => !Number.isNaN(x));
    expect(firstValue(rsiBatch(close, 14))).toBe(14);
    expect(firstValue(macdBatch(close).hist)).toBe(33);
    expect(firstValue(bollingerBatch(close).percentB)).toBe(19);
    expect(firstValue(volumeRatioBatch(volume, 20))).toBe(19);
    expect(firstValue(emaBatch(close, 20))).toBe(19);
    expect(firstValue(rocBatch(close, 10))).toBe(10);
    const rsi = new Rsi(14);
    for (let i = 0; i < 14; i++) rsi.update(close[i]!);
    expect(rsi.ready).toBe(false);
    expect(Number.isNaN(rsi.update(close[14]!))).toBe(false);
    expect(rsi.ready).toBe(true);
  });

  it('handles flat prices and silent volume without NaN or Infinity after the warm-up', () => {
    const flat = new Float64Array(60).fill(100);
    expect(rsiBatch(flat, 14)[30]).toBe(0);
    expect(bollingerBatch(flat).percentB[30]).toBe(0.5);
    expect(volumeRatioBatch(new Float64Array(60), 20)[30]).toBe(0);
    expect(percentB(110, 120, 100)).toBe(0.5);
  });

  it('rejects periods that make no sense', () => {
    expect(() => new Rsi(0)).toThrow(RangeError);
    expect(() => new Bollinger(1, 2)).toThrow(/Bollinger period/);
    expect(() => new Sma(2.5)).toThrow(/integer/);
  });
});

describe('singlePassIndicators (benchmark baseline)', () => {
  it('computes the same RSI + MACD histogram + %B + volume ratio as the batch functions', () => {
    let expected = 0;
    for (const s of series) {
      const rsi = rsiBatch(s.close, 14);
      const hist = macdBatch(s.close).hist;
      const pb = bollingerBatch(s.close).percentB;
      const vr = volumeRatioBatch(s.volume, 20);
      for (let i = 0; i < s.length; i++) {
        for (const v of [rsi[i]!, hist[i]!, pb[i]!, vr[i]!]) if (!Number.isNaN(v)) expected += v;
      }
    }
    const got = singlePassIndicators(series);
    expect(Math.abs(got - expected) / Math.abs(expected)).toBeLessThan(1e-12);
    expect(singlePassIndicators(series.slice(0, 1))).not.toBe(got);
  });
});
