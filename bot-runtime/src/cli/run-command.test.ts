// `kubetrade run` as a real process: paper-trades the synthetic market on a sped-up wall clock,
// logs JSON lines, serves /metrics, /healthz and /readyz on 127.0.0.1, exits 0 on SIGTERM; and the
// in-cluster form the operator's Deployment uses (`run --config runtime-config.json`).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyDefaults } from '@kubetrade/crds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
type Line = Record<string, unknown>;

function startRun(args: string[]): {
  child: ChildProcess;
  lines: Line[];
  waitFor: (pred: (l: Line) => boolean) => Promise<Line>;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, [`${REPO}bot-runtime/bin/kubetrade.js`, 'run', ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Line[] = [];
  let stderr = '';
  let buffered = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const p of parts) if (p.trim() !== '') lines.push(JSON.parse(p) as Line);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = (pred: (l: Line) => boolean): Promise<Line> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = lines.find(pred);
        if (hit) resolve(hit);
        return hit !== undefined;
      };
      if (check()) return;
      const timer = setTimeout(() => reject(new Error(`timed out; stderr: ${stderr}`)), 60_000);
      child.stdout!.on('data', () => {
        if (check()) clearTimeout(timer);
      });
    });
  return { child, lines, waitFor, exited };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubetrade-run-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('kubetrade run', () => {
  it('paper-trades, serves /metrics, /healthz and /readyz, and stops gracefully on SIGTERM', {
    timeout: 90_000,
  }, async () => {
    const run = startRun([
      '-f',
      `${REPO}examples/tradingbot.yaml`,
      '--speed',
      '120',
      '--listen',
      '127.0.0.1:0',
    ]);
    try {
      const started = await run.waitFor((l) => l.msg === 'started');
      await run.waitFor((l) => l.msg === 'cycle' && (l.cycle as number) >= 3);
      const metrics = await (await fetch(started.metrics as string)).text();
      expect(metrics).toMatch(/^kubetrade_arm_equity\{arm="enhanced",bot="krw-majors"\} \d/m);
      expect(metrics).toMatch(/^kubetrade_cycle_compute_seconds_count\{bot="krw-majors"\} [1-9]/m);
      const health = await fetch(started.healthz as string);
      expect(health.status).toBe(200);
      expect(((await health.json()) as { ok: boolean }).ok).toBe(true);
      expect((await fetch((started.healthz as string).replace('/healthz', '/readyz'))).status).toBe(200);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      expect(run.lines.some((l) => l.msg === 'stopping' && l.signal === 'SIGTERM')).toBe(true);
      expect(run.lines[run.lines.length - 1]?.msg).toBe('stopped');
      for (const l of run.lines) expect(typeof l.time).toBe('string');
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
    }
  });

  it('runs from the RuntimeConfig the operator renders (--config), with its bot name and revision', {
    timeout: 90_000,
  }, async () => {
    const file = join(dir, 'runtime-config.json');
    const spec = applyDefaults({
      capital: { totalKRW: 2_000_000, split: [{ name: 'tech', weight: 100, layers: ['technical'] }] },
    } as never);
    const config = {
      apiVersion: 'kubetrade.io/v1alpha1',
      kind: 'RuntimeConfig',
      bot: { namespace: 'ns', name: 'from-config' },
      revision: 'rev-7',
      spec,
    };
    await writeFile(file, JSON.stringify(config));
    const run = startRun(['--config', file, '--speed', '120', '--listen', '127.0.0.1:0', '--cycles', '2']);
    try {
      const started = await run.waitFor((l) => l.msg === 'started');
      expect(started.bot).toBe('from-config');
      expect(started.revision).toBe('rev-7');
      expect(started.arms).toEqual(['tech']);
      expect(await run.exited).toBe(0);
      expect(run.lines[run.lines.length - 1]?.msg).toBe('stopped');
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
    }
  });

  it('names the file and field of an invalid RuntimeConfig', { timeout: 30_000 }, async () => {
    const file = join(dir, 'bad-config.json');
    await writeFile(
      file,
      JSON.stringify({
        apiVersion: 'kubetrade.io/v1alpha1',
        kind: 'RuntimeConfig',
        bot: { namespace: 'ns', name: 'x' },
        spec: {},
      }),
    );
    const child = spawn(process.execPath, [`${REPO}bot-runtime/bin/kubetrade.js`, 'run', '--config', file], {
      cwd: REPO,
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('bad-config.json');
    expect(stderr).toContain('revision');
  });
});
