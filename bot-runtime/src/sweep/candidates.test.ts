import { readFileSync } from 'node:fs';
import { applyDefaults } from '@kubetrade/crds';
import { describe, expect, it } from 'vitest';
import {
  buildCandidates,
  candidateKey,
  canonicalJson,
  expandGrid,
  inShard,
  sampleGrid,
  withParams,
} from './candidates.ts';
import { SweepError } from './errors.ts';
import { parseGrid } from './grid.ts';
import { walkForwardWindows } from './windows.ts';

const SEED_GRID = `
engine.technical.rsi.oversold: [25, 30]
engine.technical.volumeSurge: [1.5, 2.0]
engine.technical.bollinger.edge: [0.15, 0.2]
walkForward: { trainDays: 10, testDays: 5 }
`;

describe('grid file', () => {
  it('reads dotted paths, ranges and the walk-forward plan', () => {
    const g = parseGrid(
      'engine.technical.rsi.period: { from: 10, to: 20, step: 5 }\nengine.combine.minConfidence: 0.6\n',
      'g.yaml',
    );
    expect(g.parameters).toEqual([
      { path: 'engine.technical.rsi.period', values: [10, 15, 20] },
      { path: 'engine.combine.minConfidence', values: [0.6] },
    ]);
    expect(g.walkForward).toEqual({ trainDays: 14, testDays: 7, stepDays: 7 });
  });

  it.each([
    ['engine.technical.rsi.oversld: [1]', /no field "oversld"/],
    ['engine.technical.rsi: [1]', /not a number field/],
    ['mode: [1]', /not a number field/],
    ['engine.technical.volumeSurge: []', /empty list/],
    ['engine.technical.volumeSurge: [2, 2]', /listed twice/],
    ['engine.technical.volumeSurge: ["x"]', /not a number/],
    ['walkForward: { trainDays: 3 }', /no parameters/],
    ['engine.technical.volumeSurge: [2]\ncscvPartitions: 3', /must be even/],
  ])('refuses %s', (text, message) => {
    expect(() => parseGrid(text, 'g.yaml')).toThrow(message);
  });
});

describe('candidates', () => {
  const grid = parseGrid(SEED_GRID, 'seed-grid.yaml');

  it('expands the seed grid to 8 points, last parameter fastest', () => {
    const points = expandGrid(grid.parameters);
    expect(points).toHaveLength(8);
    expect(points[0]).toEqual({
      'engine.technical.rsi.oversold': 25,
      'engine.technical.volumeSurge': 1.5,
      'engine.technical.bollinger.edge': 0.15,
    });
    expect(points[1]!['engine.technical.bollinger.edge']).toBe(0.2);
    expect(points[7]).toEqual({
      'engine.technical.rsi.oversold': 30,
      'engine.technical.volumeSurge': 2,
      'engine.technical.bollinger.edge': 0.2,
    });
  });

  it('a seeded sample is a subset in grid order, the same for the same seed', () => {
    const big = parseGrid('engine.technical.rsi.oversold: { from: 10, to: 40, step: 1 }', 'g').parameters;
    const a = sampleGrid(big, 5, 7);
    expect(a).toEqual(sampleGrid(big, 5, 7));
    expect(a).not.toEqual(sampleGrid(big, 5, 8));
    const values = a.map((p) => p['engine.technical.rsi.oversold']!);
    expect(values).toEqual([...values].sort((x, y) => x - y));
    expect(new Set(values).size).toBe(5);
  });

  it('applies a point without touching the base spec, and validates it like the apiserver', () => {
    const base = applyDefaults({});
    const spec = withParams(base, { 'engine.technical.rsi.oversold': 25 });
    expect(spec.engine.technical.rsi.oversold).toBe(25);
    expect(base.engine.technical.rsi.oversold).toBe(30);
    const ok = buildCandidates(base, expandGrid(grid.parameters));
    expect(ok.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // oversold 80 > overbought 70 breaks the CEL rule the CRD carries.
    expect(() => buildCandidates(base, [{ 'engine.technical.rsi.oversold': 80 }])).toThrow(
      /candidate #0.*\n.*rsi.oversold must be less than rsi.overbought/,
    );
    expect(() => buildCandidates(base, [{ 'engine.technical.rsi.period': 2.5 }])).toThrow(SweepError);
  });

  it('shards: every index in exactly one shard, i mod n', () => {
    const shards = 3;
    for (let i = 0; i < 10; i++) {
      const owners = [0, 1, 2].filter((s) => inShard(i, s, shards));
      expect(owners).toEqual([i % shards]);
    }
  });

  it('keys do not depend on key order, and change with the spec, data range or plan', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    const spec = applyDefaults({});
    const ctx = { from: 1, to: 2, plan: grid.walkForward };
    const k = candidateKey(spec, ctx);
    expect(candidateKey(applyDefaults({}), { plan: grid.walkForward, to: 2, from: 1 })).toBe(k);
    expect(candidateKey(withParams(spec, { 'engine.technical.volumeSurge': 1.5 }), ctx)).not.toBe(k);
    expect(candidateKey(spec, { ...ctx, to: 3 })).not.toBe(k);
    expect(candidateKey(spec, { ...ctx, plan: { ...grid.walkForward, testDays: 6 } })).not.toBe(k);
  });
});

describe('example grids', () => {
  it('the layer-2 grid samples 24 of its 75 points, each a valid spec', () => {
    const file = new URL('../../../examples/sweep/multi-timeframe-grid.yaml', import.meta.url);
    const g = parseGrid(readFileSync(file, 'utf8'), 'multi-timeframe-grid.yaml');
    expect(g.parameters.map((p) => p.values.length)).toEqual([5, 5, 3]);
    expect(g.parameters[0]!.values).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(g.arm).toBe('enhanced');
    const candidates = buildCandidates(applyDefaults({}), sampleGrid(g.parameters, g.sample!, g.seed));
    expect(candidates).toHaveLength(24);
  });
});

describe('walk-forward windows', () => {
  it('rolls train/test windows by the step while a whole test window fits', () => {
    expect(walkForwardWindows(22, { trainDays: 10, testDays: 5, stepDays: 5 })).toEqual([
      { trainStart: 0, trainEnd: 10, testStart: 10, testEnd: 15 },
      { trainStart: 5, trainEnd: 15, testStart: 15, testEnd: 20 },
    ]);
    expect(() => walkForwardWindows(14, { trainDays: 10, testDays: 5, stepDays: 5 })).toThrow(/14 KST days/);
  });
});
