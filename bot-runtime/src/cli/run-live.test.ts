// `kubetrade run` in mode live refuses to start without its credentials and Redis, naming the
// variables and never echoing a value (issue 6: "credentials only from the environment; never logged").
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { missingLiveEnv } from './run-live.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const EXAMPLE = `${REPO}examples/live/tradingbot.yaml`;
const SECRET = 'kt-unit-SECRET-4b1d9e7c';

function run(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const base = { ...process.env };
  for (const k of ['UPBIT_ACCESS_KEY', 'UPBIT_SECRET_KEY', 'REDIS_URL', 'DATABASE_URL']) delete base[k];
  const child = spawn(process.execPath, [`${REPO}bot-runtime/src/cli/main.ts`, 'run', '-f', EXAMPLE], {
    cwd: REPO,
    env: { ...base, ...env },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

describe('missingLiveEnv', () => {
  it.each([
    [{}, ['UPBIT_ACCESS_KEY', 'UPBIT_SECRET_KEY', 'REDIS_URL']],
    [{ UPBIT_ACCESS_KEY: 'a', UPBIT_SECRET_KEY: '' }, ['UPBIT_SECRET_KEY', 'REDIS_URL']],
    [{ UPBIT_ACCESS_KEY: 'a', UPBIT_SECRET_KEY: 's', REDIS_URL: 'redis://x' }, []],
    // In a pod (the operator's KUBETRADE_BOT_NAMESPACE) the trade log must be PostgreSQL.
    [
      { UPBIT_ACCESS_KEY: 'a', UPBIT_SECRET_KEY: 's', REDIS_URL: 'redis://x', KUBETRADE_BOT_NAMESPACE: 'ns' },
      ['DATABASE_URL'],
    ],
    [
      {
        UPBIT_ACCESS_KEY: 'a',
        UPBIT_SECRET_KEY: 's',
        REDIS_URL: 'redis://x',
        DATABASE_URL: 'postgres://x',
        KUBETRADE_BOT_NAMESPACE: 'ns',
      },
      [],
    ],
  ])('%j -> %j', (env, missing) => {
    expect(missingLiveEnv(env)).toEqual(missing);
  });
});

describe('kubetrade run (mode live) without its environment', () => {
  it('names the missing Upbit key variables and exits 1', { timeout: 30_000 }, async () => {
    const r = await run({});
    expect(r.code).toBe(1);
    expect(r.out).toContain('UPBIT_ACCESS_KEY, UPBIT_SECRET_KEY, REDIS_URL');
    expect(r.out).toContain('examples/live/tradingbot.yaml');
  });

  it('names REDIS_URL when only it is missing, and never prints the secret', {
    timeout: 30_000,
  }, async () => {
    const r = await run({ UPBIT_ACCESS_KEY: 'kt-unit-access', UPBIT_SECRET_KEY: SECRET });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/needs REDIS_URL in the environment/);
    expect(r.out).not.toContain(SECRET);
  });
});
