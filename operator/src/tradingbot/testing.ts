// Test fixtures shared by the tradingbot unit tests: bots built from the example file.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadTradingBotYaml, type TradingBot, type TradingBotSpec } from '@kubetrade/crds';

export const EXAMPLE_PATH = resolve(import.meta.dirname, '../../../examples/tradingbot.yaml');

export function exampleBot(
  overrides: { name?: string; namespace?: string; spec?: Partial<TradingBotSpec> } = {},
): TradingBot {
  const bot = loadTradingBotYaml(readFileSync(EXAMPLE_PATH, 'utf8'), EXAMPLE_PATH);
  return {
    ...bot,
    metadata: {
      ...bot.metadata,
      name: overrides.name ?? bot.metadata.name,
      namespace: overrides.namespace ?? 'traders',
      uid: '6f1c2d3e-0000-4000-8000-000000000001',
      generation: 1,
      resourceVersion: '1',
    },
    spec: { ...bot.spec, ...overrides.spec },
  };
}
