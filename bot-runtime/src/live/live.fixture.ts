// Shared by the live integration tests: a fake Upbit backed by the coherent SyntheticMarket (from
// well before the warm-up to a day ahead, so the sped-up runtime always finds closed candles),
// an aggressive bot spec (two indicator votes nearly every candle) so trades happen within seconds,
// and `kubetrade run` as a real child process with its JSON lines parsed.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerSecret } from '../exchange/errors.ts';
import { FakeUpbit } from '../exchange/fake-upbit/server.ts';
import { TEST_KEYS } from '../exchange/fake-upbit/test-fixture.ts';
import { SyntheticMarket } from '../market/synthetic-market.ts';
import { TIMEFRAME_MS } from '../market/timeframes.ts';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const MARKETS = ['KRW-BTC', 'KRW-ETH'];
/** Clock speed of the runtimes: one 5m candle closes every 2.5 s of wall time. */
export const SPEED = 120;
export type Line = Record<string, unknown>;

export async function startSyntheticFake(): Promise<FakeUpbit> {
  registerSecret(TEST_KEYS.secretKey);
  const now = Date.now();
  const day = TIMEFRAME_MS['1d'];
  const source = new SyntheticMarket({
    seed: 7,
    markets: MARKETS,
    start: Math.floor(now / day) * day - 6 * day,
  });
  const data = await source.load({ to: now + day });
  return FakeUpbit.start({
    keys: { [TEST_KEYS.accessKey]: TEST_KEYS.secretKey },
    data,
    book: { balances: { KRW: 1_000_000_000 } },
  });
}

export async function writeLiveBot(dir: string, name: string, baseUrl: string): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(
    file,
    `apiVersion: kubetrade.io/v1alpha1
kind: TradingBot
metadata: { name: ${name} }
spec:
  mode: live
  exchange: { name: upbit, baseUrl: ${baseUrl}, websocketUrl: ${baseUrl.replace(/^http/, 'ws')}/websocket/v1 }
  marketData: { source: exchange }
  markets: [${MARKETS.join(', ')}]
  cycleSeconds: 30
  credentialsSecretRef: { name: upbit-keys }
  capital:
    totalKRW: 10000000
    split: [{ name: tech, weight: 100, layers: [technical] }]
  engine:
    technical:
      rsi: { period: 14, oversold: 49, overbought: 51 }
      bollinger: { period: 20, stdDev: 2, edge: 0.45 }
`,
  );
  return file;
}

export interface Runtime {
  child: ChildProcess;
  lines: Line[];
  output: () => string;
  waitFor: (pred: (l: Line) => boolean, timeoutMs?: number) => Promise<Line>;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

export function startRuntime(file: string, env: Record<string, string>, extra: string[] = []): Runtime {
  const child = spawn(
    process.execPath,
    [
      `${REPO}bot-runtime/src/cli/main.ts`,
      'run',
      '-f',
      file,
      '--speed',
      String(SPEED),
      '--listen',
      '127.0.0.1:0',
      ...extra,
    ],
    {
      cwd: REPO,
      env: {
        ...process.env,
        UPBIT_ACCESS_KEY: TEST_KEYS.accessKey,
        UPBIT_SECRET_KEY: TEST_KEYS.secretKey,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: Line[] = [];
  let all = '';
  let buffered = '';
  child.stderr!.on('data', (d: Buffer) => {
    all += d.toString();
  });
  child.stdout!.on('data', (d: Buffer) => {
    const text = d.toString();
    all += text;
    buffered += text;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const p of parts) if (p.trim() !== '') lines.push(JSON.parse(p) as Line);
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const waitFor = async (pred: (l: Line) => boolean, timeoutMs = 45_000): Promise<Line> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const hit = lines.find(pred);
      if (hit) return hit;
      if (Date.now() > until || child.exitCode !== null)
        throw new Error(`timed out waiting for a log line; output:\n${all.slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, lines, output: () => all, waitFor, exited };
}

export async function until<T>(
  f: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
