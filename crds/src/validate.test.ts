import { describe, expect, it } from 'vitest';
import type { CelValidation } from './cel.ts';
import { TradingBotSpecSchema } from './schema.ts';
import { formatIssue, validateSpec } from './validate.ts';

const arm = (name: string, weight: number, layers: string[] = ['ml']) => ({ name, weight, layers });

// [what, spec, field path of the issue, message substring]
const INVALID: [string, unknown, string, string][] = [
  ['cycle below 10 s', { cycleSeconds: 9 }, 'spec.cycleSeconds', '>= 10'],
  ['cycle above an hour', { cycleSeconds: 3601 }, 'spec.cycleSeconds', '<= 3600'],
  ['fractional cycle', { cycleSeconds: 60.5 }, 'spec.cycleSeconds', 'integer'],
  ['lower-case market', { markets: ['krw-btc'] }, 'spec.markets[0]', 'pattern'],
  ['market without quote', { markets: ['BTC'] }, 'spec.markets[0]', 'pattern'],
  ['no markets', { markets: [] }, 'spec.markets', 'fewer than 1'],
  [
    '21 markets',
    { markets: Array.from({ length: 21 }, (_, i) => `KRW-C${i}`) },
    'spec.markets',
    'more than 20',
  ],
  ['duplicate markets', { markets: ['KRW-BTC', 'KRW-BTC'] }, 'spec.markets[1]', 'Duplicate value'],
  ['capital below the minimum order', { capital: { totalKRW: 4999 } }, 'spec.capital.totalKRW', '>= 5000'],
  ['fractional won', { capital: { totalKRW: 10000.5 } }, 'spec.capital.totalKRW', 'integer'],
  [
    'weights sum to 90',
    { capital: { split: [arm('a', 60), arm('b', 30)] } },
    'spec.capital.split',
    'sum to 100',
  ],
  [
    'weights sum to 110',
    { capital: { split: [arm('a', 60), arm('b', 50)] } },
    'spec.capital.split',
    'sum to 100',
  ],
  ['weight 0', { capital: { split: [arm('a', 0), arm('b', 100)] } }, 'spec.capital.split[0].weight', '>= 1'],
  [
    'duplicate arm names',
    { capital: { split: [arm('a', 50), arm('a', 50)] } },
    'spec.capital.split',
    'unique',
  ],
  [
    'arm name not a DNS label',
    { capital: { split: [arm('Enhanced', 100)] } },
    'spec.capital.split[0].name',
    'pattern',
  ],
  [
    'arm without layers',
    { capital: { split: [arm('a', 100, [])] } },
    'spec.capital.split[0].layers',
    'fewer than 1',
  ],
  [
    'unknown layer',
    { capital: { split: [arm('a', 100, ['magic'])] } },
    'spec.capital.split[0].layers[0]',
    'Unsupported value',
  ],
  [
    'duplicate layer',
    { capital: { split: [arm('a', 100, ['ml', 'ml'])] } },
    'spec.capital.split[0].layers[1]',
    'Duplicate',
  ],
  [
    'live without credentials',
    { mode: 'live' },
    'spec.credentialsSecretRef',
    'required when spec.mode is live',
  ],
  ['unknown mode', { mode: 'yolo' }, 'spec.mode', 'supported values: "paper", "live"'],
  [
    'rsi oversold above overbought',
    { engine: { technical: { rsi: { oversold: 75 } } } },
    'spec.engine.technical.rsi.oversold',
    'less than rsi.overbought',
  ],
  [
    'rsi oversold equal to overbought',
    { engine: { technical: { rsi: { oversold: 50, overbought: 50 } } } },
    'spec.engine.technical.rsi.oversold',
    'less than',
  ],
  [
    'macd fast not below slow',
    { engine: { technical: { macd: { fast: 26 } } } },
    'spec.engine.technical.macd.fast',
    'less than macd.slow',
  ],
  [
    'bollinger edge 0.5',
    { engine: { technical: { bollinger: { edge: 0.5 } } } },
    'spec.engine.technical.bollinger.edge',
    '< 0.5',
  ],
  [
    'volume surge 0',
    { engine: { technical: { volumeSurge: 0 } } },
    'spec.engine.technical.volumeSurge',
    '> 0',
  ],
  [
    'confidence above 1',
    { engine: { technical: { confidence: { two: 1.5 } } } },
    'spec.engine.technical.confidence.two',
    '<= 1',
  ],
  [
    'trend EMAs inverted',
    { engine: { multiTimeframe: { trendFastPeriod: 60 } } },
    'spec.engine.multiTimeframe.trendFastPeriod',
    'less than trendSlowPeriod',
  ],
  [
    'entry RSI bands crossed',
    { engine: { multiTimeframe: { entryRsiBuyBelow: 60 } } },
    'spec.engine.multiTimeframe.entryRsiBuyBelow',
    'entryRsiSellAbove',
  ],
  [
    'unknown timeframe',
    { engine: { multiTimeframe: { trend: '2h' } } },
    'spec.engine.multiTimeframe.trend',
    'Unsupported value',
  ],
  [
    'min confidence above max',
    { engine: { combine: { minConfidence: 0.99 } } },
    'spec.engine.combine.minConfidence',
    'maxConfidence',
  ],
  [
    'boost below 1',
    { engine: { combine: { agreementBoost: 0.9 } } },
    'spec.engine.combine.agreementBoost',
    '>= 1',
  ],
  ['sellBelow above buyAbove', { ml: { sellBelow: 0.6 } }, 'spec.ml.sellBelow', 'ml.buyAbove'],
  [
    'cron with 4 fields',
    { ml: { retrain: { schedule: '0 3 * *' } } },
    'spec.ml.retrain.schedule',
    'cron schedule',
  ],
  [
    'cron with 6 fields',
    { ml: { retrain: { schedule: '0 0 3 * * *' } } },
    'spec.ml.retrain.schedule',
    'cron schedule',
  ],
  [
    'cron with bad characters',
    { ml: { retrain: { schedule: '0 3 * * $' } } },
    'spec.ml.retrain.schedule',
    'cron schedule',
  ],
  ['daily loss limit 0', { risk: { dailyLossLimitPct: 0 } }, 'spec.risk.dailyLossLimitPct', '> 0'],
  [
    'daily loss limit above 100',
    { risk: { dailyLossLimitPct: 101 } },
    'spec.risk.dailyLossLimitPct',
    '<= 100',
  ],
  ['max position 0', { risk: { maxPositionPct: 0 } }, 'spec.risk.maxPositionPct', '> 0'],
  [
    'rollback on a positive return',
    { risk: { rollback: { dailyReturnPct: 1 } } },
    'spec.risk.rollback.dailyReturnPct',
    '< 0',
  ],
  [
    'rollback on a zero return',
    { risk: { rollback: { dailyReturnPct: 0 } } },
    'spec.risk.rollback.dailyReturnPct',
    '< 0',
  ],
  [
    'rollback after 0 days',
    { risk: { rollback: { consecutiveDays: 0 } } },
    'spec.risk.rollback.consecutiveDays',
    '>= 1',
  ],
  ['http websocket url', { exchange: { websocketUrl: 'http://x' } }, 'spec.exchange.websocketUrl', 'pattern'],
  ['unknown field', { cycleSecs: 60 }, 'spec.cycleSecs', 'unknown field'],
  ['unknown nested field', { risk: { stopLoss: 5 } }, 'spec.risk.stopLoss', 'unknown field'],
  [
    'credentials without name',
    { mode: 'live', credentialsSecretRef: {} },
    'spec.credentialsSecretRef',
    'name',
  ],
];

const VALID: [string, unknown][] = [
  ['empty spec (all defaults)', {}],
  ['cycle at its bounds', { cycleSeconds: 10 }],
  ['cycle at its upper bound', { cycleSeconds: 3600 }],
  ['20 markets', { markets: Array.from({ length: 20 }, (_, i) => `KRW-C${i}`) }],
  [
    'one arm with everything',
    { capital: { split: [arm('all', 100, ['technical', 'multiTimeframe', 'ml', 'rl'])] } },
  ],
  ['three arms summing to 100', { capital: { split: [arm('a', 34), arm('b', 33), arm('c', 33)] } }],
  ['live with credentials', { mode: 'live', credentialsSecretRef: { name: 'upbit-keys' } }],
  ['sellBelow equal to buyAbove', { ml: { sellBelow: 0.5, buyAbove: 0.5 } }],
  [
    'seed tuning candidates',
    { engine: { technical: { rsi: { oversold: 25 }, volumeSurge: 1.5, bollinger: { edge: 0.15 } } } },
  ],
  ['cron with ranges, steps and names', { ml: { retrain: { schedule: '*/15 1-5 * JAN-MAR MON,FRI' } } }],
  ['cron macro', { ml: { retrain: { schedule: '@daily' } } }],
  ['rollback after one day', { risk: { rollback: { consecutiveDays: 1, dailyReturnPct: -0.5 } } }],
];

describe('validateSpec', () => {
  it.each(INVALID)('rejects %s', (_what, spec, path, message) => {
    const issues = validateSpec(spec);
    const issue = issues.find((i) => i.path === path);
    expect(issue, `issues: ${issues.map(formatIssue).join('; ')}`).toBeDefined();
    expect(issue?.message).toContain(message);
  });

  it.each(VALID)('accepts %s', (_what, spec) => {
    expect(validateSpec(spec).map(formatIssue)).toEqual([]);
  });

  it('names the field and shows the value in the formatted message', () => {
    const [issue] = validateSpec({ cycleSeconds: 5 });
    expect(formatIssue(issue!)).toBe('spec.cycleSeconds: Invalid value: 5: must be >= 10');
  });

  it('has a rejecting case in the table for every CEL rule of the schema', () => {
    const rules: CelValidation[] = [];
    const visit = (node: Record<string, unknown>) => {
      rules.push(...((node['x-kubernetes-validations'] as CelValidation[] | undefined) ?? []));
      for (const child of Object.values((node.properties ?? {}) as Record<string, Record<string, unknown>>))
        visit(child);
      if (node.items) visit(node.items as Record<string, unknown>);
    };
    visit(TradingBotSpecSchema as unknown as Record<string, unknown>);
    expect(rules.length).toBeGreaterThan(0);
    const messages = INVALID.flatMap(([, spec]) => validateSpec(spec).map((i) => i.message));
    for (const rule of rules) expect(messages, rule.rule).toContain(rule.message);
  });
});
