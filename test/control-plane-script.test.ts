// hack/control-plane.sh on a bad environment: it must say what to do, quickly, and never hang.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = resolve(import.meta.dirname, '../hack/control-plane.sh');
const emptyCache = mkdtempSync(join(tmpdir(), 'kt-cp-cache-'));
afterAll(() => rmSync(emptyCache, { recursive: true, force: true }));

/** Runs the script with no Go on PATH and an empty cache; resolves with exit code and stderr. */
async function runWithoutGo(args: string[], extraEnv: Record<string, string> = {}) {
  try {
    await run('bash', [script, ...args], {
      env: { PATH: '/usr/bin:/bin', HOME: emptyCache, XDG_CACHE_HOME: emptyCache, ...extraEnv },
      timeout: 20_000,
    });
    return { code: 0, stderr: '' };
  } catch (err) {
    const e = err as { code: number; stderr: string; killed?: boolean };
    return { code: e.code, stderr: e.stderr, killed: e.killed };
  }
}

describe('hack/control-plane.sh without Go and without cached binaries', () => {
  it.each([['build'], ['up']])('%s fails at once with one message naming both ways out', async (verb) => {
    const { code, stderr, killed } = await runWithoutGo([verb]);
    expect(killed).toBeFalsy();
    expect(code).not.toBe(0);
    expect(stderr).toContain('KUBEBUILDER_ASSETS');
    expect(stderr).toMatch(/Go/);
  });

  it('refuses a KUBEBUILDER_ASSETS folder without the binaries, naming it', async () => {
    const { code, stderr } = await runWithoutGo(['build'], { KUBEBUILDER_ASSETS: emptyCache });
    expect(code).not.toBe(0);
    expect(stderr).toContain(`KUBEBUILDER_ASSETS=${emptyCache}`);
  });

  it('names its verbs when given an unknown one', async () => {
    const { code, stderr } = await runWithoutGo(['sideways']);
    expect(code).not.toBe(0);
    expect(stderr).toContain('build|up|down|status');
  });
});
