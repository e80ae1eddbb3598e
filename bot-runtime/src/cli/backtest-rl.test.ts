// Layer 3 in a backtest (issue 9: "a backtest with use_rl on an arm runs and reports that arm next
// to the others"): `kubetrade backtest` on the real candles of ../shared/data with
// examples/rl/tradingbot.yaml (arms technical | ml | rl, the rl arm on the bundled PPO policy).
// One month inside the policy's hold-out window (models/baseline/rl-policy-krw.MODEL_CARD.md).
// Asserts that the rl arm is reported and traded, and that its figures follow from its own trade
// log -- not what they are (reported, never promised). Then the other direction: the training
// environment (models/rl/env.py) must trade exactly like the runtime, so the runtime replays the
// trade log the trainer recorded for the bundled policy (metrics.json `runtime_check`).
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from './capture.fixture.ts';
import { loadSpecFile } from './load-spec.ts';
import { main } from './main.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const DATA = `${REPO}../shared/data/binance`;
const BOT = `${REPO}examples/rl/tradingbot.yaml`;

interface ArmJson {
  name: string;
  layers: string[];
  metrics: {
    trades: number;
    orders: number;
    openPositions: number;
    winRate: number;
    returnPct: number;
    realisedPnl: number;
    initialEquity: number;
    finalEquity: number;
  };
  roundTrips: { pnl: number; entryConfidence: number; entryTime: string; exitTime: string }[];
}

describe('kubetrade backtest with an rl arm (examples/rl/tradingbot.yaml)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubetrade-rl-'));
  const jsonFile = join(dir, 'report.json');
  let out = '';
  let err = '';
  let code = -1;
  let arms: ArmJson[] = [];
  let minConfidence = Number.NaN;

  beforeAll(async () => {
    minConfidence = (await loadSpecFile('backtest', BOT)).spec.engine.combine.minConfidence;
    const cap = captureIo();
    code = await main(
      [
        'backtest',
        '-f',
        BOT,
        '--data',
        DATA,
        '--from',
        '2025-11-06',
        '--to',
        '2025-12-06',
        '--json',
        jsonFile,
      ],
      cap.io,
    );
    out = cap.out();
    err = cap.err();
    if (code === 0) arms = (JSON.parse(readFileSync(jsonFile, 'utf8')) as { arms: ArmJson[] }).arms;
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs and reports the rl arm next to technical and ml', () => {
    process.stdout.write(`${out}\n`);
    expect(err).not.toMatch(/^error:/m);
    expect(code).toBe(0);
    const ab = out.slice(out.indexOf('A/B comparison:'));
    expect(ab).toMatch(/^metric\s+technical\s+ml\s+rl\s+better$/m);
    expect(arms.map((a) => a.name)).toEqual(['technical', 'ml', 'rl']);
    const trades = /^trades \(round trips\)\s+(\d+)\s+(\d+)\s+(\d+)/m.exec(ab);
    expect(Number(trades?.[3])).toBeGreaterThan(0);
  });

  it("the rl arm's figures follow from its trade log", () => {
    const rl = arms.find((a) => a.name === 'rl')!;
    expect(rl.layers).toEqual(['rl']);
    const m = rl.metrics;
    const trips = rl.roundTrips;
    expect(m.trades).toBe(trips.length);
    expect(m.trades).toBeGreaterThan(0);
    expect(m.orders).toBe(2 * m.trades + m.openPositions);
    expect(m.winRate).toBeCloseTo(trips.filter((t) => t.pnl > 0).length / trips.length, 12);
    const pnl = trips.reduce((s, t) => s + t.pnl, 0);
    expect(m.realisedPnl).toBeCloseTo(pnl, 4);
    if (m.openPositions === 0) expect(m.finalEquity - m.initialEquity).toBeCloseTo(pnl, 4);
    expect(m.returnPct).toBeCloseTo((m.finalEquity / m.initialEquity - 1) * 100, 9);
    // Every entry came from a policy signal that cleared spec.engine.combine.minConfidence.
    for (const t of trips) {
      expect(t.entryConfidence).toBeGreaterThanOrEqual(minConfidence);
      expect(t.entryConfidence).toBeLessThanOrEqual(1);
      expect(Date.parse(t.entryTime)).toBeGreaterThanOrEqual(Date.parse('2025-11-06'));
      expect(Date.parse(t.exitTime)).toBeLessThan(Date.parse('2025-12-06') + 5 * 60_000);
    }
  });
});

interface RuntimeCheck {
  market: string;
  from: number;
  to: number;
  return_pct: number;
  fees_paid: number;
  trades: number;
  round_trips: [number, number][];
}

describe('the training environment trades like the runtime (models/rl/env.py vs kubetrade backtest)', () => {
  const check = (
    JSON.parse(readFileSync(`${REPO}models/baseline/rl-policy-krw.metrics.json`, 'utf8')) as {
      runtime_check: RuntimeCheck;
    }
  ).runtime_check;
  const dir = mkdtempSync(join(tmpdir(), 'kubetrade-rl-check-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`replays the trainer's ${check.trades} round trips on ${check.market}: same times, fees and return`, async () => {
    // One market, one arm with all the capital: exactly the environment's episode. The candle files
    // are linked, never copied (../shared/data stays the one copy).
    const [quote, base] = check.market.split('-') as [string, string];
    for (const tf of ['5m', '15m', '1h', '1d'])
      symlinkSync(`${DATA}/${base}_${quote}-${tf}.csv`, join(dir, `${base}_${quote}-${tf}.csv`));
    const bot = join(dir, 'tradingbot.yaml');
    writeFileSync(
      bot,
      [
        'apiVersion: kubetrade.io/v1alpha1',
        'kind: TradingBot',
        'metadata: { name: rl-check }',
        'spec:',
        `  markets: [KRW-${base}]`,
        '  capital:',
        '    split: [{ name: rl, weight: 100, layers: [rl] }]',
        '',
      ].join('\n'),
    );
    const json = join(dir, 'report.json');
    const cap = captureIo();
    const code = await main(
      [
        'backtest',
        '-f',
        bot,
        '--data',
        dir,
        '--from',
        new Date(check.from).toISOString(),
        '--to',
        new Date(check.to).toISOString(),
        '--json',
        json,
      ],
      cap.io,
    );
    expect(cap.err()).not.toMatch(/^error:/m);
    expect(code).toBe(0);
    const arm = (JSON.parse(readFileSync(json, 'utf8')) as { arms: ArmJson[] }).arms[0]!;
    expect(check.trades).toBeGreaterThan(0);
    expect(arm.roundTrips.map((t) => [Date.parse(t.entryTime), Date.parse(t.exitTime)])).toEqual(
      check.round_trips,
    );
    const m = arm.metrics as ArmJson['metrics'] & { feesPaid: number };
    // Sizes (hence fees and return) agree closely, not exactly: features with exponential memory
    // (EMA, Wilder RSI) depend on the history before the window -- the export replays from the
    // data's first candle, the backtest from --from minus its warm-up -- so the policy's probability
    // on a row differs in the 3rd decimal (measured: 0.6020 vs 0.6062 on the first entry), and the
    // size is equity x maxPositionPct x that probability. Measured gaps: fees 0.06 %, return 0.003 pp.
    expect(Math.abs(m.feesPaid / check.fees_paid - 1)).toBeLessThan(0.01);
    expect(Math.abs(m.returnPct - check.return_pct)).toBeLessThan(0.05);
  });
});
