// `kubetrade sweep`: the grid's candidates, each backtested once over the sweep range on worker
// threads, scored walk-forward, reported with their luck adjustment, and the winner written as a
// TradingBot. The same code runs one shard of an Indexed Job (--shard / $JOB_COMPLETION_INDEX),
// creates that Job (--cluster) and gathers its results (--gather).
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { helpText, parseFlags, parseIntFlag } from '../cli/args.ts';
import type { CommandIo } from '../cli/backtest-command.ts';
import { CliError } from '../cli/errors.ts';
import { analyseSweep } from './analysis.ts';
import { inShard } from './candidates.ts';
import { SweepError } from './errors.ts';
import type { CandidateRecord } from './evaluate.ts';
import { SWEEP_FLAGS, SWEEP_SUMMARY } from './flags.ts';
import { sweepHtmlReport } from './html-report.ts';
import { planSweep, readInputs, type SweepFlags, type SweepPlan } from './plan.ts';
import { runPool } from './pool.ts';
import { sweepProgress } from './progress.ts';
import { ResultsFile } from './results-file.ts';
import { sweepTextReport } from './text-report.ts';
import { winnerFiles } from './winner.ts';

export { SWEEP_SUMMARY };
export const DEFAULT_OUT_DIR = 'sweep-out';

/** Where finished records live while a sweep runs: a local JSONL file or a shard's ConfigMap. */
export interface ResultStore {
  load(): Promise<Map<string, CandidateRecord>>;
  append(record: CandidateRecord): Promise<void>;
  /** All of this run's records, final and in candidate order. */
  finish(records: readonly CandidateRecord[]): Promise<void>;
}

export async function sweepCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const flags = parseFlags('sweep', SWEEP_FLAGS, argv) as SweepFlags;
  if (flags.help) {
    io.stdout.write(helpText('sweep', SWEEP_SUMMARY, SWEEP_FLAGS));
    return 0;
  }
  try {
    return await dispatch(flags, io);
  } catch (e) {
    if (e instanceof SweepError)
      throw new CliError(e.code === 'CLUSTER' ? 'IO' : 'CONFIG', `kubetrade sweep: ${e.message}`);
    throw e;
  }
}

async function dispatch(flags: SweepFlags, io: CommandIo): Promise<number> {
  const cluster = await import('./cluster.ts');
  if (flags.cluster) return cluster.createSweepJob(flags, await readInputs(flags), io);
  const plan = await planSweep(flags, await readInputs(flags));
  if (plan.note) io.stderr.write(`note: ${plan.note}\n`);
  if (flags.gather) {
    const out = flags.out ?? DEFAULT_OUT_DIR;
    const records = await cluster.gatherResults(flags, plan);
    await mkdir(out, { recursive: true });
    await fileStore(join(out, 'results.jsonl')).finish(records);
    return writeReport(plan, records, out, io);
  }
  const shardText =
    flags.shard ?? (flags['results-configmap'] ? process.env.JOB_COMPLETION_INDEX : undefined);
  if (shardText !== undefined) {
    const shards = parseIntFlag('sweep', 'shards', flags.shards, 1) ?? 1;
    const shard = parseIntFlag('sweep', 'shard', shardText, 0)!;
    if (shard >= shards)
      throw new CliError(
        'BAD_FLAG_VALUE',
        `kubetrade sweep: --shard ${shard} must be below --shards ${shards}`,
      );
    const store = flags['results-configmap']
      ? cluster.configMapStore(flags, `${flags['results-configmap']}-${shard}`)
      : fileStore(join(flags.out ?? DEFAULT_OUT_DIR, `results-${shard}.jsonl`));
    await runCandidates(plan, (i) => inShard(i, shard, shards), store, flags, io);
    return 0;
  }
  const out = flags.out ?? DEFAULT_OUT_DIR;
  await mkdir(out, { recursive: true });
  const records = await runCandidates(plan, () => true, fileStore(join(out, 'results.jsonl')), flags, io);
  return writeReport(plan, records, out, io);
}

export function fileStore(path: string): ResultStore {
  const file = new ResultsFile(path);
  return {
    load: async () => file.load(),
    append: async (r) => file.append(r),
    finish: async (records) => file.writeSorted(records),
  };
}

/** Runs the owned candidates not yet in the store; returns every owned record in candidate order. */
export async function runCandidates(
  plan: SweepPlan,
  owns: (index: number) => boolean,
  store: ResultStore,
  flags: SweepFlags,
  io: CommandIo,
): Promise<CandidateRecord[]> {
  const workers = parseIntFlag('sweep', 'workers', flags.workers, 1) ?? availableParallelism();
  const done = await store.load();
  const owned = plan.candidates.filter((c) => owns(c.index));
  const records = new Map<number, CandidateRecord>();
  for (const c of owned) {
    const r = done.get(plan.keys[c.index]!);
    if (r) records.set(c.index, r);
  }
  const todo = owned.filter((c) => !records.has(c.index));
  io.stderr.write(
    `sweep: ${owned.length} candidates, ${records.size} already done, ${todo.length} to run on ${Math.min(workers, Math.max(1, todo.length))} workers\n`,
  );
  const tick = sweepProgress(io.stderr, todo.length);
  let finished = 0;
  let writes = Promise.resolve();
  await runPool({
    workers,
    setup: plan.setup,
    jobs: todo.map((candidate) => ({ candidate, key: plan.keys[candidate.index]! })),
    onResult: (record) => {
      records.set(record.index, record);
      // Appends are serialised: a ConfigMap store does one apiserver write at a time.
      writes = writes.then(() => store.append(record));
      tick(++finished);
    },
  });
  await writes;
  const all = owned.map((c) => records.get(c.index)!);
  await store.finish(all);
  io.stderr.write(`sweep: evaluated ${finished} candidates\n`);
  return all;
}

async function writeReport(
  plan: SweepPlan,
  records: CandidateRecord[],
  out: string,
  io: CommandIo,
): Promise<number> {
  const analysis = analyseSweep(records, plan.grid);
  const text = sweepTextReport(analysis, plan.grid, plan.header);
  const w = analysis.winner;
  const winner = winnerFiles(
    plan.botYaml,
    plan.file,
    w.record.params,
    `kubetrade sweep winner #${w.record.index} of ${records.length}: mean out-of-sample Sharpe ${w.meanOosSharpe.toFixed(2)}, deflated Sharpe ratio ${analysis.deflated.dsr.toFixed(3)}, PBO ${analysis.pbo.pbo.toFixed(3)} (see report.txt)`,
  );
  await mkdir(out, { recursive: true });
  await Promise.all([
    writeFile(join(out, 'report.txt'), `${text}\n`),
    writeFile(join(out, 'report.html'), sweepHtmlReport(analysis, plan.grid, plan.header)),
    writeFile(join(out, 'winner.yaml'), winner.tradingBot),
    writeFile(join(out, 'winner-patch.yaml'), winner.patch),
  ]);
  io.stdout.write(
    `${text}\n\nwinner: ${join(out, 'winner.yaml')} (TradingBot ${winner.name}); patch for ${plan.bot.metadata.name}: ${join(out, 'winner-patch.yaml')}\n`,
  );
  return 0;
}
