// What a sweep worker thread does (entry: worker.ts): gets the candles once, loads the models once,
// then runs one candidate's backtest per message (the backtest engine is CPU-bound and
// single-threaded, so one worker per core).
import { parentPort, workerData } from 'node:worker_threads';
import type { ResolvedSpec } from '@kubetrade/crds';
import type { MarketData } from '../market/source.ts';
import type { Params } from './candidates.ts';
import { evaluateCandidate } from './evaluate.ts';
import { loadSweepModels } from './sweep-data.ts';

export interface WorkerSetup {
  baseSpec: ResolvedSpec;
  /** The candles, loaded once by the main thread and copied to each worker (structured clone of typed arrays). */
  data: MarketData;
  markets: string[];
  from: number;
  to: number;
  arm?: string | undefined;
}

export type WorkerRequest = { type: 'run'; index: number; key: string; params: Params; spec: ResolvedSpec };
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'result'; record: import('./evaluate.ts').CandidateRecord }
  | { type: 'error'; index: number; message: string };

export async function serve(setup: WorkerSetup = workerData as WorkerSetup): Promise<void> {
  const port = parentPort!;
  const models = await loadSweepModels(setup.baseSpec);
  port.on('message', async (req: WorkerRequest) => {
    try {
      const record = await evaluateCandidate({
        ...req,
        data: setup.data,
        markets: setup.markets,
        from: setup.from,
        to: setup.to,
        models,
        arm: setup.arm,
      });
      port.postMessage({ type: 'result', record } satisfies WorkerReply);
    } catch (e) {
      port.postMessage({
        type: 'error',
        index: req.index,
        message: (e as Error).message,
      } satisfies WorkerReply);
    }
  });
  port.postMessage({ type: 'ready' } satisfies WorkerReply);
}
