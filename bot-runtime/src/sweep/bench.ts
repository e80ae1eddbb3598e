// `npm run bench` section "sweep": the seed grid on real candles with 1 worker thread, then with
// every core, timed from the first worker start to the last result (candles are loaded once before
// either run), alternating. DESIGN.md target: >= 1.8x on 2 workers. Reported, never asserted.
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CommandIo } from '../cli/backtest-command.ts';
import { type ResultStore, runCandidates } from './command.ts';
import { planSweep, readInputs, type SweepFlags } from './plan.ts';

export const SWEEP_SPEEDUP_TARGET = 1.8;
const ROOT = resolve(import.meta.dirname, '../../..');

export interface SweepBench {
  candidates: number;
  days: number;
  workers: number;
  oneWorkerMs: number;
  allWorkersMs: number;
  speedup: number;
  targetSpeedup: number;
  /** Process CPU time (all threads) of the best runs: equal when workers add no overhead. */
  oneWorkerCpuMs: number;
  allWorkersCpuMs: number;
  /** 1-minute load average after the runs: above the core count, other processes shared the cores and the ratio says little. */
  loadAverage: number;
  /**
   * The machine's own ceiling, measured in the same run: a pure arithmetic loop on N threads doing N
   * times the work of one. Virtual cores that share a physical core or its caches scale below N even
   * for that; the sweep (a memory-heavy backtest per thread) cannot beat it.
   */
  ceilingSpeedup: number;
}

/** Scaling of a cache-resident arithmetic loop on `threads` threads (`threads` times the work of one). */
async function computeCeiling(threads: number, runs: number): Promise<number> {
  const loop = `const { parentPort } = require('node:worker_threads');
    let x = 0; for (let i = 0; i < 2e8; i++) x += Math.sqrt(i);
    parentPort.postMessage(x);`;
  const time = async (n: number): Promise<number> => {
    const t = performance.now();
    await Promise.all(
      Array.from(
        { length: n },
        () =>
          new Promise<void>((done, fail) => {
            const w = new Worker(loop, { eval: true });
            w.once('message', () => done());
            w.once('error', fail);
          }),
      ),
    );
    return performance.now() - t;
  };
  let one = Number.POSITIVE_INFINITY;
  let all = Number.POSITIVE_INFINITY;
  for (let r = 0; r < runs; r++) {
    one = Math.min(one, await time(1));
    all = Math.min(all, await time(threads));
  }
  return (threads * one) / all;
}

/** Keeps nothing: every run evaluates every candidate. */
const nowhere: ResultStore = { load: async () => new Map(), append: async () => {}, finish: async () => {} };
const quiet: CommandIo = { stdout: { write: () => true } as never, stderr: { write: () => true } as never };

export async function sweepBench(
  o: { quick?: boolean; workers?: number; runs?: number } = {},
): Promise<SweepBench> {
  const days = o.quick ? 28 : 91;
  const from = Date.parse('2025-03-01T00:00:00Z');
  const flags: SweepFlags = {
    file: join(ROOT, 'examples/tradingbot.yaml'),
    grid: join(ROOT, 'examples/sweep/seed-grid.yaml'),
    data: join(ROOT, '../shared/data/binance'),
    from: new Date(from).toISOString(),
    to: new Date(from + days * 86_400_000).toISOString(),
  };
  const plan = await planSweep(flags, await readInputs(flags));
  const workers = o.workers ?? availableParallelism();
  const cpu = { 1: Number.POSITIVE_INFINITY, [workers]: Number.POSITIVE_INFINITY };
  const time = async (n: number): Promise<number> => {
    const t = performance.now();
    const c = process.cpuUsage();
    await runCandidates(plan, () => true, nowhere, { ...flags, workers: String(n) }, quiet);
    const used = process.cpuUsage(c);
    cpu[n] = Math.min(cpu[n]!, (used.user + used.system) / 1000);
    return performance.now() - t;
  };
  // Alternating runs, best of each: other processes on a shared machine only ever slow a run down.
  let oneWorkerMs = Number.POSITIVE_INFINITY;
  let allWorkersMs = Number.POSITIVE_INFINITY;
  for (let r = 0; r < (o.runs ?? 2); r++) {
    oneWorkerMs = Math.min(oneWorkerMs, await time(1));
    allWorkersMs = Math.min(allWorkersMs, await time(workers));
  }
  const ceilingSpeedup = await computeCeiling(workers, o.runs ?? 2);
  return {
    candidates: plan.candidates.length,
    days,
    workers,
    oneWorkerMs,
    allWorkersMs,
    speedup: oneWorkerMs / allWorkersMs,
    targetSpeedup: SWEEP_SPEEDUP_TARGET,
    oneWorkerCpuMs: cpu[1]!,
    allWorkersCpuMs: cpu[workers]!,
    loadAverage: loadavg()[0]!,
    ceilingSpeedup,
  };
}
