// The generated CRD on the real kube-apiserver: it installs, defaults like applyDefaults,
// refuses every kind of bad bot with a message naming the field, and prints the columns.
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cluster, eventually, useNamespace } from '../../test/cluster.ts';
import { loadTradingBotYaml } from './load.ts';
import { API_VERSION, GROUP, KIND, PLURAL } from './types.ts';
import { validateSpec } from './validate.ts';
import { EVERY_RULE_BROKEN, INVALID_SPECS, VALID_SPECS } from './validation-cases.ts';

const root = resolve(import.meta.dirname, '../..');
const crdPath = resolve(root, 'crds/tradingbot.yaml');
const examplePath = resolve(root, 'examples/tradingbot.yaml');
const invalidDir = resolve(root, 'examples/invalid');

/** Runs kubectl expecting a failure; resolves with its error output. */
async function rejection(args: string[], input?: string): Promise<string> {
  try {
    const out = await cluster().kubectl(args, input);
    throw new Error(`kubectl ${args.join(' ')} succeeded but should have been refused: ${out}`);
  } catch (err) {
    const message = (err as Error).message;
    if (message.includes('should have been refused')) throw err;
    return message;
  }
}

const bot = (name: string, spec: unknown) =>
  JSON.stringify({ apiVersion: API_VERSION, kind: KIND, metadata: { name }, spec });

describe('TradingBot CRD on the apiserver', () => {
  const ns = useNamespace('crd');

  beforeAll(async () => {
    // Other test files (the operator's) install the same CRD concurrently: server-side apply with
    // force-conflicts is idempotent and never fails on another field manager's ownership.
    await cluster().kubectl([
      'apply',
      '--server-side',
      '--force-conflicts',
      '--field-manager=kubetrade-crds',
      '-f',
      crdPath,
    ]);
    await cluster().kubectl([
      'wait',
      '--for=condition=Established',
      `crd/${PLURAL}.${GROUP}`,
      '--timeout=60s',
    ]);
    // Established precedes discovery, and an updated CRD reaches the apiserver's validators
    // asynchronously: wait until a bot breaking every CEL rule gets every rule's message back.
    const messages = validateSpec(EVERY_RULE_BROKEN).map((i) => i.message);
    await eventually(
      async () => {
        const args = ['create', '--dry-run=server', '-n', 'default', '-f', '-'];
        const error = await rejection(args, bot('sync', EVERY_RULE_BROKEN));
        return messages.every((m) => error.includes(m));
      },
      { what: 'the applied CRD to be enforced', timeoutMs: 60_000, intervalMs: 250 },
    );
  });

  it('accepts examples/tradingbot.yaml and stores the same defaults applyDefaults computes', async () => {
    await cluster().kubectl(['apply', '-n', ns(), '-f', examplePath]);
    const stored = JSON.parse(
      await cluster().kubectl(['get', 'tradingbot', 'krw-majors', '-n', ns(), '-o', 'json']),
    );
    const local = loadTradingBotYaml(readFileSync(examplePath, 'utf8'), examplePath);
    expect(stored.spec).toEqual(local.spec);
    expect(stored.spec.engine.technical.confidence).toEqual({ threeOrMore: 0.85, two: 0.65 });
    expect(stored.spec.risk.rollback).toEqual({ dailyReturnPct: -2, consecutiveDays: 3 });
  });

  it('fills every SPEC default into a bot applied with an empty spec', async () => {
    await cluster().kubectl(['apply', '-n', ns(), '-f', '-'], bot('bare', {}));
    const stored = JSON.parse(await cluster().kubectl(['get', 'tb', 'bare', '-n', ns(), '-o', 'json']));
    const local = loadTradingBotYaml(bot('bare', {}), 'bare.json');
    expect(stored.spec).toEqual(local.spec);
    expect(stored.spec.cycleSeconds).toBe(60);
    expect(stored.spec.ml.retrain).toEqual({
      schedule: '0 3 * * *',
      timeZone: 'Asia/Seoul',
      promotionMargin: 0.01,
    });
  });

  const invalidFiles = readdirSync(invalidDir).filter((f) => f.endsWith('.yaml'));
  it.each(invalidFiles)('refuses examples/invalid/%s with the expected message', async (file) => {
    const path = resolve(invalidDir, file);
    const text = readFileSync(path, 'utf8');
    const expected = /^# expect: (.+)$/m.exec(text)?.[1];
    const field = /^# field: (\S+)$/m.exec(text)?.[1];
    expect(expected && field, `${file} needs "# expect:" and "# field:" lines`).toBeTruthy();
    const error = await rejection(['apply', '-n', ns(), '-f', path]);
    expect(error).toContain(expected);
    expect(error).toContain(field);
  });

  // The same table the TS validator is tested with: the apiserver must refuse each spec and name
  // the same field, so local files and `kubectl apply` never disagree.
  it.each(INVALID_SPECS)(
    'refuses %s with the message the TS validator gives',
    async (_what, spec, field, words) => {
      const error = await rejection(['create', '--dry-run=server', '-n', ns(), '-f', '-'], bot('bad', spec));
      expect(error).toContain(field);
      expect(error).toContain(words);
      const local = validateSpec(spec).find((i) => i.path === field);
      expect(error).toContain(local?.message);
    },
  );

  it.each(VALID_SPECS)('accepts %s like the TS validator', async (_what, spec) => {
    const out = await cluster().kubectl(
      ['create', '--dry-run=server', '-n', ns(), '-o', 'name', '-f', '-'],
      bot('ok', spec),
    );
    expect(out.trim()).toBe(`${KIND.toLowerCase()}.${GROUP}/ok`);
  });

  it('shows MODE MARKETS PHASE EQUITY DRAWDOWN REVISION AGE, with status written through the subresource', async () => {
    await cluster().kubectl(['apply', '-n', ns(), '-f', examplePath]);
    const status = {
      status: {
        phase: 'Running',
        runningRevision: 'krw-majors-1',
        performance: {
          equityKRW: 10_250_000,
          maxDrawdownPct: -1.5,
          dailyReturns: [{ date: '2026-11-20', returnPct: 0.4 }],
        },
      },
    };
    await cluster().kubectl([
      'patch',
      'tb',
      'krw-majors',
      '-n',
      ns(),
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify(status),
    ]);
    const table = await cluster().kubectl(['get', 'tradingbots', '-n', ns()]);
    const [header, row] = table.trim().split('\n');
    expect(header?.split(/\s+/)).toEqual([
      'NAME',
      'MODE',
      'MARKETS',
      'PHASE',
      'EQUITY',
      'DRAWDOWN',
      'REVISION',
      'AGE',
    ]);
    expect(row).toMatch(
      /^krw-majors\s+paper\s+\["KRW-BTC","KRW-ETH","KRW-XRP","KRW-SOL"\]\s+Running\s+10250000\s+-1\.5\s+krw-majors-1\s/,
    );
  });

  it('refuses a status that breaks the status schema', async () => {
    await cluster().kubectl(['apply', '-n', ns(), '-f', examplePath]);
    const bad = { status: { performance: { dailyReturns: [{ date: '20-11-2026', returnPct: 1 }] } } };
    const error = await rejection([
      'patch',
      'tb',
      'krw-majors',
      '-n',
      ns(),
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify(bad),
    ]);
    expect(error).toContain('status.performance.dailyReturns[0].date');
  });

  it('answers to the short name tb and the category kubetrade', async () => {
    await cluster().kubectl(['apply', '-n', ns(), '-f', examplePath]);
    expect((await cluster().kubectl(['get', 'tb', '-n', ns(), '-o', 'name'])).trim()).toBe(
      `${KIND.toLowerCase()}.${GROUP}/krw-majors`,
    );
    expect(await cluster().kubectl(['get', 'kubetrade', '-n', ns(), '-o', 'name'])).toContain('krw-majors');
  });

  it('serves the field descriptions to kubectl explain', async () => {
    const text = await cluster().kubectl(['explain', 'tradingbot.spec.cycleSeconds']);
    expect(text).toContain('Seconds between trading cycles');
  });
});
