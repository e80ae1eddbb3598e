// End to end on real candles: `kubetrade backtest --data ../shared/data/binance` on the folder as it
// is (market and timeframe from the file names), one month, all four markets, the SPEC's A/B split
// from examples/tradingbot.yaml. Prints the A/B comparison; asserts its shape, not its numbers
// (they are reported, never promised).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { captureIo } from './capture.fixture.ts';
import { main } from './main.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const DATA = `${REPO}../shared/data/binance`;

describe('kubetrade backtest on ../shared/data/binance', () => {
  it('prints the per-arm criteria and the A/B comparison for a month of all four markets', {
    timeout: 120_000,
  }, async () => {
    const { io, out: stdout, err: stderr } = captureIo();
    const code = await main(
      [
        'backtest',
        '-f',
        `${REPO}examples/tradingbot.yaml`,
        '--data',
        DATA,
        '--from',
        '2025-11-06',
        '--to',
        '2025-12-06',
      ],
      io,
    );
    const out = stdout();
    const err = stderr();
    process.stdout.write(`${out}\n`);
    expect(err).not.toMatch(/^error:/m);
    expect(code).toBe(0);
    expect(out).toContain('USDT-BTC, USDT-ETH, USDT-SOL, USDT-XRP (USDT)');
    expect(out).toMatch(/period 2025-11-06 00:00 \.\. 2025-12-06 00:00 UTC, 30\.0 days/);
    expect(err).toMatch(/spec\.markets .* trading the markets found there/);
    const ab = out.slice(out.indexOf('A/B comparison:'));
    expect(ab).toMatch(/^metric\s+enhanced\s+ml\s+better$/m);
    for (const row of [
      'trades (round trips)',
      'average confidence',
      'win rate',
      'return',
      'max drawdown',
      'Sharpe',
    ]) {
      expect(ab).toMatch(new RegExp(`^${row.replace(/[()]/g, '\\$&')}\\s+\\S+\\s+\\S+`, 'm'));
    }
    // Both arms traded on the real month (the ML arm through the bundled baseline model).
    const trades = /^trades \(round trips\)\s+(\d+)\s+(\d+)/m.exec(ab);
    expect(Number(trades?.[1])).toBeGreaterThan(0);
    expect(Number(trades?.[2])).toBeGreaterThan(0);
  });
});
