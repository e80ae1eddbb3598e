// Everything a sweep run is decided by, computed once from the flags and files: the candidates,
// the range, the data fingerprint and each candidate's resume key. Local runs, Job shards and
// --gather all build the same plan, so they agree on keys, order and report.
import { readFile } from 'node:fs/promises';
import type { ResolvedSpec, TradingBot } from '@kubetrade/crds';
import { parseDateFlag, parseIntFlag } from '../cli/args.ts';
import { CliError } from '../cli/errors.ts';
import { loadSpecFile } from '../cli/load-spec.ts';
import { warmupMs } from '../loop/warmup.ts';
import {
  buildCandidates,
  type Candidate,
  candidateKey,
  expandGrid,
  gridSize,
  sampleGrid,
} from './candidates.ts';
import type { SWEEP_FLAGS } from './flags.ts';
import { type GridSpec, parseGrid } from './grid.ts';
import { compactData, type DataChoice, dataFingerprint, dataSpan, loadSweepData } from './sweep-data.ts';
import { daysIn, walkForwardWindows } from './windows.ts';
import type { WorkerSetup } from './worker-serve.ts';

export type SweepFlags = {
  [K in keyof typeof SWEEP_FLAGS]?: (typeof SWEEP_FLAGS)[K]['type'] extends 'boolean' ? boolean : string;
};

export interface SweepInputs {
  file: string;
  gridFile: string;
  botYaml: string;
  gridYaml: string;
  bot: TradingBot;
  spec: ResolvedSpec;
  grid: GridSpec;
  candidates: Candidate[];
  /** Grid points before sampling. */
  gridPoints: number;
  choice: DataChoice;
}

/** The files and candidates (no candles): enough to create the Indexed Job. */
export async function readInputs(flags: SweepFlags): Promise<SweepInputs> {
  const { bot, spec } = await loadSpecFile('sweep', flags.file);
  if (flags.grid === undefined)
    throw new CliError('USAGE', 'kubetrade sweep: --grid <sweep.yaml> is required');
  const gridFile = flags.grid;
  const [botYaml, gridYaml] = await Promise.all([read(flags.file!), read(gridFile)]);
  const grid = parseGrid(gridYaml, gridFile);
  const sample = parseIntFlag('sweep', 'sample', flags.sample, 1) ?? grid.sample;
  const seed = parseIntFlag('sweep', 'seed', flags.seed, 0) ?? grid.seed;
  const points =
    sample !== undefined ? sampleGrid(grid.parameters, sample, seed) : expandGrid(grid.parameters);
  return {
    file: flags.file!,
    gridFile,
    botYaml,
    gridYaml,
    bot,
    spec,
    grid: { ...grid, seed, ...(sample !== undefined ? { sample } : {}) },
    candidates: buildCandidates(spec, points),
    gridPoints: gridSize(grid.parameters),
    choice: {
      specFile: flags.file!,
      data: flags.data,
      synthetic: parseIntFlag('sweep', 'synthetic', flags.synthetic, 0),
    },
  };
}

async function read(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new CliError('IO', `kubetrade sweep: cannot read ${path}: ${(e as Error).message}`);
  }
}

export interface SweepPlan extends SweepInputs {
  from: number;
  to: number;
  markets: string[];
  keys: string[];
  setup: WorkerSetup;
  header: string;
  note?: string | undefined;
}

/** Loads the candles once to fix the range (shared by every candidate) and key the candidates. */
export async function planSweep(flags: SweepFlags, inputs: SweepInputs): Promise<SweepPlan> {
  const fromFlag = parseDateFlag('sweep', 'from', flags.from);
  const toFlag = parseDateFlag('sweep', 'to', flags.to);
  if (fromFlag !== undefined && toFlag !== undefined && !(fromFlag < toFlag))
    throw new CliError(
      'BAD_FLAG_VALUE',
      `kubetrade sweep: --from ${flags.from} must be before --to ${flags.to}`,
    );
  // Candidates may sweep indicator periods: every one gets the warm-up of the longest.
  const warmup = Math.max(...inputs.candidates.map((c) => warmupMs(c.spec)), warmupMs(inputs.spec));
  const loaded = await loadSweepData(inputs.spec, inputs.choice, {
    from: fromFlag === undefined ? undefined : fromFlag - warmup,
    to: toFlag,
  });
  const span = dataSpan(loaded.data, loaded.markets);
  const from = fromFlag ?? span.first + warmup;
  const to = toFlag ?? span.last;
  if (!(from < to) || !Number.isFinite(from))
    throw new CliError('DATA', `kubetrade sweep: ${loaded.description} has no candles after the warm-up`);
  walkForwardWindows(daysIn(from, to) + 1, inputs.grid.walkForward);
  const context = {
    data: dataFingerprint(loaded.data, loaded.markets, from - warmup, to),
    markets: loaded.markets,
    from,
    to,
    plan: inputs.grid.walkForward,
    arm: inputs.grid.arm ?? null,
  };
  const iso = (t: number): string => new Date(t).toISOString().slice(0, 16).replace('T', ' ');
  const n = inputs.candidates.length;
  const sampled =
    inputs.grid.sample !== undefined ? ` sampled (seed ${inputs.grid.seed}) from ${inputs.gridPoints}` : '';
  return {
    ...inputs,
    from,
    to,
    markets: loaded.markets,
    keys: inputs.candidates.map((c) => candidateKey(c.spec, context)),
    setup: {
      baseSpec: inputs.spec,
      data: compactData(loaded.data),
      markets: loaded.markets,
      from,
      to,
      arm: inputs.grid.arm,
    },
    header: `sweep ${inputs.bot.metadata.name}: ${n} candidates${sampled}, scored on ${inputs.grid.arm ? `arm ${inputs.grid.arm}` : 'the whole bot'}; ${loaded.markets.join(', ')}; ${iso(from)} .. ${iso(to)} UTC`,
    note: loaded.note,
  };
}
