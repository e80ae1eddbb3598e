// A real backtest result for report tests: the seed A/B split on two seeded random-walk markets.
import { applyDefaults, type ResolvedSpec } from '@kubetrade/crds';
import { type BacktestResult, runBacktest } from '../loop/backtest.ts';
import { fakeMl, randomMarketData } from '../loop/random-walk.fixture.ts';

/** Two arms (technical + multi-timeframe, technical alone), 5m cycles, thresholds that trade often. */
export function twoArmPaperSpec(markets: string[]): ResolvedSpec {
  return applyDefaults({
    markets,
    cycleSeconds: 300,
    engine: { technical: { rsi: { period: 14, oversold: 40, overbought: 60 }, volumeSurge: 1.5 } },
    capital: {
      totalKRW: 10_000_000,
      split: [
        { name: 'enhanced', weight: 50, layers: ['technical', 'multiTimeframe'] },
        { name: 'tech', weight: 50, layers: ['technical'] },
      ],
    },
  } as never);
}

export async function sampleResult(days = 14): Promise<BacktestResult> {
  const markets = ['KRW-BTC', 'KRW-ETH'];
  const spec = applyDefaults({
    markets,
    engine: { technical: { rsi: { period: 14, oversold: 40, overbought: 60 }, volumeSurge: 1.5 } },
  } as never);
  return runBacktest({
    spec,
    data: randomMarketData(markets, Date.parse('2026-01-01T00:00:00Z'), days, 11),
    models: { ml: fakeMl },
    bot: 'krw-majors',
  });
}
