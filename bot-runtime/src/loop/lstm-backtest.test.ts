// End to end (issue 9): `kubetrade backtest` with spec.ml.modelPath on the LSTM (the committed parity
// fixture models/fixtures/lstm-krw.onnx, input [N, 12, 16]) on the real candles of ../shared/data:
// the runtime serves the sequence model through the same loop as the tree model, and the ML arm —
// which trades on p(up) alone — trades and is reported next to the enhanced arm it validates.
// What the arm earns is reported, never promised: only that it traded and adds up is asserted.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../cli/capture.fixture.ts';
import { main } from '../cli/main.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const DATA = `${REPO}../shared/data/binance`;
const LSTM = `${REPO}models/fixtures/lstm-krw.onnx`;

const BOT = `apiVersion: kubetrade.io/v1alpha1
kind: TradingBot
metadata: { name: lstm-bot }
spec:
  markets: [KRW-BTC, KRW-ETH]
  capital:
    totalKRW: 10000000
    split:
      - { name: enhanced, weight: 50, layers: [technical, multiTimeframe], mlValidation: true }
      - { name: ml, weight: 50, layers: [ml] }
  ml: { model: lstm-krw, modelPath: ${JSON.stringify(LSTM)} }
`;

interface ArmJson {
  name: string;
  metrics: {
    trades: number;
    orders: number;
    initialEquity: number;
    finalEquity: number;
    realisedPnl: number;
  };
  roundTrips: { pnl: number }[];
}

describe('kubetrade backtest on the LSTM (spec.ml.modelPath)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubetrade-lstm-'));
  const file = join(dir, 'tradingbot.yaml');
  const json = join(dir, 'report.json');
  let code = -1;
  let out = '';
  let err = '';
  let arms: ArmJson[] = [];

  beforeAll(async () => {
    writeFileSync(file, BOT);
    const cap = captureIo();
    code = await main(
      ['backtest', '-f', file, '--data', DATA, '--from', '2025-12-01', '--to', '2025-12-15', '--json', json],
      cap.io,
    );
    out = cap.out();
    err = cap.err();
    if (code === 0) arms = (JSON.parse(readFileSync(json, 'utf8')) as { arms: ArmJson[] }).arms;
  }, 120_000); // reads the real candle files: generous on the shared 2-core machine
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs, and the ML arm trades on the LSTM and is reported next to the enhanced arm', () => {
    expect(err).not.toMatch(/^error:/m);
    expect(code).toBe(0);
    expect(out).toMatch(/^metric\s+enhanced\s+ml\s+better$/m);
    expect(arms.map((a) => a.name)).toEqual(['enhanced', 'ml']);
    const ml = arms[1]!;
    expect(ml.metrics.orders).toBeGreaterThan(0);
    expect(ml.metrics.trades).toBeGreaterThan(0);
    // Its realised P&L is the sum of its own round trips (the report adds up).
    const sum = ml.roundTrips.reduce((s, t) => s + t.pnl, 0);
    expect(ml.metrics.realisedPnl).toBeCloseTo(sum, 6);
  });
});
