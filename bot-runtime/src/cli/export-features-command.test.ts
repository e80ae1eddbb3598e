// The export-features subcommand dispatches to engineer B's exportFeatures on the folder as it is.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES } from '../engines/features.ts';
import { captureIo } from './capture.fixture.ts';
import { main } from './main.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

describe('kubetrade export-features', () => {
  it('writes the feature rows of ../shared/data/binance for a date range', { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubetrade-export-'));
    try {
      const out = join(dir, 'features.csv');
      const c = captureIo();
      const code = await main(
        [
          'export-features',
          '--data',
          `${REPO}../shared/data/binance`,
          '--out',
          out,
          '--from',
          '2025-03-01',
          '--to',
          '2025-03-08',
        ],
        c.io,
      );
      expect(c.err()).toMatch(/export-features: \d+ rows/);
      expect(code).toBe(0);
      const lines = (await readFile(out, 'utf8')).trim().split('\n');
      expect(lines[0]!.split(',').slice(2, 2 + FEATURE_NAMES.length)).toEqual([...FEATURE_NAMES]);
      expect(lines.length).toBeGreaterThan(100);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
