// Which candles a command runs on: --data DIR (replay files), --synthetic SEED, or the spec's own
// spec.marketData (synthetic by default; replay with a path relative to the TradingBot file).
import { dirname, resolve } from 'node:path';
import type { ResolvedSpec } from '@kubetrade/crds';
import { ReplaySource } from '../market/replay-source.ts';
import type { MarketSource } from '../market/source.ts';
import { SyntheticMarket, type SyntheticOptions } from '../market/synthetic-market.ts';
import { CliError } from './errors.ts';

export interface SourceChoice {
  source: MarketSource;
  description: string;
  /** Markets to trade: the spec's when the source has them all, else every market of the source. */
  markets: string[];
  /** Set when the spec's markets had to be replaced (quote currency of replay data). */
  note?: string;
}

export async function openMarketSource(args: {
  command: string;
  spec: ResolvedSpec;
  specFile: string;
  data?: string | undefined;
  synthetic?: number | undefined;
  syntheticStart?: number | undefined;
}): Promise<SourceChoice> {
  const { spec } = args;
  if (args.data !== undefined && args.synthetic !== undefined) {
    throw new CliError('USAGE', `kubetrade ${args.command}: --data and --synthetic exclude each other`);
  }
  const synthetic = (seed: number, what: string): SourceChoice => {
    const options: SyntheticOptions = { seed, markets: spec.markets };
    if (args.syntheticStart !== undefined) options.start = args.syntheticStart;
    return {
      source: new SyntheticMarket(options),
      description: `${what} (seed ${seed})`,
      markets: [...spec.markets],
    };
  };
  if (args.synthetic !== undefined) return synthetic(args.synthetic, 'synthetic market --synthetic');
  let path = args.data;
  let what = `--data ${args.data}`;
  if (path === undefined) {
    const md = spec.marketData;
    if (md.source === 'synthetic') return synthetic(md.seed, 'synthetic market spec.marketData');
    if (md.source === 'exchange') {
      throw new CliError(
        'CONFIG',
        `${args.specFile}: spec.marketData.source "exchange" is not available in kubetrade ${args.command} yet (the live Upbit source is a later issue); use --data DIR or --synthetic SEED`,
      );
    }
    if (md.path === undefined) {
      throw new CliError(
        'CONFIG',
        `${args.specFile}: spec.marketData.path is required when spec.marketData.source is "replay"`,
      );
    }
    path = resolve(dirname(args.specFile), md.path);
    what = `spec.marketData.path ${md.path}`;
  }
  let source: ReplaySource;
  try {
    source = await ReplaySource.open(path);
  } catch (e) {
    throw new CliError('DATA', `kubetrade ${args.command}: ${what}: ${(e as Error).message}`);
  }
  const all = source.markets;
  if (spec.markets.every((m) => all.includes(m)))
    return { source, description: `replay ${path}`, markets: [...spec.markets] };
  return {
    source,
    description: `replay ${path}`,
    markets: [...all],
    note: `spec.markets (${spec.markets.join(', ')}) are not all in ${path}; trading the markets found there: ${all.join(', ')}`,
  };
}
