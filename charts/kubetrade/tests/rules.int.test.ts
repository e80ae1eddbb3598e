// The alerts through the real promtool (built and cached by hack/promtool.sh, pinned version):
// `promtool check rules` on the shipped rule file and `promtool test rules` on rules-test.yaml
// (a firing and a quiet case per alert). A deliberately broken copy of the rules must fail the
// same tests, so they cannot pass vacuously.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './metric-names.ts';

const run = promisify(execFile);
const chart = resolve(ROOT, 'charts/kubetrade');
const RULES = resolve(chart, 'files/prometheus-rules.yaml');
const TESTS = resolve(chart, 'tests/rules-test.yaml');
/**
 * Go builds promtool from the module proxy in about 5 minutes on an idle machine; measured 2,962 s
 * on the shared 2-core machine under a load of ~18. Cached afterwards, so only the first run waits.
 */
const BUILD_TIMEOUT_MS = 60 * 60_000;

let promtool = '';
let scratch = '';

async function promtoolRun(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(promtool, args, { timeout: 120_000, maxBuffer: 8 * 1024 * 1024 });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

beforeAll(async () => {
  const { stdout } = await run('bash', [resolve(ROOT, 'hack/promtool.sh'), 'build'], {
    timeout: BUILD_TIMEOUT_MS,
    maxBuffer: 8 * 1024 * 1024,
  });
  promtool = stdout.trim().split('\n').at(-1) ?? '';
  scratch = mkdtempSync(join(tmpdir(), 'kubetrade-rules-'));
}, BUILD_TIMEOUT_MS);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('Prometheus rules (promtool)', () => {
  it('promtool check rules accepts the shipped rule file', async () => {
    const { code, out } = await promtoolRun(['check', 'rules', RULES]);
    expect(out).toMatch(/SUCCESS: \d+ rules found/);
    expect(code).toBe(0);
  });

  it('promtool test rules passes every firing and quiet case', async () => {
    const { code, out } = await promtoolRun(['test', 'rules', TESTS]);
    expect(out).toContain('SUCCESS');
    expect(code).toBe(0);
  });

  it('the same tests fail when a threshold is wrong (the tests can fail)', async () => {
    // Daily-loss alert on any value >= 0, i.e. also when the arm trades normally.
    const broken = readFileSync(RULES, 'utf8').replace(
      'max by (namespace, bot, arm) (kubetrade_arm_daily_loss_halted) > 0',
      'max by (namespace, bot, arm) (kubetrade_arm_daily_loss_halted) >= 0',
    );
    expect(broken).not.toBe(readFileSync(RULES, 'utf8'));
    const dir = join(scratch, 'broken');
    const files = join(dir, 'files');
    const tests = join(dir, 'tests');
    for (const d of [files, tests]) await run('mkdir', ['-p', d]);
    writeFileSync(join(files, 'prometheus-rules.yaml'), broken);
    copyFileSync(TESTS, join(tests, 'rules-test.yaml'));
    const { code, out } = await promtoolRun(['test', 'rules', join(tests, 'rules-test.yaml')]);
    expect(code).not.toBe(0);
    expect(out).toContain('KubetradeDailyLossLimitHit');
  });
});
