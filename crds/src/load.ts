// Reading a TradingBot from a local file and the RuntimeConfig the operator renders: both are
// validated once, at the edge, with the apiserver's rules (validate.ts), and come back defaulted.
import { parseAllDocuments } from 'yaml';
import { applyDefaults } from './defaults.ts';
import { InvalidConfigError } from './errors.ts';
import { API_VERSION, KIND, type RuntimeConfig, type TradingBot, type TradingBotSpec } from './types.ts';
import { type SpecIssue, validateSpec } from './validate.ts';

/**
 * Parses a one-document YAML (or JSON) TradingBot, validates it like the apiserver and returns it
 * with every default applied. Throws InvalidConfigError naming `fileName`, the field and its value.
 */
export function loadTradingBotYaml(text: string, fileName: string): TradingBot {
  const docs = parseAllDocuments(text).filter((d) => d.contents !== null);
  const yamlErrors = docs.flatMap((d) => d.errors);
  if (yamlErrors.length > 0) {
    throw new InvalidConfigError(
      'INVALID_YAML',
      fileName,
      yamlErrors.map((e) => ({
        path: `line ${(e.linePos?.[0].line ?? 0).toString()}`,
        value: e.code,
        message: e.message,
      })),
    );
  }
  if (docs.length !== 1) {
    const issue = { path: '(document)', value: docs.length, message: 'expected exactly one YAML document' };
    throw new InvalidConfigError('INVALID_YAML', fileName, [issue]);
  }
  const object: unknown = docs[0]!.toJS();
  const issues = objectIssues(object, { apiVersion: API_VERSION, kind: KIND });
  const record = (object ?? {}) as Record<string, unknown>;
  const metadata = (record.metadata ?? {}) as Record<string, unknown>;
  if (typeof metadata.name !== 'string' || metadata.name === '') {
    issues.push({ path: 'metadata.name', value: metadata.name, message: 'Required value' });
  }
  issues.push(...validateSpec(record.spec));
  if (issues.length > 0) throw new InvalidConfigError('INVALID_TRADINGBOT', fileName, issues);
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: metadata as TradingBot['metadata'],
    spec: applyDefaults(record.spec as TradingBotSpec | undefined),
    ...(record.status === undefined ? {} : { status: record.status as TradingBot['status'] }),
  };
}

/**
 * Validates the RuntimeConfig the operator rendered into the bot's ConfigMap; the runtime calls it
 * once at start and refuses to run on any issue. `source` names where it came from (a file path).
 */
export function parseRuntimeConfig(value: unknown, source = 'RuntimeConfig'): RuntimeConfig {
  const issues = objectIssues(value, { apiVersion: API_VERSION, kind: 'RuntimeConfig' });
  const record = (value ?? {}) as Record<string, unknown>;
  const bot = record.bot;
  if (bot === null || typeof bot !== 'object') {
    issues.push({ path: 'bot', value: bot, message: 'Required value: {namespace, name, uid?}' });
  } else {
    const b = bot as Record<string, unknown>;
    for (const key of ['namespace', 'name'] as const) {
      if (typeof b[key] !== 'string' || b[key] === '') {
        issues.push({ path: `bot.${key}`, value: b[key], message: 'Required value: a non-empty string' });
      }
    }
    if (b.uid !== undefined && typeof b.uid !== 'string') {
      issues.push({ path: 'bot.uid', value: b.uid, message: 'must be a string' });
    }
  }
  if (typeof record.revision !== 'string' || record.revision === '') {
    issues.push({ path: 'revision', value: record.revision, message: 'Required value: a non-empty string' });
  }
  if (record.spec === undefined) {
    issues.push({ path: 'spec', value: undefined, message: 'Required value' });
  } else {
    issues.push(...validateSpec(record.spec));
  }
  if (issues.length > 0) throw new InvalidConfigError('INVALID_RUNTIME_CONFIG', source, issues);
  const b = bot as { namespace: string; name: string; uid?: string };
  return {
    apiVersion: API_VERSION,
    kind: 'RuntimeConfig',
    bot: { namespace: b.namespace, name: b.name, ...(b.uid === undefined ? {} : { uid: b.uid }) },
    revision: record.revision as string,
    spec: applyDefaults(record.spec as TradingBotSpec),
  };
}

function objectIssues(value: unknown, expected: { apiVersion: string; kind: string }): SpecIssue[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [{ path: '(root)', value, message: 'expected an object' }];
  }
  const record = value as Record<string, unknown>;
  const issues: SpecIssue[] = [];
  for (const key of ['apiVersion', 'kind'] as const) {
    if (record[key] !== expected[key]) {
      issues.push({
        path: key,
        value: record[key],
        message: `Unsupported value: expected "${expected[key]}"`,
      });
    }
  }
  return issues;
}
