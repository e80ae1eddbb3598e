import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyDefaults } from './defaults.ts';
import { InvalidConfigError } from './errors.ts';
import { loadTradingBotYaml, parseRuntimeConfig } from './load.ts';

const examples = resolve(import.meta.dirname, '../../examples');

function thrown(fn: () => unknown): InvalidConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidConfigError) return err;
    throw err;
  }
  throw new Error('expected an InvalidConfigError, nothing was thrown');
}

describe('loadTradingBotYaml', () => {
  it('loads examples/tradingbot.yaml with every default applied', () => {
    const bot = loadTradingBotYaml(
      readFileSync(resolve(examples, 'tradingbot.yaml'), 'utf8'),
      'tradingbot.yaml',
    );
    expect(bot.metadata.name).toBe('krw-majors');
    expect(bot.spec.markets).toEqual(['KRW-BTC', 'KRW-ETH', 'KRW-XRP', 'KRW-SOL']);
    expect(bot.spec.capital?.split?.map((a) => a.weight)).toEqual([50, 50]);
    expect(bot.spec.risk?.feePct).toBe(applyDefaults({}).risk.feePct);
  });

  const invalid = readdirSync(resolve(examples, 'invalid')).filter((f) => f.endsWith('.yaml'));
  it('has one invalid example per kind of bad bot', () => {
    expect(invalid.length).toBeGreaterThanOrEqual(7);
  });

  it.each(invalid)('refuses examples/invalid/%s naming the file and the field', (file) => {
    const text = readFileSync(resolve(examples, 'invalid', file), 'utf8');
    const field = /^# field: (\S+)$/m.exec(text)?.[1];
    expect(field, 'each invalid example names its field in a "# field:" line').toBeDefined();
    const err = thrown(() => loadTradingBotYaml(text, file));
    expect(err.code).toBe('INVALID_TRADINGBOT');
    expect(err.message).toContain(file);
    expect(err.issues.map((i) => i.path)).toContain(field);
  });

  it('reports YAML syntax errors with the line', () => {
    const err = thrown(() => loadTradingBotYaml('kind: TradingBot\nspec: [unclosed\n', 'broken.yaml'));
    expect(err.code).toBe('INVALID_YAML');
    expect(err.message).toMatch(/broken\.yaml: .*\n.*line \d/);
  });

  it('refuses another kind and a missing name', () => {
    const err = thrown(() =>
      loadTradingBotYaml('apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n', 'cm.yaml'),
    );
    expect(err.issues.map((i) => i.path).sort()).toEqual(['apiVersion', 'kind', 'metadata.name']);
    expect(err.message).toContain('kind: Invalid value: "ConfigMap"');
  });

  it('refuses a file with two documents', () => {
    const one = readFileSync(resolve(examples, 'tradingbot.yaml'), 'utf8');
    expect(thrown(() => loadTradingBotYaml(`${one}\n---\n${one}`, 'two.yaml')).message).toContain(
      'exactly one',
    );
  });
});

describe('parseRuntimeConfig', () => {
  const valid = () => ({
    apiVersion: 'kubetrade.io/v1alpha1',
    kind: 'RuntimeConfig',
    bot: { namespace: 'trading', name: 'krw-majors', uid: 'u-1' },
    revision: 'krw-majors-7d9f',
    spec: applyDefaults({ cycleSeconds: 30 }),
  });

  it('returns the config with the spec defaulted', () => {
    const config = parseRuntimeConfig({ ...valid(), spec: { cycleSeconds: 30 } });
    expect(config.spec).toEqual(valid().spec);
    expect(config.bot).toEqual({ namespace: 'trading', name: 'krw-majors', uid: 'u-1' });
  });

  // [what, mutate, field path named in the error]
  const BAD: [string, (c: Record<string, unknown>) => void, string][] = [
    ['wrong kind', (c) => (c.kind = 'TradingBot'), 'kind'],
    ['wrong apiVersion', (c) => (c.apiVersion = 'v1'), 'apiVersion'],
    ['no bot', (c) => delete c.bot, 'bot'],
    ['bot without name', (c) => ((c.bot as Record<string, unknown>).name = ''), 'bot.name'],
    ['bot without namespace', (c) => delete (c.bot as Record<string, unknown>).namespace, 'bot.namespace'],
    ['numeric uid', (c) => ((c.bot as Record<string, unknown>).uid = 7), 'bot.uid'],
    ['no revision', (c) => delete c.revision, 'revision'],
    ['no spec', (c) => delete c.spec, 'spec'],
    ['bad cycle', (c) => ((c.spec as Record<string, unknown>).cycleSeconds = 2), 'spec.cycleSeconds'],
    [
      'live without keys',
      (c) => ((c.spec as Record<string, unknown>).mode = 'live'),
      'spec.credentialsSecretRef',
    ],
  ];

  it.each(BAD)('refuses %s, naming the field, its value and the source', (_what, mutate, path) => {
    const config = valid() as unknown as Record<string, unknown>;
    mutate(config);
    const err = thrown(() => parseRuntimeConfig(config, '/etc/kubetrade/runtime.json'));
    expect(err.code).toBe('INVALID_RUNTIME_CONFIG');
    expect(err.message).toContain('/etc/kubetrade/runtime.json: invalid RuntimeConfig');
    expect(err.message).toContain(`  ${path}: Invalid value: `);
  });

  it('refuses something that is not an object', () => {
    expect(thrown(() => parseRuntimeConfig('nope')).message).toContain('(root): Invalid value: "nope"');
  });
});
