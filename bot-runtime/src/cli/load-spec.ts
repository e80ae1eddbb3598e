// Reads a TradingBot file once at the edge (STYLE.md rule 5): crds validates it with the apiserver's
// rules and names the file, field and value on any problem; the runtime gets a ResolvedSpec.
import { readFile } from 'node:fs/promises';
import { applyDefaults, loadTradingBotYaml, type ResolvedSpec, type TradingBot } from '@kubetrade/crds';
import { CliError } from './errors.ts';

export async function loadSpecFile(
  command: string,
  file: string | undefined,
): Promise<{ bot: TradingBot; spec: ResolvedSpec }> {
  if (file === undefined)
    throw new CliError('USAGE', `kubetrade ${command}: -f/--file <tradingbot.yaml> is required`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new CliError('IO', `kubetrade ${command}: cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    const bot = loadTradingBotYaml(text, file);
    return { bot, spec: applyDefaults(bot.spec) };
  } catch (e) {
    throw new CliError('CONFIG', (e as Error).message);
  }
}
