// `kubetrade backtest`: one command replays a period through the same loop as `run` and prints the
// per-arm success criteria and the A/B comparison; --json/--html write the full reports.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ModelError } from '../engines/errors.ts';
import { loadStrategyModels } from '../engines/strategy-models.ts';
import { type BatchModels, runBacktest } from '../loop/backtest.ts';
import { LoopError } from '../loop/errors.ts';
import { warmupMs } from '../loop/warmup.ts';
import { formatIssue, MarketDataError } from '../market/data-issue.ts';
import { htmlReport } from '../report/html-report.ts';
import { jsonText } from '../report/json-report.ts';
import { textReport } from '../report/text-report.ts';
import { type FlagSpec, helpText, parseDateFlag, parseFlags, parseIntFlag } from './args.ts';
import { CliError } from './errors.ts';
import { loadSpecFile } from './load-spec.ts';
import { openMarketSource } from './market-source.ts';
import { progressReporter } from './progress.ts';

export const BACKTEST_FLAGS = {
  file: { type: 'string', short: 'f', value: 'FILE', description: 'TradingBot YAML (required)' },
  data: {
    type: 'string',
    value: 'DIR',
    description: 'replay candle files (market and timeframe from file names)',
  },
  synthetic: {
    type: 'string',
    value: 'SEED',
    description: 'use the deterministic synthetic market with this seed',
  },
  from: {
    type: 'string',
    value: 'DATE',
    description: 'first decision time (YYYY-MM-DD or ISO, UTC); default: data start + warm-up',
  },
  to: { type: 'string', value: 'DATE', description: 'end of the period (exclusive); default: end of data' },
  json: { type: 'string', value: 'FILE', description: 'write every number as JSON' },
  html: {
    type: 'string',
    value: 'FILE',
    description: 'write a self-contained HTML report (equity, drawdown, trades)',
  },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
} satisfies FlagSpec;

export const BACKTEST_SUMMARY =
  'Replays candles through the bot loop on a simulated clock and reports each capital arm against the SPEC success criteria (reported, never promised), with the A/B comparison.';

/** Data-quality findings printed in full; the rest are counted. */
const MAX_ISSUES_SHOWN = 10;

export interface CommandIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WriteStream;
}

export async function backtestCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const flags = parseFlags('backtest', BACKTEST_FLAGS, argv);
  if (flags.help) {
    io.stdout.write(helpText('backtest', BACKTEST_SUMMARY, BACKTEST_FLAGS));
    return 0;
  }
  const file = flags.file;
  const { bot, spec } = await loadSpecFile('backtest', file);
  const from = parseDateFlag('backtest', 'from', flags.from);
  const to = parseDateFlag('backtest', 'to', flags.to);
  if (from !== undefined && to !== undefined && !(from < to)) {
    throw new CliError(
      'BAD_FLAG_VALUE',
      `kubetrade backtest: --from ${flags.from} must be before --to ${flags.to}`,
    );
  }
  const seed = parseIntFlag('backtest', 'synthetic', flags.synthetic, 0);
  const choice = await openMarketSource({
    command: 'backtest',
    spec,
    specFile: file!,
    data: flags.data,
    synthetic: seed,
  });
  if (choice.note) io.stderr.write(`note: ${choice.note}\n`);
  io.stderr.write(`loading candles: ${choice.description}\n`);
  const warmup = warmupMs(spec);
  let data: Awaited<ReturnType<typeof choice.source.load>>;
  try {
    data = await choice.source.load({
      ...(from !== undefined ? { from: from - warmup } : {}),
      ...(to !== undefined ? { to } : {}),
    });
  } catch (e) {
    throw new CliError('DATA', `kubetrade backtest: ${choice.description}: ${(e as Error).message}`);
  }
  const issues = choice.source.issues ?? [];
  if (issues.length > 0) {
    io.stderr.write(
      `data quality: ${issues.length} issues found and handled by the documented rules (market/data-issue.ts):\n`,
    );
    for (const issue of issues.slice(0, MAX_ISSUES_SHOWN)) io.stderr.write(`  ${formatIssue(issue)}\n`);
    if (issues.length > MAX_ISSUES_SHOWN)
      io.stderr.write(`  ... and ${issues.length - MAX_ISSUES_SHOWN} more\n`);
  }

  let models: BatchModels;
  try {
    const loaded = await loadStrategyModels(spec.capital.split, spec.ml, spec.rl);
    models = {
      ...(loaded.ml ? { ml: loaded.ml } : {}),
      ...(loaded.rl ? { rl: { act: (rows: Float32Array) => loaded.rl!.act(rows) } } : {}),
    };
  } catch (e) {
    if (e instanceof ModelError) throw new CliError('MODEL', `${file}: ${e.message}`);
    throw e;
  }

  const started = performance.now();
  let result: Awaited<ReturnType<typeof runBacktest>>;
  try {
    result = await runBacktest({
      spec,
      data,
      markets: choice.markets,
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      models,
      bot: bot.metadata.name ?? 'bot',
      revision: 'local',
      onProgress: progressReporter(io.stderr, 'backtest'),
    });
  } catch (e) {
    if (e instanceof LoopError || e instanceof MarketDataError)
      throw new CliError('DATA', `kubetrade backtest: ${e.message}`);
    throw e;
  }
  const seconds = (performance.now() - started) / 1000;
  io.stdout.write(`${textReport(result)}\n`);
  io.stderr.write(
    `backtest took ${seconds.toFixed(2)} s (${Math.round(result.candles / seconds)} candles/s)\n`,
  );
  if (flags.json) await writeOut(flags.json, jsonText(result));
  if (flags.html) await writeOut(flags.html, htmlReport(result));
  return 0;
}

async function writeOut(path: string, text: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  } catch (e) {
    throw new CliError('IO', `kubetrade backtest: cannot write ${path}: ${(e as Error).message}`);
  }
}
