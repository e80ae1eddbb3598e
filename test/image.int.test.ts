// The Dockerfile without a Docker engine: hack/image-smoke.ts replays each target's steps in a
// temporary folder (production dependencies only, the COPY lines as written) and the entry point
// must start from that pruned tree. Slow (an `npm ci` per target), so it runs with the
// integration tests.
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildTarget, entryPoint, parseDockerfile } from '../hack/image-smoke.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');

describe('Dockerfile targets', () => {
  it('has the operator, runtime and trainer targets, all non-root', () => {
    const { stages } = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
    for (const target of ['operator', 'runtime', 'trainer']) {
      const stage = stages.find((s) => s.name === target);
      expect(stage, target).toBeDefined();
      const users = stage!.steps.filter((s) => s.op === 'USER').map((s) => s.args);
      expect(users.at(-1), `${target} ends as a non-root user`).toBe('65532:65532');
    }
    expect(stages[0]!.from).toMatch(/\$\{NODE_IMAGE\}/);
    expect(readFileSync(join(root, 'Dockerfile'), 'utf8')).toMatch(/ARG NODE_IMAGE=node:24\./);
  });

  it.each([
    ['operator', ['--help'], /Usage: kubetrade-operator/],
    ['runtime', ['--help'], /Usage: kubetrade <command>/],
  ])('%s starts from its pruned tree', { timeout: 400_000 }, async (target, args, expected) => {
    const fs = buildTarget(target);
    try {
      const { argv, workdir } = entryPoint(target);
      const { stdout } = await run(argv[0]!, [...argv.slice(1), ...args], {
        cwd: join(fs, workdir),
        timeout: 60_000,
        env: { PATH: process.env.PATH ?? '' },
      });
      expect(stdout).toMatch(expected);
      // Dev tools never reach an image.
      await expect(run('ls', [join(fs, workdir, 'node_modules/vitest')])).rejects.toThrow();
      await expect(run('ls', [join(fs, workdir, 'node_modules/typescript')])).rejects.toThrow();
    } finally {
      rmSync(dirname(fs), { recursive: true, force: true });
    }
  });
});
