// Shared by the sweep's end-to-end tests: the CLI run in-process with captured output, and the
// seed grid with a short walk-forward plan so two weeks of candles give two windows (CI < 1 min).
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { main } from '../cli/main.ts';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const DATA = join(ROOT, '../shared/data/binance');

export async function runCli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const stream = (k: 'stdout' | 'stderr') => ({
    isTTY: false,
    write: (s: string) => {
      out[k] += s;
      return true;
    },
  });
  const code = await main(argv, { stdout: stream('stdout') as never, stderr: stream('stderr') as never });
  return { code, ...out };
}

/** examples/sweep/seed-grid.yaml with walkForward 7 / 3 days, written to `dir`; returns its path. */
export function shortSeedGrid(dir: string): string {
  const path = join(dir, 'seed-grid.yaml');
  writeFileSync(
    path,
    readFileSync(join(ROOT, 'examples/sweep/seed-grid.yaml'), 'utf8').replace(
      /^walkForward: .*$/m,
      'walkForward: { trainDays: 7, testDays: 3 }',
    ),
  );
  return path;
}
