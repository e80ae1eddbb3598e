import Value from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { applyDefaults } from './defaults.ts';
import { TradingBotSpecSchema } from './schema.ts';
import { FIELDS_WITHOUT_DEFAULT } from './types.ts';
import { INVALID_SPECS, VALID_SPECS } from './validation-cases.ts';

// Every number of ../shared/SPEC.md that the spec carries, with the SPEC's wording next to it.
const SPEC_DEFAULTS: [path: string, value: unknown, rule: string][] = [
  ['markets', ['KRW-BTC', 'KRW-ETH', 'KRW-XRP', 'KRW-SOL'], 'Markets and cycle'],
  ['cycleSeconds', 60, 'cycle every 60 s'],
  ['engine.technical.rsi.oversold', 30, 'RSI oversold 30'],
  ['engine.technical.volumeSurge', 2, 'volume surge 2.0x'],
  ['engine.technical.bollinger.edge', 0.2, 'Bollinger 0.2 from the band edge'],
  ['engine.technical.confidence.threeOrMore', 0.85, '3 or more agree -> 0.85'],
  ['engine.technical.confidence.two', 0.65, 'exactly 2 agree -> 0.65'],
  ['engine.multiTimeframe.trend', '1h', '1-hour candles -> trend'],
  ['engine.multiTimeframe.momentum', '15m', '15-minute candles -> momentum'],
  ['engine.multiTimeframe.entry', '5m', '5-minute candles -> entry timing'],
  ['engine.multiTimeframe.confidence.aligned', 0.9, 'UP + STRONG + BUY -> 0.90'],
  ['engine.combine.agreementBoost', 1.2, 'both layers agree -> x 1.2'],
  ['engine.combine.maxConfidence', 0.95, 'capped at 0.95'],
  ['engine.combine.conflictPenalty', 0.6, 'layers conflict -> x 0.6'],
  ['engine.combine.minConfidence', 0.6, 'average confidence >= 60%'],
  ['ml.retrain.schedule', '0 3 * * *', 'nightly retraining at 03:00'],
  ['ml.retrain.timeZone', 'Asia/Seoul', '03:00 (Asia/Seoul)'],
  ['risk.rollback.dailyReturnPct', -2, 'daily return of -2% or worse'],
  ['risk.rollback.consecutiveDays', 3, '3 consecutive days'],
  ['capital.split.0.weight', 50, '50% enhanced engine'],
  ['capital.split.0.layers', ['technical', 'multiTimeframe'], 'enhanced = layers 1+2'],
  ['capital.split.1.weight', 50, '50% plain ML engine'],
  ['capital.split.1.layers', ['ml'], 'plain ML engine'],
  ['mode', 'paper', 'paper by default; live needs keys'],
  ['risk.minOrderKRW', 5000, 'Upbit minimum order'],
];

function at(value: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], value);
}

describe('applyDefaults', () => {
  const resolved = applyDefaults({});

  it.each(SPEC_DEFAULTS)('defaults %s to the SPEC value %j (%s)', (path, value) => {
    expect(at(resolved, path)).toEqual(value);
  });

  it('keeps what the user wrote and fills the rest of the same section', () => {
    const spec = applyDefaults({ engine: { technical: { rsi: { oversold: 25 } } }, cycleSeconds: 300 });
    expect(spec.engine.technical.rsi).toEqual({ period: 14, oversold: 25, overbought: 70 });
    expect(spec.cycleSeconds).toBe(300);
    expect(spec.engine.technical.volumeSurge).toBe(2);
  });

  it('defaults fields inside user-written arms', () => {
    const spec = applyDefaults({ capital: { split: [{ name: 'solo', weight: 100, layers: ['rl'] }] } });
    expect(spec.capital.split).toEqual([{ name: 'solo', weight: 100, layers: ['rl'], mlValidation: false }]);
    expect(spec.capital.totalKRW).toBe(10_000_000);
  });

  it('does not modify its input', () => {
    const input = { markets: ['KRW-BTC'] };
    applyDefaults(input);
    expect(input).toEqual({ markets: ['KRW-BTC'] });
  });

  it('is idempotent', () => {
    expect(applyDefaults(applyDefaults({ mode: 'live' }))).toEqual(applyDefaults({ mode: 'live' }));
  });

  it('gives every optional field a default except the ones ResolvedSpec keeps optional', () => {
    const withoutDefault: string[] = [];
    const visit = (node: Record<string, unknown>, path: string[]) => {
      const required = new Set((node.required as string[] | undefined) ?? []);
      for (const [name, child] of Object.entries(
        (node.properties ?? {}) as Record<string, Record<string, unknown>>,
      )) {
        if (!required.has(name) && child.default === undefined)
          withoutDefault.push([...path, name].join('.'));
        if (child.default !== undefined || required.has(name)) visit(child, [...path, name]);
      }
    };
    visit(TradingBotSpecSchema as unknown as Record<string, unknown>, []);
    expect(withoutDefault.sort()).toEqual([...FIELDS_WITHOUT_DEFAULT].sort());
  });

  const samples: [string, unknown][] = [...VALID_SPECS, ...INVALID_SPECS]
    .map(([what, spec]): [string, unknown] => [what, spec])
    .filter(([, spec]) => !JSON.stringify(spec).includes('null'));
  it.each(samples)('agrees with TypeBox Value.Default on "%s"', (_what, spec) => {
    expect(applyDefaults(spec as never)).toEqual(Value.Default(TradingBotSpecSchema, structuredClone(spec)));
  });

  it('drops null members before defaulting, like the apiserver', () => {
    const spec = applyDefaults({ engine: null, risk: { rollback: null } } as never);
    expect(spec.engine).toEqual(resolved.engine);
    expect(spec.risk.rollback).toEqual(resolved.risk.rollback);
  });

  it('shares no object with its input or with the schema defaults', () => {
    const input = { capital: { split: [{ name: 'a', weight: 100, layers: ['ml' as const] }] } };
    const a = applyDefaults(input);
    a.capital.split[0]!.layers.push('rl');
    a.markets.push('KRW-DOGE');
    expect(input.capital.split[0]!.layers).toEqual(['ml']);
    const schemaDefault = (TradingBotSpecSchema.properties.markets as unknown as { default: string[] })
      .default;
    expect(schemaDefault).not.toContain('KRW-DOGE');
    expect(applyDefaults({}).markets).toEqual(schemaDefault);
  });
});
