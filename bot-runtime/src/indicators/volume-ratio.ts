// Volume relative to its moving average: volume / SMA(volume, period), the current candle included
// (TA-Lib SMA at the same index). The technical layer's "volume surge" votes when it is >=
// spec.engine.technical.volumeSurge (SPEC seed 2.0). An all-zero window gives 0, not NaN: no surge.
import { Sma, smaBatch } from './sma.ts';

export class VolumeRatio {
  readonly period: number;
  readonly #sma: Sma;
  #value = Number.NaN;

  constructor(period = 20) {
    this.#sma = new Sma(period);
    this.period = period;
  }

  update(volume: number): number {
    const average = this.#sma.update(volume);
    this.#value = ratio(volume, average);
    return this.#value;
  }

  get value(): number {
    return this.#value;
  }

  get ready(): boolean {
    return this.#sma.ready;
  }
}

function ratio(volume: number, average: number): number {
  if (Number.isNaN(average)) return Number.NaN;
  return average > 0 ? volume / average : 0;
}

export function volumeRatioBatch(volume: Float64Array, period = 20): Float64Array {
  const average = smaBatch(volume, period);
  for (let i = 0; i < average.length; i++) average[i] = ratio(volume[i]!, average[i]!);
  return average;
}
