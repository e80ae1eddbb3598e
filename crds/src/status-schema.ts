// The observed state of a TradingBot. The operator writes everything but `performance`, which the
// bot-runtime writes with its own field manager; the rollback rule reads performance.dailyReturns.
import Type from 'typebox';
import { objectOptions } from './fields.ts';

export const PHASES = ['Pending', 'Running', 'Paused', 'RolledBack', 'Degraded'] as const;
/** KST calendar day, YYYY-MM-DD. */
export const DATE_PATTERN = '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$';
/** status.performance.dailyReturns keeps this many days (newest last). */
export const DAILY_RETURNS_KEPT = 60;

const time = (description: string) =>
  Type.Optional(Type.String({ description, format: 'date-time', maxLength: 64 }));
const revision = (description: string) => Type.Optional(Type.String({ description, maxLength: 253 }));
const number = (description: string) => Type.Optional(Type.Number({ description }));
const count = (description: string) =>
  Type.Optional(Type.Integer({ description, minimum: 0, format: 'int64' }));
const krw = (description: string) => Type.Optional(Type.Integer({ description, format: 'int64' }));
const list = <T extends Parameters<typeof Type.Array>[0]>(description: string, item: T, maxItems: number) =>
  Type.Optional(Type.Array(item, { description, maxItems }));

const dailyReturn = Type.Object(
  {
    date: Type.String({ description: 'KST calendar day, YYYY-MM-DD.', pattern: DATE_PATTERN, maxLength: 10 }),
    returnPct: Type.Number({ description: 'Return of that day in percent.' }),
  },
  objectOptions('Return of one KST day.'),
);

// Shaped exactly like metav1.Condition so kubectl, kstatus and dashboards read it.
const condition = Type.Object(
  {
    type: Type.String({
      description: 'Condition type: Ready, Progressing, RolledBack, DailyLossLimit, Degraded.',
      maxLength: 316,
      pattern:
        '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
    }),
    status: Type.Enum(['True', 'False', 'Unknown'], { description: 'True, False or Unknown.' }),
    observedGeneration: Type.Optional(
      Type.Integer({
        description: 'metadata.generation the condition was set for.',
        minimum: 0,
        format: 'int64',
      }),
    ),
    lastTransitionTime: Type.String({ description: 'When status last changed.', format: 'date-time' }),
    reason: Type.String({
      description: 'CamelCase reason for the last transition.',
      minLength: 1,
      maxLength: 1024,
      pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
    }),
    message: Type.String({ description: 'Human-readable details.', maxLength: 32768 }),
  },
  objectOptions('A standard condition (metav1.Condition).'),
);

const armPerformance = Type.Object(
  {
    name: Type.String({ description: 'Arm name from spec.capital.split.', maxLength: 63 }),
    equityKRW: krw('Equity of the arm in KRW.'),
    returnPct: number('Return since the revision started, percent.'),
    trades: count('Closed trades.'),
    winRate: number('Winning closed trades / closed trades, 0..1.'),
    maxDrawdownPct: number('Maximum drawdown, percent (negative or 0).'),
    sharpe: number('Annualised Sharpe ratio of daily returns.'),
    averageConfidence: number('Average confidence of traded signals, 0..1.'),
  },
  objectOptions('Performance of one A/B arm.'),
);

const layerSignal = Type.Object(
  {
    market: Type.String({ description: 'Market, e.g. KRW-BTC.', maxLength: 26 }),
    layer: Type.String({ description: 'technical, multiTimeframe, ml, rl or enhanced.', maxLength: 32 }),
    action: Type.Enum(['BUY', 'SELL', 'HOLD'], { description: 'Latest action of the layer.' }),
    confidence: Type.Number({ description: 'Confidence of that action, 0..1.', minimum: 0, maximum: 1 }),
  },
  objectOptions("A layer's latest signal for one market."),
);

const completeness = Type.Object(
  {
    timeframe: Type.String({ description: 'Timeframe, e.g. 5m.', maxLength: 8 }),
    market: Type.String({ description: 'Market, e.g. KRW-BTC.', maxLength: 26 }),
    pct: Type.Number({
      description: 'Collected candles / candles kept (SPEC table), percent.',
      minimum: 0,
      maximum: 100,
    }),
  },
  objectOptions('How much of the SPEC history window is collected.'),
);

const servingModel = Type.Object(
  {
    name: Type.String({ description: 'spec.ml.model: the registry name of the ML model.', maxLength: 253 }),
    version: Type.String({
      description: "Version served now: the registry's, or the file's kubetrade.model_version.",
      maxLength: 253,
    }),
    trainedAt: time("When it was trained (the file's kubetrade.trained_at)."),
  },
  objectOptions('The ML model the runtime serves now (it changes on a hot reload).'),
);

const performance = Type.Optional(
  Type.Object(
    {
      revision: revision('Revision the runtime that reports this runs.'),
      equityKRW: krw('Total equity in KRW.'),
      maxDrawdownPct: number('Maximum drawdown, percent (negative or 0).'),
      trades: count('Closed trades.'),
      winRate: number('Winning closed trades / closed trades, 0..1.'),
      sharpe: number('Annualised Sharpe ratio of daily returns.'),
      averageConfidence: number('Average confidence of traded signals, 0..1.'),
      updateTime: time('When the runtime wrote this report.'),
      arms: list('Per A/B arm (SPEC A/B comparison).', armPerformance, 10),
      dailyReturns: list(
        `Daily returns by KST day, newest last, at most ${DAILY_RETURNS_KEPT}; read by the rollback rule.`,
        dailyReturn,
        DAILY_RETURNS_KEPT,
      ),
      layers: list("Each layer's latest signal per market.", layerSignal, 100),
      dataCompleteness: list('Collected history per timeframe and market.', completeness, 100),
      model: Type.Optional(servingModel),
    },
    objectOptions('Written by the bot-runtime.'),
  ),
);

const rollback = Type.Object(
  {
    time: Type.String({ description: 'When the rollback happened.', format: 'date-time', maxLength: 64 }),
    fromRevision: Type.String({ description: 'Revision that was rolled back.', maxLength: 253 }),
    toRevision: Type.String({ description: 'Revision that runs instead.', maxLength: 253 }),
    reason: Type.String({ description: 'Why, in words.', maxLength: 1024 }),
    days: list('The bad days that tripped the rule.', dailyReturn, DAILY_RETURNS_KEPT),
  },
  objectOptions('One automatic rollback.'),
);

export const TradingBotStatusSchema = Type.Object(
  {
    phase: Type.Optional(
      Type.Enum(PHASES, { description: 'Pending, Running, Paused, RolledBack or Degraded.' }),
    ),
    observedGeneration: Type.Optional(
      Type.Integer({
        description: 'metadata.generation the operator last acted on.',
        minimum: 0,
        format: 'int64',
      }),
    ),
    conditions: Type.Optional(
      Type.Array(condition, {
        description: 'Standard conditions: Ready, Progressing, RolledBack, DailyLossLimit, Degraded.',
        maxItems: 16,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['type'],
      }),
    ),
    currentRevision: revision('Revision of the current spec.'),
    stableRevision: revision('Last revision that ran without tripping the rollback rule.'),
    runningRevision: revision(
      'Revision the runtime runs now (differs from currentRevision after a rollback).',
    ),
    lastReconcileTime: time('Time of the last successful reconcile.'),
    rollbacks: list('Automatic rollbacks, newest last.', rollback, 20),
    performance,
    lastRetrain: Type.Optional(
      Type.Object(
        {
          time: time('When the retrain finished.'),
          modelVersion: Type.Optional(
            Type.String({ description: 'Version of the trained model.', maxLength: 253 }),
          ),
          score: number('Validation score of the trained model.'),
          promoted: Type.Optional(
            Type.Boolean({ description: 'Whether the model replaced the serving one.' }),
          ),
        },
        objectOptions('Last nightly retrain.'),
      ),
    ),
  },
  objectOptions('Observed state, written by the operator (performance: by the runtime).'),
);
