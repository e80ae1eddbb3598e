// Reads a TradingBot file once at the edge (STYLE.md rule 5): crds validates it with the apiserver's
// rules and names the file, field and value on any problem; the runtime gets a ResolvedSpec.
import { readFile } from 'node:fs/promises';
import {
  applyDefaults,
  loadTradingBotYaml,
  parseRuntimeConfig,
  type ResolvedSpec,
  type TradingBot,
} from '@kubetrade/crds';
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

/**
 * The RuntimeConfig the operator renders into the bot's ConfigMap (JSON): the in-cluster form of
 * `kubetrade run`. Validated once here; the error names the file, field and value.
 */
export async function loadRuntimeConfigFile(
  command: string,
  file: string,
): Promise<{ name: string; namespace: string; revision: string; spec: ResolvedSpec }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new CliError('IO', `kubetrade ${command}: cannot read ${file}: ${(e as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new CliError('CONFIG', `${file}: not JSON: ${(e as Error).message}`);
  }
  try {
    const config = parseRuntimeConfig(value, file);
    return {
      name: config.bot.name,
      namespace: config.bot.namespace,
      revision: config.revision,
      spec: config.spec,
    };
  } catch (e) {
    throw new CliError('CONFIG', (e as Error).message);
  }
}
