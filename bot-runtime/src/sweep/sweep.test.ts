// The seed's tuning grid swept on real candles (../shared/data, Binance USDT 5m, 4 weeks) with 2
// worker threads: deterministic to the byte, resumable after SIGKILL without redoing finished
// candidates, and the winner a TradingBot that validates like `kubectl apply` would.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTradingBotYaml } from '@kubetrade/crds';
import { afterAll, describe, expect, it } from 'vitest';
import { DATA, ROOT, runCli, shortSeedGrid } from './cli.fixture.ts';
import { parseRecords } from './results-file.ts';

const MAIN = join(ROOT, 'bot-runtime/src/cli/main.ts');
const tmp = mkdtempSync(join(tmpdir(), 'kubetrade-sweep-'));
const GRID = shortSeedGrid(tmp);
const ARGS = [
  'sweep',
  '-f',
  join(ROOT, 'examples/tradingbot.yaml'),
  '--grid',
  GRID,
  '--data',
  DATA,
  '--from',
  '2025-03-01',
  '--to',
  '2025-03-15',
];
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const sweep = (out: string, workers = 2) => runCli([...ARGS, '--workers', String(workers), '--out', out]);
const evaluated = (stderr: string): number => Number(/sweep: evaluated (\d+) candidates/.exec(stderr)?.[1]);

describe('kubetrade sweep on ../shared/data (seed grid, 2 workers)', () => {
  let first = '';

  it('sweeps 8 candidates into a ranked report, a TradingBot winner and a patch', async () => {
    const out = join(tmp, 'a');
    const r = await sweep(out);
    expect(r.code, r.stderr).toBe(0);
    expect(evaluated(r.stderr)).toBe(8);
    first = readFileSync(join(out, 'results.jsonl'), 'utf8');
    const records = parseRecords(first, 'results.jsonl');
    expect(records.map((x) => x.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // The seed's values and candidates all appear, and the candidates really trade differently.
    expect(new Set(records.map((x) => x.params['engine.technical.rsi.oversold']))).toEqual(new Set([25, 30]));
    expect(new Set(records.map((x) => x.metrics.trades)).size).toBeGreaterThan(1);
    // SPEC success criteria as pass/fail columns, as in the backtest report.
    expect(r.stdout).toMatch(/trades\/wk >=35 .*DLL breaches =0/);
    expect(r.stdout).toMatch(/[✓✗]/);
    expect(r.stdout).toMatch(/deflated Sharpe ratio \d\.\d{3}/);
    expect(r.stdout).toMatch(/PBO \(CSCV, \d+ groups, \d+ splits\) \d\.\d{3}/);
    const winnerText = readFileSync(join(out, 'winner.yaml'), 'utf8');
    const winner = loadTradingBotYaml(winnerText, 'winner.yaml');
    expect(winner.metadata.name).toBe('krw-majors-sweep');
    const best = /winner #(\d+)/.exec(r.stdout)![1]!;
    const params = records[Number(best)]!.params;
    expect(winner.spec.engine?.technical?.rsi?.oversold).toBe(params['engine.technical.rsi.oversold']);
    expect(winner.spec.engine?.technical?.volumeSurge).toBe(params['engine.technical.volumeSurge']);
    expect(winner.spec.engine?.technical?.bollinger?.edge).toBe(params['engine.technical.bollinger.edge']);
    expect(readFileSync(join(out, 'winner-patch.yaml'), 'utf8')).toContain('oversold:');
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html.match(/<svg class="heatmap"/g)).toHaveLength(3);
    expect(html.match(/<rect class="cell"/g)).toHaveLength(12);
    expect(html).toMatch(/data-series="#\d+ IS"[^>]*stroke-dasharray/);
    expect(html).toMatch(/data-series="#\d+ OOS"[^>]*stroke-width="1.5"\/>/);
  }, 90_000);

  it('the same sweep twice gives byte-identical results, and a re-run skips every finished candidate', async () => {
    const out = join(tmp, 'b');
    const r = await sweep(out);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(out, 'results.jsonl'), 'utf8')).toBe(first);
    const again = await sweep(out);
    expect(again.stderr).toContain('8 already done, 0 to run');
    expect(evaluated(again.stderr)).toBe(0);
    expect(readFileSync(join(out, 'results.jsonl'), 'utf8')).toBe(first);
  }, 90_000);

  it('a sweep killed with SIGKILL resumes without redoing finished candidates', async () => {
    const out = join(tmp, 'c');
    const file = join(out, 'results.jsonl');
    const child = spawn(process.execPath, [MAIN, ...ARGS, '--workers', '1', '--out', out], {
      stdio: 'ignore',
    });
    const killedAfter = await new Promise<number>((done, fail) => {
      const poll = setInterval(() => {
        const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').length - 1 : 0;
        if (lines >= 2) {
          clearInterval(poll);
          child.kill('SIGKILL');
          done(lines);
        }
      }, 20);
      child.on('exit', (code) => {
        clearInterval(poll);
        if (code !== null) fail(new Error(`the sweep finished (exit ${code}) before it could be killed`));
      });
    });
    await new Promise((r) => child.once('close', r));
    const kept = parseRecords(readFileSync(file, 'utf8'), file).length;
    expect(kept).toBeGreaterThanOrEqual(killedAfter);
    expect(kept).toBeLessThan(8);
    const r = await sweep(out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${kept} already done, ${8 - kept} to run`);
    expect(evaluated(r.stderr)).toBe(8 - kept);
    expect(readFileSync(file, 'utf8')).toBe(first);
  }, 90_000);
});
