// THE TradingBot API: the one source of truth for the CRD (generate.ts), the TS types (Static<>),
// the field reference (docs/reference/tradingbot.md) and local validation (validate.ts).
// Every default is a seed value from ../shared/SPEC.md; bounds keep CEL cost estimates finite.
import Type from 'typebox';
import { cel } from './cel.ts';
import { combine, multiTimeframe, technical } from './engine-schema.ts';
import { bool, int, num, objectOptions, oneOf, ratio, section, str } from './fields.ts';
import { TradingBotStatusSchema } from './status-schema.ts';

/** DNS label (RFC 1123): what an arm name must be so it can appear in labels, metrics and names. */
export const DNS_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
/** Upbit market code, QUOTE-BASE: KRW-BTC, BTC-ETH, USDT-XRP. */
export const MARKET_PATTERN = '^[A-Z]{2,10}-[A-Z0-9]{1,15}$';
/** Five cron fields (or a CronJob macro); only the characters cron accepts. Spaces, not tabs. */
export const CRON_PATTERN =
  '^(@(annually|yearly|monthly|weekly|daily|midnight|hourly)|[0-9A-Za-z*,/?-]+( +[0-9A-Za-z*,/?-]+){4})$';

export const LAYERS = ['technical', 'multiTimeframe', 'ml', 'rl'] as const;

const pct = (description: string, defaultValue: number) =>
  num(description, defaultValue, { exclusiveMinimum: 0, maximum: 100 });

const exchange = section('The exchange the bot trades on and reads live prices from.', {
  name: oneOf(
    'Exchange: `upbit` or `simulated` (an in-process exchange for demos and tests).',
    ['upbit', 'simulated'],
    'upbit',
  ),
  baseUrl: str('REST endpoint of the exchange.', 'https://api.upbit.com', {
    maxLength: 2048,
    pattern: '^https?://',
  }),
  websocketUrl: str('WebSocket endpoint of the exchange.', 'wss://api.upbit.com/websocket/v1', {
    maxLength: 2048,
    pattern: '^wss?://',
  }),
});

const marketData = section('Where candles come from.', {
  source: oneOf(
    '`synthetic` (seeded random walk, no network), `replay` (candle files under `path`) or `exchange` (live).',
    ['synthetic', 'replay', 'exchange'],
    'synthetic',
  ),
  seed: int('Seed of the synthetic market, so runs are reproducible.', 1, {
    minimum: 0,
    maximum: 2147483647,
  }),
  path: str('replay: a folder or file of candles.', undefined, { maxLength: 4096, minLength: 1 }),
});

const arm = Type.Object(
  {
    name: Type.String({
      description: 'Arm name (DNS label); appears in metrics and status.performance.arms.',
      minLength: 1,
      maxLength: 63,
      pattern: DNS_LABEL_PATTERN,
    }),
    weight: Type.Integer({
      description: 'Percent of capital.totalKRW given to this arm.',
      minimum: 1,
      maximum: 100,
    }),
    layers: Type.Array(Type.Enum(LAYERS), {
      description: 'Signal layers this arm trades on: technical, multiTimeframe, ml, rl (SPEC layers 1-3).',
      minItems: 1,
      maxItems: LAYERS.length,
      'x-kubernetes-list-type': 'set',
    }),
    mlValidation: bool(
      "ML confirms or vetoes this arm's signals (SPEC: auxiliary, never trades alone here).",
      false,
    ),
  },
  objectOptions('One A/B arm: a sleeve of capital traded by a set of layers.'),
);

const capital = section('Capital and its A/B split.', {
  totalKRW: int('Total capital in KRW (integer won).', 10_000_000, {
    minimum: 5000,
    maximum: 1_000_000_000_000_000,
    format: 'int64',
  }),
  split: Type.Optional(
    Type.Array(arm, {
      description:
        'A/B arms (SPEC: 50% enhanced engine, 50% plain ML). Weights sum to 100; names are unique.',
      minItems: 1,
      maxItems: 10,
      default: [
        { name: 'enhanced', weight: 50, layers: ['technical', 'multiTimeframe'], mlValidation: true },
        { name: 'ml', weight: 50, layers: ['ml'], mlValidation: false },
      ],
      'x-kubernetes-validations': [
        cel<{ weight: number }[]>(
          'self.map(a, a.weight).sum() == 100',
          'arm weights in spec.capital.split must sum to 100',
          (arms) => arms.reduce((sum, a) => sum + a.weight, 0) === 100,
        ),
        cel<{ name: string }[]>(
          'self.all(a, self.exists_one(b, b.name == a.name))',
          'arm names in spec.capital.split must be unique',
          (arms) => new Set(arms.map((a) => a.name)).size === arms.length,
        ),
      ],
    }),
  ),
});

const ml = section(
  'The ML layer (ONNX in the runtime) and its nightly retraining.',
  {
    model: str('Model name.', 'lgbm-krw', {
      maxLength: 63,
      minLength: 1,
      pattern: '^[a-z0-9]([-a-z0-9._]*[a-z0-9])?$',
    }),
    modelPath: str(
      'ONNX file the runtime loads; the bot refuses to start if it is set (or needed) and missing or malformed.',
      undefined,
      { maxLength: 4096, minLength: 1 },
    ),
    buyAbove: ratio('ML arm alone: p(up) >= buyAbove -> BUY.', 0.55),
    sellBelow: ratio('ML arm alone: p(up) <= sellBelow -> SELL.', 0.45),
    vetoBelow: ratio(
      'mlValidation: BUY vetoed if p(up) < vetoBelow; SELL vetoed if p(up) > 1 - vetoBelow.',
      0.45,
    ),
    retrain: section(
      'Nightly retraining (SPEC: 03:00 Asia/Seoul), run as a CronJob.',
      {
        schedule: str('Cron schedule, five fields (or a macro such as @daily).', '0 3 * * *', {
          maxLength: 100,
          minLength: 1,
        }),
        timeZone: str('IANA time zone of the schedule.', 'Asia/Seoul', {
          maxLength: 64,
          minLength: 1,
          pattern: '^[A-Za-z][A-Za-z0-9_+/-]*$',
        }),
        promotionMargin: num(
          'A retrained model is promoted only if it beats the current one by this score.',
          0.01,
          {
            minimum: 0,
            maximum: 1,
          },
        ),
      },
      [
        cel<{ schedule: string }>(
          `self.schedule.matches('${CRON_PATTERN}')`,
          'spec.ml.retrain.schedule must be a cron schedule of 5 space-separated fields (e.g. "0 3 * * *") or a macro like @daily',
          (s) => new RegExp(CRON_PATTERN).test(s.schedule),
          { fieldPath: '.schedule' },
        ),
      ],
    ),
  },
  [
    cel<{ sellBelow: number; buyAbove: number }>(
      'self.sellBelow <= self.buyAbove',
      'spec.ml.sellBelow must not exceed ml.buyAbove',
      (s) => s.sellBelow <= s.buyAbove,
      { fieldPath: '.sellBelow' },
    ),
  ],
);

const risk = section('Risk limits and the rollback rule.', {
  dailyLossLimitPct: pct('Daily loss (KST day) that stops new entries until the next KST day.', 3),
  maxPositionPct: pct("Largest position per market, in percent of the arm's equity.", 25),
  minOrderKRW: int('Smallest order in KRW (Upbit minimum; KRW markets only).', 5000, {
    minimum: 1,
    maximum: 1_000_000_000_000,
    format: 'int64',
  }),
  feePct: num('Exchange fee per side, percent.', 0.05, { minimum: 0, maximum: 10 }),
  slippagePct: num('Slippage the paper broker applies, percent.', 0.05, { minimum: 0, maximum: 10 }),
  rollback: section(
    'SPEC rollback rule: N consecutive KST days at or below dailyReturnPct -> previous revision.',
    {
      dailyReturnPct: num('A day counts as bad at or below this return (percent, negative).', -2, {
        minimum: -100,
        exclusiveMaximum: 0,
      }),
      // status.performance.dailyReturns keeps 60 days, so a longer window could never trip.
      consecutiveDays: int('Consecutive bad days that trigger a rollback.', 3, { minimum: 1, maximum: 60 }),
    },
  ),
});

export const TradingBotSpecSchema = Type.Object(
  {
    exchange,
    mode: oneOf(
      '`paper` trades with the paper broker; `live` places real orders and needs credentialsSecretRef.',
      ['paper', 'live'],
      'paper',
    ),
    marketData,
    markets: Type.Optional(
      Type.Array(Type.String({ maxLength: 26, pattern: MARKET_PATTERN }), {
        description: 'Markets to trade, QUOTE-BASE like Upbit (KRW-BTC). Unique, 1 to 20.',
        minItems: 1,
        maxItems: 20,
        'x-kubernetes-list-type': 'set',
        default: ['KRW-BTC', 'KRW-ETH', 'KRW-XRP', 'KRW-SOL'],
      }),
    ),
    cycleSeconds: int('Seconds between trading cycles (SPEC: 60; the previous version used 300).', 60, {
      minimum: 10,
      maximum: 3600,
    }),
    capital,
    engine: section('Signal engines; every SPEC threshold, seed values as defaults.', {
      technical,
      multiTimeframe,
      combine,
    }),
    ml,
    rl: section('Layer 3, the reinforcement-learning agent.', {
      policyPath: str('ONNX policy file for the rl layer.', undefined, { maxLength: 4096, minLength: 1 }),
    }),
    risk,
    credentialsSecretRef: Type.Optional(
      Type.Object(
        {
          name: Type.String({
            description: 'Name of a Secret in the bot namespace with the exchange API keys.',
            minLength: 1,
            maxLength: 253,
            pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$',
          }),
        },
        objectOptions('Secret with the exchange API keys; required in live mode.'),
      ),
    ),
    paused: bool('Stops the runtime (scaled to 0) and suspends retraining; the spec is kept.', false),
  },
  objectOptions('Desired state of a trading bot.', [
    cel<{ mode: string; credentialsSecretRef?: unknown }>(
      "self.mode != 'live' || has(self.credentialsSecretRef)",
      'spec.credentialsSecretRef is required when spec.mode is live',
      (s) => s.mode !== 'live' || s.credentialsSecretRef !== undefined,
      { fieldPath: '.credentialsSecretRef', reason: 'FieldValueRequired' },
    ),
  ]),
);

export { TIMEFRAMES } from './engine-schema.ts';
export { TradingBotStatusSchema };

export type TradingBotSpec = Type.Static<typeof TradingBotSpecSchema>;
export type TradingBotStatus = Type.Static<typeof TradingBotStatusSchema>;
