// `kubetrade collect -f bot.yaml [--markets A,B] [--base-url URL]`: fills the SPEC's candle windows
// per market (5m 7 days, 15m 14 days, 1h 90 days, 1d 1 year) from the exchange's candle API into
// the store's `candles` table. Resumable: it reads what is stored first and fetches only the gaps.
// Progress on stderr (a bar on a TTY, one line per page otherwise); completeness on stdout.

import { type Completeness, completeness, planCollection, runCollection } from '../collect/collector.ts';
import { UpbitClient } from '../exchange/upbit/client.ts';
import { type FlagSpec, helpText, parseFlags } from './args.ts';
import type { CommandIo } from './backtest-command.ts';
import { CliError } from './errors.ts';
import { loadSpecFile } from './load-spec.ts';
import { openStoreFromEnv, storeDescription } from './open-store.ts';
import { progressReporter } from './progress.ts';

export const COLLECT_FLAGS = {
  file: {
    type: 'string',
    short: 'f',
    value: 'FILE',
    description: 'TradingBot YAML (markets, exchange.baseUrl)',
  },
  markets: { type: 'string', value: 'A,B', description: 'markets to collect instead of spec.markets' },
  'base-url': {
    type: 'string',
    value: 'URL',
    description: 'exchange REST base instead of spec.exchange.baseUrl',
  },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
} satisfies FlagSpec;

export const COLLECT_SUMMARY =
  "Fills the SPEC's candle windows (5m 7d, 15m 14d, 1h 90d, 1d 1y) per market from the exchange into the store; resumable.";

const MARKET = /^[A-Z0-9]+-[A-Z0-9]+$/;

export async function collectCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const flags = parseFlags('collect', COLLECT_FLAGS, argv);
  if (flags.help) {
    io.stdout.write(helpText('collect', COLLECT_SUMMARY, COLLECT_FLAGS));
    return 0;
  }
  const { spec } = await loadSpecFile('collect', flags.file);
  const markets = flags.markets !== undefined ? flags.markets.split(',').filter(Boolean) : [...spec.markets];
  const bad = markets.find((m) => !MARKET.test(m));
  if (markets.length === 0 || bad !== undefined) {
    throw new CliError(
      'BAD_FLAG_VALUE',
      `kubetrade collect: --markets ${JSON.stringify(flags.markets)} must be QUOTE-BASE markets like KRW-BTC, comma-separated`,
    );
  }
  const baseUrl = flags['base-url'] ?? spec.exchange.baseUrl;
  try {
    new URL(baseUrl);
  } catch {
    throw new CliError(
      'BAD_FLAG_VALUE',
      `kubetrade collect: --base-url ${JSON.stringify(baseUrl)} is not a URL`,
    );
  }
  const err = io.stderr as NodeJS.WriteStream;
  const client = new UpbitClient({ baseUrl, log: (line) => err.write(`${line}\n`) });
  err.write(`collect: ${markets.join(', ')} from ${baseUrl} into ${storeDescription()}\n`);
  const store = await openStoreFromEnv('kubetrade-collect');
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    const deps = { client, candles: store.market };
    const now = Date.now();
    const plans = await planCollection(deps, markets, now);
    const planned = plans.reduce((n, p) => n + p.pages, 0);
    const missing = plans.reduce((n, p) => n + p.gaps.reduce((s, g) => s + g.count, 0), 0);
    err.write(`collect: ${missing} candles missing, ${planned} pages to fetch\n`);
    const bar = err.isTTY === true ? progressReporter(err, 'collect') : undefined;
    const result = await runCollection(
      deps,
      plans,
      (e) => {
        if (bar) bar(e.page, e.pagesPlanned);
        else
          err.write(
            `collect: page ${e.page}/${e.pagesPlanned} ${e.market} ${e.timeframe} +${e.candles} candles\n`,
          );
      },
      abort.signal,
    );
    const report = await completeness(deps, markets, now);
    io.stdout.write(formatCompleteness(report, result));
    return abort.signal.aborted ? 130 : 0;
  } catch (e) {
    const name = (e as Error).name;
    if (name === 'ExchangeError' || name === 'StoreError')
      throw new CliError('DATA', `kubetrade collect: ${(e as Error).message} (re-run to continue from here)`);
    throw e;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await store.close();
  }
}

export function formatCompleteness(
  rows: readonly Completeness[],
  run: { pages: number; candles: number },
): string {
  const lines = rows.map(
    (r) =>
      `${r.market.padEnd(10)} ${r.timeframe.padEnd(4)} ${String(r.stored).padStart(5)}/${String(r.window).padEnd(5)} ${(r.ratio * 100).toFixed(1).padStart(5)}%`,
  );
  const complete = rows.filter((r) => r.stored >= r.window).length;
  return `fetched ${run.pages} pages, ${run.candles} candles\n${lines.join('\n')}\ncomplete: ${complete}/${rows.length} windows\n`;
}
