// Flag parsing for every subcommand on node:util parseArgs in strict mode: an unknown flag or a
// missing value is an error that names the flag (issue 5: "unknown flags are errors naming the flag").
import { parseArgs } from 'node:util';
import { CliError } from './errors.ts';

export type FlagSpec = Record<
  string,
  { type: 'string' | 'boolean'; short?: string; description: string; value?: string }
>;

export function parseFlags<F extends FlagSpec>(
  command: string,
  flags: F,
  argv: readonly string[],
): { [K in keyof F]?: F[K]['type'] extends 'boolean' ? boolean : string } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, f] of Object.entries(flags))
    options[name] = f.short ? { type: f.type, short: f.short } : { type: f.type };
  try {
    const { values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
    return values as never;
  } catch (e) {
    const err = e as Error & { code?: string };
    const flag = /'([^']+)'/.exec(err.message)?.[1];
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new CliError(
        'UNKNOWN_FLAG',
        `kubetrade ${command}: unknown flag ${flag ?? err.message}; see kubetrade ${command} --help`,
      );
    }
    if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      throw new CliError(
        'USAGE',
        `kubetrade ${command}: unexpected argument ${flag ?? ''}; see kubetrade ${command} --help`,
      );
    }
    throw new CliError('USAGE', `kubetrade ${command}: ${err.message}; see kubetrade ${command} --help`);
  }
}

export function helpText(command: string, summary: string, flags: FlagSpec): string {
  const rows = Object.entries(flags).map(([name, f]) => {
    const left = `${f.short ? `-${f.short}, ` : '    '}--${name}${f.type === 'string' ? ` ${f.value ?? 'VALUE'}` : ''}`;
    return `  ${left.padEnd(30)} ${f.description}`;
  });
  return `Usage: kubetrade ${command} [flags]\n\n${summary}\n\nFlags:\n${rows.join('\n')}\n`;
}

/** A date flag: YYYY-MM-DD (00:00 UTC) or a full ISO time. The error names the flag and the value. */
export function parseDateFlag(command: string, flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : Date.parse(text);
  if (Number.isNaN(t)) {
    throw new CliError(
      'BAD_FLAG_VALUE',
      `kubetrade ${command}: --${flag} ${JSON.stringify(text)} is not a date (use YYYY-MM-DD or an ISO time)`,
    );
  }
  return t;
}

export function parseIntFlag(
  command: string,
  flag: string,
  text: string | undefined,
  min: number,
): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    throw new CliError(
      'BAD_FLAG_VALUE',
      `kubetrade ${command}: --${flag} ${JSON.stringify(text)} must be an integer >= ${min}`,
    );
  }
  return n;
}

export function parseNumberFlag(command: string, flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!(n > 0) || !Number.isFinite(n)) {
    throw new CliError(
      'BAD_FLAG_VALUE',
      `kubetrade ${command}: --${flag} ${JSON.stringify(text)} must be a number > 0`,
    );
  }
  return n;
}
