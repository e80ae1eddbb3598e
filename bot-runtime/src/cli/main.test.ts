import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from './capture.fixture.ts';
import { main, version } from './main.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const EXAMPLE = `${REPO}examples/tradingbot.yaml`;

const capture = captureIo;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubetrade-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('kubetrade CLI', () => {
  it.each([['run'], ['backtest'], ['export-features'], ['version']])(
    '%s --help prints its usage',
    async (cmd) => {
      const c = capture();
      expect(await main([cmd, '--help'], c.io)).toBe(0);
      expect(c.out()).toContain(`kubetrade ${cmd}`);
    },
  );

  it('lists the subcommands and prints the version', async () => {
    const c = capture();
    expect(await main(['--help'], c.io)).toBe(0);
    for (const cmd of ['run', 'backtest', 'export-features', 'version'])
      expect(c.out()).toContain(`  ${cmd}`);
    const v = capture();
    expect(await main(['version'], v.io)).toBe(0);
    expect(v.out()).toBe(`kubetrade ${version()}\n`);
    expect(version()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each([
    [['backtest', '-f', EXAMPLE, '--speed', '3'], /unknown flag --speed/],
    [['run', '-f', EXAMPLE, '--html', 'x.html'], /unknown flag --html/],
    [['export-features', '--bogus', '1'], /unknown flag --bogus/],
    [['version', '--bogus'], /unknown flag --bogus/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['backtest', '-f', EXAMPLE, '--from', '2025-13-45'], /--from "2025-13-45" is not a date/],
    [['backtest', '-f', EXAMPLE, '--synthetic', 'abc'], /--synthetic "abc" must be an integer/],
    [
      ['backtest', '-f', EXAMPLE, '--synthetic', '1', '--data', '/tmp'],
      /--data and --synthetic exclude each other/,
    ],
    [['backtest'], /-f\/--file <tradingbot.yaml> is required/],
  ])('%j fails naming the problem', async (argv, message) => {
    const c = capture();
    expect(await main(argv, c.io)).toBeGreaterThan(0);
    expect(c.err()).toMatch(message);
  });

  it('names the file, field and value of an invalid TradingBot', async () => {
    const c = capture();
    const file = `${REPO}examples/invalid/unknown-layer.yaml`;
    expect(await main(['backtest', '-f', file, '--synthetic', '1'], c.io)).toBe(1);
    expect(c.err()).toContain('unknown-layer.yaml');
    expect(c.err()).toMatch(/spec\.capital\.split\[1\]\.layers\[0\]/);
    expect(c.err()).toContain('lstm');
  });

  it('backtests the synthetic market: same seed, same numbers; JSON and HTML written', async () => {
    const args = [
      'backtest',
      '-f',
      EXAMPLE,
      '--synthetic',
      '42',
      '--from',
      '2025-02-01',
      '--to',
      '2025-02-15',
    ];
    const a = capture();
    expect(await main([...args, '--json', join(dir, 'a.json'), '--html', join(dir, 'a.html')], a.io)).toBe(0);
    const b = capture();
    expect(await main([...args, '--json', join(dir, 'b.json')], b.io)).toBe(0);
    expect(a.out()).toBe(b.out());
    expect(a.out()).toMatch(/^enhanced\s+\S+ [✓✗]/m);
    expect(a.out()).toMatch(/^ml\s+\S+ [✓✗]/m);
    expect(await readFile(join(dir, 'a.json'), 'utf8')).toBe(await readFile(join(dir, 'b.json'), 'utf8'));
    expect(await readFile(join(dir, 'a.html'), 'utf8')).toContain('<svg class="chart" id="equity"');
    expect(a.err()).toMatch(/backtest: 100%/);
  });
});
