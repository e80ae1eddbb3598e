import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UpbitClient } from '../upbit/client.ts';
import { TEST_KEYS } from './test-fixture.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

describe('fake-upbit CLI', () => {
  it('serves a signed account read and tickers on the port it prints, and exits cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [MAIN, '--port', '0', '--drift-ms', '0', '--walk'], {
      env: { ...process.env, UPBIT_ACCESS_KEY: TEST_KEYS.accessKey, UPBIT_SECRET_KEY: TEST_KEYS.secretKey },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += String(d);
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
        setTimeout(() => reject(new Error('no listening line within 10 s')), 10_000).unref();
      });
      const client = new UpbitClient({ baseUrl: url, credentials: TEST_KEYS });
      expect((await client.accounts())[0]).toMatchObject({ currency: 'KRW', balance: 10_000_000 });
      expect((await client.tickers(['KRW-BTC', 'KRW-ETH', 'KRW-XRP', 'KRW-SOL'])).length).toBe(4);
      const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('refuses to start without the key pair and says which variables to set', async () => {
    const env = { ...process.env };
    delete env.UPBIT_ACCESS_KEY;
    delete env.UPBIT_SECRET_KEY;
    const child = spawn(process.execPath, [MAIN, '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => {
      err += String(d);
    });
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(2);
    expect(err).toContain('UPBIT_ACCESS_KEY');
  });
});
