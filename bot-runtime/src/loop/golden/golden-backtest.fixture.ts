// The golden backtest (issue 5's speed work must not change a single decision): 14 days of the
// seeded synthetic market x 4 markets through the benchmark's spec (bench.ts: enhanced + ML
// validation, ML alone, every layer incl. the RL fixture policy) with the real LightGBM and RL ONNX
// files. `goldenRun()` reduces the run to what a decision change would move: every non-HOLD
// decision with its reasons, every order and fill (hashed: ~12k lines, 7 MB as text; the first
// lines kept verbatim), each arm's round trips and metrics and a SHA-256 of each equity curve. `node golden/golden-backtest.fixture.ts --write` regenerates golden-backtest.json —
// only when a decision is MEANT to change; the speed work compares against the file as generated
// from the code before it (commit 'loop/golden: pin ...').
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchModels, benchSpec } from '../../bench.ts';
import { SyntheticMarket } from '../../market/synthetic-market.ts';
import { TIMEFRAME_MS } from '../../market/timeframes.ts';
import { runBacktest } from '../backtest.ts';
import type { LoopEvent } from '../trading-core.ts';

export const GOLDEN_FILE = fileURLToPath(new URL('./golden-backtest.json', import.meta.url));
const MARKETS = ['KRW-BTC', 'KRW-ETH', 'KRW-XRP', 'KRW-SOL'];
const DAYS = 14;

export interface GoldenResult {
  steps: number;
  candles: number;
  /** SHA-256 over every event line (one JSON line per decision/order/fill) and their count. */
  eventsSha256: string;
  eventCount: number;
  /** The first event lines verbatim, so a mismatch shows where the runs part. */
  firstEvents: string[];
  arms: {
    name: string;
    metrics: unknown;
    refused: unknown;
    roundTrips: unknown;
    equitySha256: string;
    finalEquity: number;
  }[];
}

const FIRST_EVENTS = 150;

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function eventLine(e: LoopEvent): string {
  switch (e.kind) {
    case 'decision':
      return JSON.stringify([e.kind, e.time, e.arm, e.signal, e.intent ?? null, e.refused ?? null]);
    case 'order':
      return JSON.stringify([e.kind, e.time, e.arm, e.order.state, e.order.intent.clientOrderId]);
    case 'fill':
      return JSON.stringify([e.kind, e.time, e.arm, e.fill]);
  }
}

/** `blockSteps` varies the backtest's batching, which must not matter either. */
export async function goldenRun(blockSteps?: number): Promise<GoldenResult> {
  const spec = benchSpec();
  const from = Date.UTC(2025, 0, 1);
  const data = await new SyntheticMarket({ seed: 7, markets: MARKETS, start: from }).load({
    from,
    to: from + DAYS * TIMEFRAME_MS['1d'],
  });
  const events: string[] = [];
  const result = await runBacktest({
    spec,
    data,
    models: await benchModels(spec),
    from,
    ...(blockSteps ? { blockSteps } : {}),
    onEvent: (e) => events.push(eventLine(e)),
  });
  return {
    steps: result.steps,
    candles: result.candles,
    eventsSha256: sha256(events.join('\n')),
    eventCount: events.length,
    firstEvents: events.slice(0, FIRST_EVENTS),
    arms: result.arms.map((a) => ({
      name: a.name,
      metrics: a.metrics,
      refused: a.refused,
      roundTrips: a.roundTrips,
      equitySha256: sha256(new Uint8Array(a.equity.buffer, a.equity.byteOffset, a.equity.byteLength)),
      finalEquity: a.equity[a.equity.length - 1] ?? Number.NaN,
    })),
  };
}

if (import.meta.main && process.argv.includes('--write')) {
  const golden = await goldenRun();
  writeFileSync(GOLDEN_FILE, `${JSON.stringify(golden, null, 1)}\n`);
  process.stdout.write(`wrote ${GOLDEN_FILE}: ${golden.eventCount} events, ${golden.steps} steps\n`);
}
