import { describe, expect, it } from 'vitest';
import {
  combinations,
  deflatedSharpe,
  expectedMaxSharpe,
  normalCdf,
  normalInv,
  pboCscv,
  ranks,
  returnMoments,
  spearman,
} from './stats.ts';

describe('normal distribution', () => {
  it.each([
    [0, 0.5],
    [1.959964, 0.975],
    [-1, 0.158655],
    [2.326348, 0.99],
  ])('Phi(%f) = %f', (x, p) => {
    expect(normalCdf(x)).toBeCloseTo(p, 6);
    expect(normalInv(p)).toBeCloseTo(x, 5);
  });
});

describe('ranks and Spearman', () => {
  it('averages ties and ranks NaN lowest', () => {
    expect(ranks([10, 30, 20, 30])).toEqual([1, 3.5, 2, 3.5]);
    expect(ranks([Number.NaN, 0, -5])).toEqual([1, 3, 2]);
  });

  it('matches a hand computation with ties', () => {
    // ranks y = [1, 2, 3.5, 5, 3.5]; sum dx dy = 8, sum dx^2 = 10, sum dy^2 = 9.5 -> 8 / sqrt(95)
    expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(8 / Math.sqrt(95), 12);
    expect(spearman([1, 2, 3], [3, 2, 1])).toBe(-1);
    expect(spearman([1, 2, 3], [4, 4, 4])).toBeNaN();
  });
});

describe('return moments', () => {
  it('per-period Sharpe, skew and (non-excess) kurtosis by hand', () => {
    // mean 0.02; deviations -0.02, 0, 0.02 -> sample sd 0.02, Sharpe 1; symmetric -> skew 0;
    // m2 = 0.0008/3, m4 = 2 x 1.6e-7 / 3 -> kurtosis = m4 / m2^2 = 1.5
    const m = returnMoments([0, 0.02, 0.04]);
    expect(m.sharpe).toBeCloseTo(1, 12);
    expect(m.skew).toBeCloseTo(0, 12);
    expect(m.kurtosis).toBeCloseTo(1.5, 12);
  });
});

describe('deflated Sharpe ratio (Bailey & López de Prado 2014, numerical example)', () => {
  it('N = 100 trials, V[SR] = 0.5/250, SR = 2.5/sqrt(250), T = 1250, skew -3, kurtosis 10 -> SR0 0.1132, DSR 0.9004', () => {
    const sharpeVariance = 0.5 / 250;
    expect(expectedMaxSharpe(100, sharpeVariance)).toBeCloseTo(0.1132, 4);
    const { sr0, dsr } = deflatedSharpe({
      sharpe: 2.5 / Math.sqrt(250),
      observations: 1250,
      skew: -3,
      kurtosis: 10,
      trials: 100,
      sharpeVariance,
    });
    expect(sr0).toBeCloseTo(0.1132, 4);
    expect(dsr).toBeCloseTo(0.9004, 3);
  });

  it('one trial is not deflated (SR0 = 0)', () => {
    expect(expectedMaxSharpe(1, 1)).toBe(0);
  });
});

describe('PBO by CSCV', () => {
  it('lists C(4, 2) = 6 splits', () => {
    expect(combinations(4, 2)).toEqual([
      [0, 1],
      [0, 2],
      [0, 3],
      [1, 2],
      [1, 3],
      [2, 3],
    ]);
  });

  it('the in-sample best always last out of sample -> PBO 1, logit ln(1/2)', () => {
    // candidate 0 wins the first half and loses the second; candidate 1 the opposite.
    const returns = [
      [0.02, -0.02],
      [0.04, -0.04],
      [-0.02, 0.02],
      [-0.04, 0.04],
    ];
    const r = pboCscv(returns, 2);
    expect(r.pbo).toBe(1);
    expect(r.logits).toHaveLength(2);
    for (const l of r.logits) expect(l).toBeCloseTo(Math.log(1 / 2), 12);
  });

  it('a candidate that dominates everywhere -> PBO 0, logit ln 2', () => {
    const returns = [
      [0.03, 0.01],
      [0.05, 0.02],
      [0.03, 0.01],
      [0.05, 0.02],
    ];
    const r = pboCscv(returns, 2);
    expect(r.pbo).toBe(0);
    for (const l of r.logits) expect(l).toBeCloseTo(Math.log(2), 12);
  });

  it('refuses an odd number of partitions', () => {
    expect(pboCscv([[1, 2]], 3).pbo).toBeNaN();
  });
});
