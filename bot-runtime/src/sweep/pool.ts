// Runs candidates on N worker threads: each worker loads the data once, then takes the next
// candidate as soon as it is free (candidates differ in cost: more trades, more work), and every
// result is handed to `onResult` as it arrives — in completion order; callers sort by index.
import { Worker } from 'node:worker_threads';
import type { Candidate } from './candidates.ts';
import { SweepError } from './errors.ts';
import type { CandidateRecord } from './evaluate.ts';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './worker-serve.ts';

export interface PoolJob {
  candidate: Candidate;
  key: string;
}

export async function runPool(args: {
  workers: number;
  setup: WorkerSetup;
  jobs: readonly PoolJob[];
  onResult: (record: CandidateRecord) => void;
}): Promise<void> {
  const queue = [...args.jobs];
  const count = Math.max(1, Math.min(args.workers, queue.length));
  if (queue.length === 0) return;
  const threads: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let running = count;
      const fail = (message: string): void => reject(new SweepError('WORKER', message));
      for (let w = 0; w < count; w++) {
        const worker = new Worker(new URL('./worker.ts', import.meta.url), { workerData: args.setup });
        threads.push(worker);
        const next = (): void => {
          const job = queue.shift();
          if (!job) {
            running--;
            if (running === 0) resolve();
            return;
          }
          const { candidate } = job;
          worker.postMessage({
            type: 'run',
            index: candidate.index,
            key: job.key,
            params: candidate.params,
            spec: candidate.spec,
          } satisfies WorkerRequest);
        };
        worker.on('message', (reply: WorkerReply) => {
          if (reply.type === 'error')
            return fail(
              reply.index < 0
                ? `worker start: ${reply.message}`
                : `candidate #${reply.index}: ${reply.message}`,
            );
          if (reply.type === 'result') {
            try {
              args.onResult(reply.record);
            } catch (e) {
              return reject(e);
            }
          }
          next();
        });
        worker.on('error', (e) => fail(`worker crashed: ${e.message}`));
        worker.on('exit', (code) => {
          if (code !== 0) fail(`worker exited with code ${code}`);
        });
      }
    });
  } finally {
    await Promise.all(threads.map((t) => t.terminate()));
  }
}
