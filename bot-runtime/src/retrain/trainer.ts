// Runs the Python trainer (models/retrain.py) as a child process: its progress goes to our stderr,
// a non-zero exit is a TRAINER_FAILED error with the last lines of its output.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RetrainError } from './errors.ts';

/** The model families models/retrain.py trains. */
export const TRAINED_KINDS = ['lgbm', 'lstm'] as const;
export type ModelKindTrained = (typeof TRAINED_KINDS)[number];

export const TRAINER_SCRIPT = fileURLToPath(new URL('../../../models/retrain.py', import.meta.url));

/** KUBETRADE_PYTHON, else the venv hack/python-env.sh makes, else python3 on PATH (the trainer image). */
export function trainerPython(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KUBETRADE_PYTHON) return env.KUBETRADE_PYTHON;
  const venv = join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kubetrade', 'venv', 'bin', 'python');
  return existsSync(venv) ? venv : 'python3';
}

export interface TrainerRun {
  features: string;
  out: string;
  version: string;
  trainedAt: string;
  /** LABEL_HORIZON of export-features.ts: the purge gap of every split. */
  horizon: number;
  holdoutDays: number;
  currentLgbm?: string;
  currentLstm?: string;
  degrade?: boolean;
  /** Which models to train (default both). */
  kinds?: readonly ModelKindTrained[];
  python?: string;
  log: (line: string) => void;
}

/** How much of the trainer's output a failure message quotes. */
const TAIL_LINES = 8;

export async function runTrainer(r: TrainerRun): Promise<void> {
  const args = [
    TRAINER_SCRIPT,
    '--features',
    r.features,
    '--out',
    r.out,
    '--version',
    r.version,
    '--trained-at',
    r.trainedAt,
    '--horizon',
    String(r.horizon),
    '--holdout-days',
    String(r.holdoutDays),
    ...(r.currentLgbm ? ['--current-lgbm', r.currentLgbm] : []),
    ...(r.currentLstm ? ['--current-lstm', r.currentLstm] : []),
    ...(r.degrade ? ['--degrade'] : []),
    ...(r.kinds ? ['--models', r.kinds.join(',')] : []),
  ];
  const python = r.python ?? trainerPython();
  const tail: string[] = [];
  const code = await new Promise<number>((resolve, reject) => {
    // One thread per library: the trainer is deterministic and shares the node with the bots.
    const env = {
      ...process.env,
      OMP_NUM_THREADS: '1',
      XLA_FLAGS: '--xla_cpu_multi_thread_eigen=false',
      PYTHONUNBUFFERED: '1',
    };
    const child = spawn(python, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    const onData = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        r.log(line);
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) =>
      reject(
        new RetrainError(
          'TRAINER_FAILED',
          `cannot start ${python} (${e.message}): set KUBETRADE_PYTHON or run hack/python-env.sh`,
        ),
      ),
    );
    child.on('close', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
  });
  if (code !== 0) {
    throw new RetrainError(
      'TRAINER_FAILED',
      `${python} models/retrain.py exited with ${code}:\n${tail.join('\n')}`,
    );
  }
}
