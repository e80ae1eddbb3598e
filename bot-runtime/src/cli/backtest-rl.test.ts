// Layer 3 in a backtest (issue 9: "a backtest with use_rl on an arm runs and reports that arm next
// to the others"): `kubetrade backtest` on the real candles of ../shared/data with
// examples/rl/tradingbot.yaml (arms technical | ml | rl, the rl arm on the bundled PPO policy).
// One month inside the policy's hold-out window (models/baseline/rl-policy-krw.MODEL_CARD.md).
// Asserts that the rl arm is reported and traded, and that its figures follow from its own trade
// log -- not what they are (reported, never promised).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
