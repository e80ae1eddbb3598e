// Candidates of a sweep: the grid's cartesian product (or a seeded sample of it) in one fixed
// order, each applied to the user's spec and validated like the apiserver would (crds'
// validateSpec, CEL rules included), each keyed by a hash of what its backtest depends on.
import { createHash } from 'node:crypto';
import { applyDefaults, formatIssue, type ResolvedSpec, validateSpec } from '@kubetrade/crds';
import { Prng } from '../market/prng.ts';
import { SweepError } from './errors.ts';
import type { GridParameter } from './grid.ts';

/** One point of the grid: a value per parameter path, in the grid's parameter order. */
export type Params = Record<string, number>;

export interface Candidate {
  /** Position in the expanded (or sampled) list: results are ordered by it. */
  index: number;
  params: Params;
  spec: ResolvedSpec;
}

/** The full grid, last parameter varying fastest (like nested loops written in file order). */
export function expandGrid(parameters: readonly GridParameter[]): Params[] {
  let out: Params[] = [{}];
  for (const p of parameters) out = out.flatMap((base) => p.values.map((v) => ({ ...base, [p.path]: v })));
  return out;
}

export function gridSize(parameters: readonly GridParameter[]): number {
  return parameters.reduce((n, p) => n * p.values.length, 1);
}

/**
 * K distinct grid points drawn without replacement by a seeded partial Fisher–Yates shuffle over
 * grid indices, then put back in grid order: the same (grid, K, seed) gives the same candidates.
 */
export function sampleGrid(parameters: readonly GridParameter[], k: number, seed: number): Params[] {
  const all = expandGrid(parameters);
  if (k >= all.length) return all;
  const prng = new Prng(seed, 'sweep-sample');
  const idx = all.map((_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(prng.next() * (idx.length - i));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx
    .slice(0, k)
    .sort((a, b) => a - b)
    .map((i) => all[i]!);
}

/** A deep copy of `spec` with each dotted path set (paths were checked against the schema). */
export function withParams<T>(spec: T, params: Params): T {
  const out = structuredClone(spec) as Record<string, unknown>;
  for (const [path, value] of Object.entries(params)) {
    const keys = path.split('.');
    let node = out;
    for (const key of keys.slice(0, -1)) {
      const next = node[key];
      node[key] = next !== null && typeof next === 'object' ? next : {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys[keys.length - 1]!] = value;
  }
  return out as T;
}

/** Applies each point to the spec, validated like `kubectl apply` would; an invalid point fails the sweep naming it. */
export function buildCandidates(spec: ResolvedSpec, points: readonly Params[]): Candidate[] {
  return points.map((params, index) => {
    const candidate = withParams(spec, params);
    const issues = validateSpec(candidate);
    if (issues.length > 0)
      throw new SweepError(
        'CANDIDATE',
        `candidate #${index} ${JSON.stringify(params)} is not a valid TradingBot spec (drop the value from the grid):\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`,
      );
    return { index, params, spec: applyDefaults(candidate as never) };
  });
}

/** Candidate i belongs to shard i mod shards (the Indexed Job's JOB_COMPLETION_INDEX). */
export function inShard(index: number, shard: number, shards: number): boolean {
  return index % shards === shard;
}

/** JSON with object keys sorted at every level, so a hash does not depend on key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The resume key: sha256 of the candidate's resolved spec, the data identity and range, and the window plan. */
export function candidateKey(spec: ResolvedSpec, context: unknown): string {
  return createHash('sha256').update(canonicalJson({ spec, context })).digest('hex').slice(0, 32);
}
