// Table of good and bad specs shared by the unit tests (TS validation) and crd.int.test.ts
// (the same specs against the real apiserver), so both sides of every rule are shown to agree.

const arm = (name: string, weight: number, layers: string[] = ['ml']) => ({ name, weight, layers });

/** [what, spec, field path the error names, substring of the message (same words as the apiserver)] */
export const INVALID_SPECS: [string, unknown, string, string][] = [
  ['cycle below 10 s', { cycleSeconds: 9 }, 'spec.cycleSeconds', 'should be greater than or equal to 10'],
  [
    'cycle above an hour',
    { cycleSeconds: 3601 },
    'spec.cycleSeconds',
    'should be less than or equal to 3600',
  ],
  ['fractional cycle', { cycleSeconds: 60.5 }, 'spec.cycleSeconds', 'must be of type integer'],
  ['lower-case market', { markets: ['krw-btc'] }, 'spec.markets[0]', 'should match'],
  ['market without quote', { markets: ['BTC'] }, 'spec.markets[0]', 'should match'],
  ['no markets', { markets: [] }, 'spec.markets', 'should have at least 1 items'],
  [
    '21 markets',
    { markets: Array.from({ length: 21 }, (_, i) => `KRW-C${i}`) },
    'spec.markets',
    'must have at most 20 items',
  ],
  ['duplicate markets', { markets: ['KRW-BTC', 'KRW-BTC'] }, 'spec.markets[1]', 'Duplicate value'],
  [
    'capital below the minimum order',
    { capital: { totalKRW: 4999 } },
    'spec.capital.totalKRW',
    'should be greater than or equal to 5000',
  ],
  ['fractional won', { capital: { totalKRW: 10000.5 } }, 'spec.capital.totalKRW', 'must be of type integer'],
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
  [
    'weight 0',
    { capital: { split: [arm('a', 0), arm('b', 100)] } },
    'spec.capital.split[0].weight',
    'should be greater than or equal to 1',
  ],
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
    'should match',
  ],
  [
    'arm without layers',
    { capital: { split: [arm('a', 100, [])] } },
    'spec.capital.split[0].layers',
    'should have at least 1 items',
  ],
  [
    'unknown layer',
    { capital: { split: [arm('a', 100, ['magic'])] } },
    'spec.capital.split[0].layers[0]',
    'supported values',
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
    'should be less than 0.5',
  ],
  [
    'volume surge 0',
    { engine: { technical: { volumeSurge: 0 } } },
    'spec.engine.technical.volumeSurge',
    'should be greater than 0',
  ],
  [
    'confidence above 1',
    { engine: { technical: { confidence: { two: 1.5 } } } },
    'spec.engine.technical.confidence.two',
    'should be less than or equal to 1',
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
    'trend on a shorter timeframe than entry',
    { engine: { multiTimeframe: { trend: '5m' } } },
    'spec.engine.multiTimeframe.momentum',
    'momentum must not be a longer timeframe than trend',
  ],
  [
    'entry on a longer timeframe than momentum',
    { engine: { multiTimeframe: { entry: '1h' } } },
    'spec.engine.multiTimeframe.entry',
    'entry must not be a longer timeframe than momentum',
  ],
  [
    'unknown timeframe',
    { engine: { multiTimeframe: { trend: '2h' } } },
    'spec.engine.multiTimeframe.trend',
    'supported values',
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
    'should be greater than or equal to 1',
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
  [
    'daily loss limit 0',
    { risk: { dailyLossLimitPct: 0 } },
    'spec.risk.dailyLossLimitPct',
    'should be greater than 0',
  ],
  [
    'daily loss limit above 100',
    { risk: { dailyLossLimitPct: 101 } },
    'spec.risk.dailyLossLimitPct',
    'should be less than or equal to 100',
  ],
  ['max position 0', { risk: { maxPositionPct: 0 } }, 'spec.risk.maxPositionPct', 'should be greater than 0'],
  [
    'rollback on a positive return',
    { risk: { rollback: { dailyReturnPct: 1 } } },
    'spec.risk.rollback.dailyReturnPct',
    'should be less than 0',
  ],
  [
    'rollback on a zero return',
    { risk: { rollback: { dailyReturnPct: 0 } } },
    'spec.risk.rollback.dailyReturnPct',
    'should be less than 0',
  ],
  [
    'rollback after 0 days',
    { risk: { rollback: { consecutiveDays: 0 } } },
    'spec.risk.rollback.consecutiveDays',
    'should be greater than or equal to 1',
  ],
  [
    'http websocket url',
    { exchange: { websocketUrl: 'http://x' } },
    'spec.exchange.websocketUrl',
    'should match',
  ],
  ['unknown field "spec.', { cycleSecs: 60 }, 'spec.cycleSecs', 'unknown field "spec.'],
  ['unknown nested field', { risk: { stopLoss: 5 } }, 'spec.risk.stopLoss', 'unknown field "spec.'],
  [
    'credentials without name',
    { mode: 'live', credentialsSecretRef: {} },
    'spec.credentialsSecretRef.name',
    'Required value',
  ],
];

export const VALID_SPECS: [string, unknown][] = [
  ['empty spec (all defaults)', {}],
  ['null sections (dropped, then defaulted)', { engine: null, risk: { rollback: null }, markets: null }],
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
  ['equal timeframes', { engine: { multiTimeframe: { trend: '15m', momentum: '15m', entry: '15m' } } }],
  [
    'slower layer 2 (1d / 1h / 15m)',
    { engine: { multiTimeframe: { trend: '1d', momentum: '1h', entry: '15m' } } },
  ],
  ['rollback after one day', { risk: { rollback: { consecutiveDays: 1, dailyReturnPct: -0.5 } } }],
];

/**
 * One schema-valid spec that breaks every CEL rule at once. crd.int.test.ts polls with it until the
 * apiserver enforces the CRD it just applied (a CRD update reaches the validators asynchronously);
 * a unit test keeps it breaking every rule the schema declares.
 */
export const EVERY_RULE_BROKEN = {
  mode: 'live',
  capital: { split: [arm('a', 60), arm('a', 30)] },
  engine: {
    technical: { rsi: { oversold: 75, overbought: 70 }, macd: { fast: 30, slow: 26 } },
    multiTimeframe: {
      entry: '1d',
      momentum: '1h',
      trend: '15m',
      trendFastPeriod: 60,
      trendSlowPeriod: 50,
      entryRsiBuyBelow: 60,
      entryRsiSellAbove: 55,
    },
    combine: { minConfidence: 0.99, maxConfidence: 0.95 },
  },
  ml: { sellBelow: 0.6, buyAbove: 0.55, retrain: { schedule: 'at 3am' } },
};
