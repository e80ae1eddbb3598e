// `kubetrade run` as a real process: paper-trades the synthetic market on a sped-up wall clock,
// logs JSON lines, serves /metrics and /healthz on 127.0.0.1, and exits 0 on SIGTERM.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

describe('kubetrade run', () => {
  it('paper-trades, serves /metrics and /healthz, and stops gracefully on SIGTERM', {
    timeout: 90_000,
  }, async () => {
    const child = spawn(
      process.execPath,
      [
        `${REPO}bot-runtime/bin/kubetrade.js`,
        'run',
        '-f',
        `${REPO}examples/tradingbot.yaml`,
        '--speed',
        '120',
        '--listen',
        '127.0.0.1:0',
      ],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const lines: Record<string, unknown>[] = [];
    let stderr = '';
    let buffered = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const waitFor = (pred: (l: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          const hit = lines.find(pred);
          if (hit) resolve(hit);
          return hit !== undefined;
        };
        if (check()) return;
        const timer = setTimeout(() => reject(new Error(`timed out; stderr: ${stderr}`)), 60_000);
        child.stdout.on('data', () => {
          if (check()) clearTimeout(timer);
        });
      });
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const p of parts) if (p.trim() !== '') lines.push(JSON.parse(p) as Record<string, unknown>);
    });
    try {
      const started = await waitFor((l) => l.msg === 'started');
      await waitFor((l) => l.msg === 'cycle' && (l.cycle as number) >= 3);
      const metrics = await (await fetch(started.metrics as string)).text();
      expect(metrics).toMatch(/^kubetrade_arm_equity\{arm="enhanced",bot="krw-majors"\} \d/m);
      expect(metrics).toMatch(/^kubetrade_cycle_compute_seconds_count\{bot="krw-majors"\} [1-9]/m);
      const health = await fetch(started.healthz as string);
      expect(health.status).toBe(200);
      expect(((await health.json()) as { ok: boolean }).ok).toBe(true);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(lines.some((l) => l.msg === 'stopping' && l.signal === 'SIGTERM')).toBe(true);
      expect(lines[lines.length - 1]?.msg).toBe('stopped');
      for (const l of lines) expect(typeof l.time).toBe('string');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
