// The grid file of `kubetrade sweep --grid sweep.yaml`: numeric spec fields by dotted path, each
// with a list of values or a {from, to, step} range, plus the walk-forward plan and what to rank by.
//
//   engine.technical.rsi.oversold: [25, 30]
//   engine.technical.volumeSurge: { from: 1.5, to: 2.0, step: 0.5 }
//   walkForward: { trainDays: 14, testDays: 7 }
//
// Parsed and checked once at the edge (STYLE.md rule 5): every path must name a number or integer
// field of the TradingBot schema, so a typo fails here and not after an hour of backtests.
import { TradingBotSpecSchema } from '@kubetrade/crds';
import { parse } from 'yaml';
import { SweepError } from './errors.ts';

export interface GridParameter {
  /** Dotted path under spec, e.g. engine.technical.rsi.oversold. */
  path: string;
  values: number[];
}

export interface WalkForwardPlan {
  /** KST days in each in-sample (train) window. */
  trainDays: number;
  /** KST days in each out-of-sample (test) window, right after its train window. */
  testDays: number;
  /** Days between window starts (default testDays: the test windows tile the period). */
  stepDays: number;
}

export interface GridSpec {
  parameters: GridParameter[];
  walkForward: WalkForwardPlan;
  /** Arm whose equity is scored (default: the whole bot, every arm together). */
  arm?: string;
  /** Seeded random sample of this many candidates instead of the full grid. */
  sample?: number;
  seed: number;
  /** CSCV partitions for PBO (even; Bailey et al. 2015 use 16; 8 suits a few months of days). */
  cscvPartitions: number;
}

/** Defaults: two weeks in, one week out (SPEC success criteria are weekly); 8 CSCV groups = 70 splits. */
export const DEFAULT_WALK_FORWARD: WalkForwardPlan = { trainDays: 14, testDays: 7, stepDays: 7 };
export const DEFAULT_CSCV_PARTITIONS = 8;
/** Range expansion is capped so `{from: 0, to: 100, step: 0.0001}` fails fast instead of eating memory. */
const MAX_VALUES_PER_PARAMETER = 1000;

const RESERVED = new Set(['walkForward', 'arm', 'sample', 'seed', 'cscvPartitions']);

export function parseGrid(text: string, file: string): GridSpec {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new SweepError('GRID', `${file}: not YAML: ${(e as Error).message}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw new SweepError('GRID', `${file}: expected a map of spec paths to value lists`);
  const record = doc as Record<string, unknown>;
  const parameters: GridParameter[] = [];
  for (const [key, raw] of Object.entries(record)) {
    if (RESERVED.has(key)) continue;
    checkNumericPath(key, file);
    parameters.push({ path: key, values: valuesOf(raw, `${file}: ${key}`) });
  }
  if (parameters.length === 0)
    throw new SweepError('GRID', `${file}: no parameters (e.g. engine.technical.rsi.oversold: [25, 30])`);
  const wf = (record.walkForward ?? {}) as Record<string, unknown>;
  const trainDays = positiveInt(
    wf.trainDays,
    DEFAULT_WALK_FORWARD.trainDays,
    `${file}: walkForward.trainDays`,
  );
  const testDays = positiveInt(wf.testDays, DEFAULT_WALK_FORWARD.testDays, `${file}: walkForward.testDays`);
  const stepDays = positiveInt(wf.stepDays, testDays, `${file}: walkForward.stepDays`);
  const cscvPartitions = positiveInt(
    record.cscvPartitions,
    DEFAULT_CSCV_PARTITIONS,
    `${file}: cscvPartitions`,
  );
  if (cscvPartitions % 2 !== 0 || cscvPartitions < 2)
    throw new SweepError('GRID', `${file}: cscvPartitions ${cscvPartitions} must be even and >= 2`);
  const grid: GridSpec = {
    parameters,
    walkForward: { trainDays, testDays, stepDays },
    seed: positiveInt(record.seed, 1, `${file}: seed`, 0),
    cscvPartitions,
  };
  if (record.sample !== undefined) grid.sample = positiveInt(record.sample, 0, `${file}: sample`);
  if (record.arm !== undefined) {
    if (typeof record.arm !== 'string') throw new SweepError('GRID', `${file}: arm must be an arm name`);
    grid.arm = record.arm;
  }
  return grid;
}

function valuesOf(raw: unknown, where: string): number[] {
  let values: unknown[];
  if (Array.isArray(raw)) values = raw;
  else if (typeof raw === 'number') values = [raw];
  else if (raw !== null && typeof raw === 'object') {
    const { from, to, step } = raw as Record<string, unknown>;
    if (
      typeof from !== 'number' ||
      typeof to !== 'number' ||
      typeof step !== 'number' ||
      !(step > 0) ||
      to < from
    )
      throw new SweepError('GRID', `${where}: a range needs numbers from <= to and step > 0`);
    const count = Math.floor((to - from) / step + 1e-9) + 1;
    if (count > MAX_VALUES_PER_PARAMETER)
      throw new SweepError(
        'GRID',
        `${where}: the range has ${count} values (max ${MAX_VALUES_PER_PARAMETER})`,
      );
    // Rounded to 12 significant digits so 0.1 + 0.2 style drift never reaches a spec.
    values = Array.from({ length: count }, (_, i) => Number((from + i * step).toPrecision(12)));
  } else throw new SweepError('GRID', `${where}: expected a list of numbers or {from, to, step}`);
  if (values.length === 0) throw new SweepError('GRID', `${where}: empty list of values`);
  const out: number[] = [];
  for (const v of values) {
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new SweepError('GRID', `${where}: ${JSON.stringify(v)} is not a number`);
    if (out.includes(v)) throw new SweepError('GRID', `${where}: ${v} is listed twice`);
    out.push(v);
  }
  return out;
}

function positiveInt(raw: unknown, fallback: number, where: string, min = 1): number {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < min)
    throw new SweepError('GRID', `${where}: ${JSON.stringify(raw)} must be an integer >= ${min}`);
  return raw;
}

/** Throws unless `path` names a number/integer field of the TradingBot spec (not inside a list). */
export function checkNumericPath(path: string, file: string): void {
  let node = TradingBotSpecSchema as unknown as { type?: string; properties?: Record<string, unknown> };
  for (const segment of path.split('.')) {
    const next = node.properties?.[segment] as typeof node | undefined;
    if (!next)
      throw new SweepError(
        'GRID',
        `${file}: ${path}: spec has no field ${JSON.stringify(segment)} here (see docs/reference/tradingbot.md)`,
      );
    node = next;
  }
  if (node.type !== 'number' && node.type !== 'integer')
    throw new SweepError('GRID', `${file}: ${path}: is a ${node.type ?? 'section'}, not a number field`);
}
