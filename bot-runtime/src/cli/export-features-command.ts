// `kubetrade export-features`: dispatches to engineer B's exportFeatures (cli/export-features.ts),
// the ONE feature definition the Python trainer reads.
import { applyDefaults } from '@kubetrade/crds';
import { ReplaySource } from '../market/replay-source.ts';
import type { CommandIo } from './backtest-command.ts';
import { CliError } from './errors.ts';
import { exportFeatures, parseExportArgs } from './export-features.ts';
import { loadSpecFile } from './load-spec.ts';

const KNOWN = new Set(['--data', '--out', '--from', '--to', '-f', '--file']);

export async function exportFeaturesCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(
      'Usage: kubetrade export-features --data DIR --out FILE.csv [--from DATE] [--to DATE] [-f tradingbot.yaml]\n\nWrites the ML feature rows and labels as CSV (engines/features.ts defines the features).\n',
    );
    return 0;
  }
  for (let i = 0; i < argv.length; i += 2) {
    if (!KNOWN.has(argv[i]!))
      throw new CliError(
        'UNKNOWN_FLAG',
        `kubetrade export-features: unknown flag ${argv[i]}; see kubetrade export-features --help`,
      );
  }
  const fileAt = Math.max(argv.indexOf('-f'), argv.indexOf('--file'));
  const specFile = fileAt >= 0 ? argv[fileAt + 1] : undefined;
  const rest = fileAt >= 0 ? argv.filter((_, i) => i !== fileAt && i !== fileAt + 1) : argv;
  let parsed: ReturnType<typeof parseExportArgs>;
  try {
    parsed = parseExportArgs(rest);
  } catch (e) {
    throw new CliError('USAGE', (e as Error).message);
  }
  const spec = specFile ? (await loadSpecFile('export-features', specFile)).spec : applyDefaults(undefined);
  const source = await ReplaySource.open(parsed.data);
  const summary = await exportFeatures({
    source,
    engine: spec.engine,
    feePct: spec.risk.feePct,
    out: parsed.out,
    range: parsed.range,
  });
  io.stderr.write(
    `export-features: ${summary.rows} rows (${summary.dropped} dropped while warming up) -> ${parsed.out}\n`,
  );
  return 0;
}
