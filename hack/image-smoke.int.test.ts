// The trainer target without a Docker engine: hack/image-smoke.ts replays its steps (the ~1 GB pip
// install runs once per requirements hash into a cached venv and is verified pin by pin), then the
// tree must carry what `kubetrade retrain` needs — its entry point, the Python modules of models/
// and a venv that imports them — and the venv's interpreter is the one the image points
// KUBETRADE_PYTHON at. The first run on a machine installs the venv (measured: ~4 min); later
// runs reuse it.
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { buildTarget, entryPoint, PIP_VENV_STEP, parseDockerfile } from './image-smoke.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');

it('the trainer tree runs `kubetrade retrain` and imports the trainer with its pinned venv', {
  timeout: 900_000,
}, async () => {
  const { stages } = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
  const trainer = stages.find((s) => s.name === 'trainer')!;
  expect(trainer.steps.some((s) => s.op === 'RUN' && PIP_VENV_STEP.test(s.args))).toBe(true);
  const env = trainer.steps
    .filter((s) => s.op === 'ENV')
    .map((s) => s.args)
    .join(' ');
  expect(env).toMatch(/KUBETRADE_PYTHON=\/app\/\.venv\/bin\/python/);

  const fs = buildTarget('trainer');
  try {
    const { argv, workdir } = entryPoint('trainer');
    const app = join(fs, workdir);
    const help = await run(argv[0]!, [...argv.slice(1), 'retrain', '--help'], { cwd: app, timeout: 60_000 });
    expect(help.stdout).toMatch(/Usage: kubetrade retrain/);
    const probe = await run(
      join(app, '.venv/bin/python'),
      [
        '-c',
        "import sys; sys.path.insert(0, 'models'); import retrain, lstm_model, jax, optax, lightgbm, onnxruntime; print(jax.__version__, onnxruntime.__version__)",
      ],
      { cwd: app, timeout: 120_000 },
    );
    expect(probe.stdout).toMatch(/^0\.10\.2 1\.30\.0$/m);
  } finally {
    rmSync(dirname(fs), { recursive: true, force: true });
  }
});
