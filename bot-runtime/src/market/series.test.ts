import { describe, expect, it } from 'vitest';
import { CandleWindow } from './candle-window.ts';
import {
  type CandleFields,
  CandleSeriesBuilder,
  completeness,
  lowerBound,
  seriesFromCandles,
  sliceSeries,
} from './series.ts';
import { TIMEFRAME_MS } from './timeframes.ts';

const H = TIMEFRAME_MS['1h'];
const candle = (k: number): CandleFields => ({
  openTime: k * H,
  open: k + 1,
  high: k + 2,
  low: k + 0.5,
  close: k + 1.5,
  volume: k,
  quoteVolume: 10 * k,
});

describe('CandleSeries', () => {
  it('grows past its initial capacity and keeps every field', () => {
    const builder = new CandleSeriesBuilder('KRW-BTC', '1h', 1);
    for (let k = 0; k < 100; k++) builder.push(candle(k));
    const s = builder.build();
    expect(s.length).toBe(100);
    expect(s.openTime[99]).toBe(99 * H);
    expect(s.quoteVolume[42]).toBe(420);
  });

  it('slices by open time [from, to) without copying, and finds bounds by binary search', () => {
    const s = seriesFromCandles('KRW-BTC', '1h', [0, 1, 2, 5, 6].map(candle));
    expect(lowerBound(s.openTime, s.length, 3 * H)).toBe(3);
    const part = sliceSeries(s, { from: 1 * H, to: 6 * H });
    expect(Array.from(part.openTime)).toEqual([1 * H, 2 * H, 5 * H]);
    expect(part.close.buffer).toBe(s.close.buffer);
    expect(sliceSeries(s, { from: 10 * H }).length).toBe(0);
  });

  it('measures completeness: present / expected between the first and last candle', () => {
    expect(completeness(seriesFromCandles('KRW-BTC', '1h', [0, 1, 2, 3].map(candle)))).toBe(1);
    expect(completeness(seriesFromCandles('KRW-BTC', '1h', [0, 1, 2, 5, 6].map(candle)))).toBeCloseTo(
      5 / 7,
      12,
    );
  });
});

describe('CandleWindow', () => {
  it('keeps the newest `capacity` candles, oldest first, and counts the gaps inside them', () => {
    const w = new CandleWindow('KRW-BTC', '1h', 4);
    for (const k of [0, 1, 2]) w.push(candle(k));
    expect(w.complete).toBe(false);
    for (const k of [3, 4, 6]) w.push(candle(k));
    expect(w.length).toBe(4);
    expect(w.at(0)?.openTime).toBe(2 * H);
    expect(w.latest()?.openTime).toBe(6 * H);
    expect(w.missing).toBe(1);
    expect(w.complete).toBe(false);
    expect(Array.from(w.toSeries().close)).toEqual([3.5, 4.5, 5.5, 7.5]);
    for (const k of [7, 8, 9]) w.push(candle(k));
    expect(w.missing).toBe(0);
    expect(w.complete).toBe(true);
    expect(w.at(4)).toBeUndefined();
  });

  it('refuses a window size that is not a positive integer', () => {
    expect(() => new CandleWindow('KRW-BTC', '5m', 0)).toThrow(/history window for 5m/);
  });
});
