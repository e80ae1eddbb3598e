// `kubetrade`: run | backtest | collect | export-features | sweep | retrain | version. The root script `npm run kubetrade --`
// and bin/kubetrade.js both land here. Errors print one actionable line and set the exit code.
import { readFileSync } from 'node:fs';
import { RETRAIN_SUMMARY, retrainCommand } from '../retrain/retrain-command.ts';
import { SWEEP_SUMMARY, sweepCommand } from '../sweep/command.ts';
import { BACKTEST_SUMMARY, backtestCommand, type CommandIo } from './backtest-command.ts';
import { COLLECT_SUMMARY, collectCommand } from './collect-command.ts';
import { CliError } from './errors.ts';
import { exportFeaturesCommand } from './export-features-command.ts';
import { RUN_SUMMARY, runCommand } from './run-command.ts';

const COMMANDS: Record<
  string,
  { summary: string; run: (argv: readonly string[], io: CommandIo) => Promise<number> }
> = {
  run: { summary: RUN_SUMMARY, run: runCommand },
  backtest: { summary: BACKTEST_SUMMARY, run: backtestCommand },
  collect: { summary: COLLECT_SUMMARY, run: collectCommand },
  'export-features': {
    summary: 'Writes the ML feature rows (the ONE feature definition) and labels as CSV for the trainer.',
    run: exportFeaturesCommand,
  },
  sweep: { summary: SWEEP_SUMMARY, run: sweepCommand },
  retrain: { summary: RETRAIN_SUMMARY, run: retrainCommand },
  version: { summary: 'Prints the kubetrade version.', run: versionCommand },
};

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

async function versionCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  if (argv.length > 0 && !(argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h'))) {
    throw new CliError('UNKNOWN_FLAG', `kubetrade version: unknown flag ${argv[0]}`);
  }
  io.stdout.write(
    argv.length > 0
      ? 'Usage: kubetrade version\n\nPrints the kubetrade version.\n'
      : `kubetrade ${version()}\n`,
  );
  return 0;
}

export function usage(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(17)} ${c.summary}`);
  return `Usage: kubetrade <command> [flags]\n\nCommands:\n${rows.join('\n')}\n\nRun 'kubetrade <command> --help' for the flags of a command.\n`;
}

export async function main(
  argv: readonly string[],
  io: CommandIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') return versionCommand([], io);
  const command = COMMANDS[name];
  try {
    if (!command)
      throw new CliError('USAGE', `kubetrade: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof CliError) {
      io.stderr.write(`error: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
