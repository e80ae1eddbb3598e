// `kubetrade retrain`: the nightly retrain CronJob's command (operator/src/tradingbot/workload.ts runs
// `retrain --config /etc/kubetrade/runtime-config.json`), and the same job run by hand. Candles come
// from --data, else from what `kubetrade collect` stored (DATABASE_URL / KUBETRADE_DATA_DIR); the
// registry lives in the same store. In a pod (KUBETRADE_BOT_NAMESPACE/NAME) it writes
// status.lastRetrain. Any failure exits non-zero, so the Job fails and the operator shows it.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FlagSpec, helpText, parseDateFlag, parseFlags, parseIntFlag } from '../cli/args.ts';
import type { CommandIo } from '../cli/backtest-command.ts';
import { CliError } from '../cli/errors.ts';
import { loadRuntimeConfigFile, loadSpecFile } from '../cli/load-spec.ts';
import { openStoreFromEnv, storeDescription } from '../cli/open-store.ts';
import { MarketDataError } from '../market/data-issue.ts';
import { ReplaySource } from '../market/replay-source.ts';
import type { MarketSource } from '../market/source.ts';
import { ModelRegistry } from '../model-registry/registry.ts';
import { botIdentityFromEnv, ENV_BOT_NAME, ENV_BOT_NAMESPACE } from '../status/kube-status.ts';
import { RetrainError } from './errors.ts';
import { writeLastRetrain } from './last-retrain-status.ts';
import { retrain } from './retrain.ts';
import { StoreMarketSource } from './store-source.ts';
import { type ModelKindTrained, TRAINED_KINDS } from './trainer.ts';

function parseKinds(text: string | undefined): ModelKindTrained[] | undefined {
  if (text === undefined) return undefined;
  const kinds = text.split(',');
  const bad = kinds.find((k) => !(TRAINED_KINDS as readonly string[]).includes(k));
  if (bad !== undefined || kinds.length === 0) {
    throw new CliError(
      'BAD_FLAG_VALUE',
      `kubetrade retrain: --models ${JSON.stringify(text)}: use ${TRAINED_KINDS.join(', ')}`,
    );
  }
  return kinds as ModelKindTrained[];
}

export const RETRAIN_SUMMARY =
  'Retrains the ML models (LightGBM + LSTM), promotes a model only if it beats the serving one by spec.ml.retrain.promotionMargin, and records every model in the registry.';

/** Latest days of data held out for the promotion score, unless --holdout-days says otherwise. */
const DEFAULT_HOLDOUT_DAYS = 14;

export const RETRAIN_FLAGS = {
  file: { type: 'string', short: 'f', value: 'FILE', description: 'TradingBot YAML (or --config)' },
  config: {
    type: 'string',
    value: 'FILE',
    description: 'RuntimeConfig JSON rendered by the operator (in-cluster form)',
  },
  data: {
    type: 'string',
    value: 'DIR',
    description: 'candle files (../shared/data layout) instead of the collected candles in the store',
  },
  from: { type: 'string', value: 'DATE', description: 'first candle used (YYYY-MM-DD, UTC)' },
  to: { type: 'string', value: 'DATE', description: 'end of the candles used (exclusive)' },
  out: {
    type: 'string',
    value: 'DIR',
    description: 'working folder for features, ONNX files and model cards (default: a temp dir)',
  },
  'holdout-days': {
    type: 'string',
    value: 'N',
    description: `latest days held out for the promotion score (default ${DEFAULT_HOLDOUT_DAYS})`,
  },
  models: {
    type: 'string',
    value: 'LIST',
    description: `models to train, comma-separated (default ${TRAINED_KINDS.join(',')})`,
  },
  degrade: {
    type: 'boolean',
    description: 'train on shuffled labels: a deliberately worse candidate (promotion drills)',
  },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
} satisfies FlagSpec;

export async function retrainCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const flags = parseFlags('retrain', RETRAIN_FLAGS, argv);
  if (flags.help) {
    io.stdout.write(helpText('retrain', RETRAIN_SUMMARY, RETRAIN_FLAGS));
    return 0;
  }
  if ((flags.file === undefined) === (flags.config === undefined)) {
    throw new CliError(
      'USAGE',
      'kubetrade retrain: give exactly one of -f/--file <tradingbot.yaml> or --config <runtime-config.json>',
    );
  }
  const { spec } = flags.config
    ? await loadRuntimeConfigFile('retrain', flags.config)
    : await loadSpecFile('retrain', flags.file);
  const from = parseDateFlag('retrain', 'from', flags.from);
  const to = parseDateFlag('retrain', 'to', flags.to);
  const holdoutDays =
    parseIntFlag('retrain', 'holdout-days', flags['holdout-days'], 1) ?? DEFAULT_HOLDOUT_DAYS;
  const kinds = parseKinds(flags.models);
  const inPod = !!(process.env[ENV_BOT_NAMESPACE] || process.env[ENV_BOT_NAME]);
  const bot = inPod ? botIdentityFromEnv() : undefined;
  const log = (line: string): void => {
    io.stderr.write(`retrain: ${line}\n`);
  };

  const store = await openStoreFromEnv('kubetrade-retrain');
  try {
    log(`registry and collected candles: ${storeDescription()}`);
    const source: MarketSource = flags.data
      ? await ReplaySource.open(flags.data)
      : new StoreMarketSource(store.market, spec.markets);
    const results = await retrain({
      spec,
      source,
      range: { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) },
      registry: new ModelRegistry(store.db),
      out: flags.out ?? (await mkdtemp(join(tmpdir(), 'kubetrade-retrain-'))),
      now: new Date(),
      holdoutDays,
      ...(flags.degrade ? { degrade: true } : {}),
      ...(kinds ? { kinds } : {}),
      log,
    });
    for (const r of results) {
      io.stdout.write(
        `${r.name}@${r.version}: hold-out AUC ${r.score.toFixed(4)}${r.currentScore !== undefined ? ` (serving ${r.currentScore.toFixed(4)})` : ''} -> ${r.decision.promote ? 'promoted' : 'candidate'}: ${r.decision.reason}\n`,
      );
    }
    // status.lastRetrain reports the served model (LightGBM, spec.ml.model); the first one otherwise.
    const served = results.find((r) => r.kind === 'lgbm') ?? results[0]!;
    if (bot) {
      await writeLastRetrain(bot, {
        time: new Date().toISOString(),
        modelVersion: served.version,
        score: served.score,
        promoted: served.decision.promote,
      });
      log(`status.lastRetrain of ${bot.namespace}/${bot.name} written`);
    }
    return 0;
  } catch (e) {
    if (e instanceof RetrainError)
      throw new CliError(e.code === 'NO_DATA' ? 'DATA' : 'MODEL', `kubetrade retrain: ${e.message}`);
    if (e instanceof MarketDataError) throw new CliError('DATA', `kubetrade retrain: ${e.message}`);
    throw e;
  } finally {
    await store.close();
  }
}
