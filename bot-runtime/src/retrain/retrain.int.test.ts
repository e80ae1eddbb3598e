// `kubetrade retrain` end to end, as the CronJob runs it (a child process), on the real Binance
// candles of ../shared/data at a small size, with the registry in the real PostgreSQL (a fresh
// schema) and status.lastRetrain on a real TradingBot: it trains LightGBM and the LSTM, both
// exports agree with Python to 1e-5 in onnxruntime-node, every model is recorded as the promotion
// rule decides, a deliberately degraded model is kept as a candidate with its reason, and a retrain
// that cannot run exits non-zero.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { applyDefaults, loadTradingBotYaml } from '@kubetrade/crds';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cluster, installCrd, useNamespace } from '../../../test/cluster.ts';
import { ReplaySource } from '../market/replay-source.ts';
import { candlesOf } from '../market/series.ts';
import { decidePromotion } from '../model-registry/promotion.ts';
import { ModelRegistry } from '../model-registry/registry.ts';
import { migrate } from '../store/migrate.ts';
import type { PgDb } from '../store/pg-db.ts';
import { createTestSchema, type TestSchema } from '../store/test-schema.ts';
import { TradeStore } from '../store/trade-store.ts';
import { type ParityFile, parityGap } from './parity.ts';

const root = resolve(import.meta.dirname, '../../..');
const BOT = 'krw-majors';
// Three and a half weeks of 5m candles x 4 markets (~25k feature rows): both models train in well
// under a minute on one core; the latest 6 days are the hold-out window.
const SMALL = [
  '--data',
  resolve(root, '../shared/data/binance'),
  '--from',
  '2025-12-08',
  '--to',
  '2026-01-01',
  '--holdout-days',
  '6',
];

let schema: TestSchema;
let db: PgDb;
let registry: ModelRegistry;
let work: string;

beforeAll(async () => {
  schema = await createTestSchema(inject('databaseUrl'), 'kt_retrain');
  db = schema.connect({ maxConnections: 1 });
  registry = new ModelRegistry(db);
  work = await mkdtemp(join(tmpdir(), 'kt-retrain-test-'));
});
afterAll(async () => {
  await db?.close();
  await schema?.drop();
  if (work) await rm(work, { recursive: true, force: true });
});

function retrainCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [resolve(root, 'bot-runtime/src/cli/main.ts'), 'retrain', ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...(process.env.KUBETRADE_PYTHON ? { KUBETRADE_PYTHON: process.env.KUBETRADE_PYTHON } : {}),
      DATABASE_URL: inject('databaseUrl'),
      KUBETRADE_DB_SCHEMA: schema.schema,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  return new Promise((r) => child.on('exit', (code) => r({ code, out, err })));
}

describe('kubetrade retrain', () => {
  const ns = useNamespace('retrain');

  it('trains, checks parity, promotes by the rule, keeps a worse model as a candidate, writes status.lastRetrain', {
    timeout: 300_000,
  }, async () => {
    const { kubectl, kubeconfigPath } = cluster();
    await installCrd();
    await kubectl(['apply', '-n', ns(), '-f', resolve(root, 'examples/tradingbot.yaml')]);
    const inPod = { KUBECONFIG: kubeconfigPath, KUBETRADE_BOT_NAMESPACE: ns(), KUBETRADE_BOT_NAME: BOT };
    const spec = resolve(root, 'examples/tradingbot.yaml');

    const first = await retrainCli(['-f', spec, ...SMALL, '--out', join(work, 'first')], inPod);
    expect(first.code, first.err.slice(-3000)).toBe(0);

    for (const [name, kind] of [
      ['lgbm-krw', 'lgbm'],
      ['lgbm-krw-lstm', 'lstm'],
    ] as const) {
      const dir = join(work, 'first', kind);
      const onnx = new Uint8Array(await readFile(join(dir, 'model.onnx')));
      const parity = JSON.parse(await readFile(join(dir, 'parity.json'), 'utf8')) as ParityFile;
      const gap = await parityGap(onnx, parity);
      expect(gap.ort, `${kind} vs Python onnxruntime`).toBeLessThanOrEqual(1e-5);
      expect(gap.python, `${kind} vs ${kind === 'lgbm' ? 'LightGBM' : 'JAX'}`).toBeLessThanOrEqual(1e-5);

      const [record, ...more] = await registry.list(name);
      expect(more).toEqual([]);
      expect(await registry.onnx(name, record!.version)).toEqual(onnx);
      // The stored decision is the rule applied to the stored scores (no outcome hard-coded here).
      const m = record!.metrics as {
        holdout: { auc: number };
        current_holdout: { auc?: number } | null;
        model_card: string;
      };
      const rule = decidePromotion({
        candidateScore: m.holdout.auc,
        currentScore: m.current_holdout?.auc,
        margin: 0.01,
      });
      expect(record!.state).toBe(rule.promote ? 'promoted' : 'candidate');
      expect(record!.score).toBe(m.holdout.auc);
      expect(m.model_card).toMatch(/Latest hold-out window \(2025-12-2\d → 2025-12-31\)/);
      expect(m.model_card).toMatch(/\| naive \(train base rate\) \| 0\.5000 \|/);
      if (kind === 'lgbm')
        expect(m.current_holdout?.auc, 'scored against the bundled baseline').toBeGreaterThan(0);
    }
    const lgbmFirst = (await registry.list('lgbm-krw'))[0]!;
    const status1 = JSON.parse(
      await kubectl(['get', 'tradingbot', BOT, '-n', ns(), '-o', 'json', '--show-managed-fields']),
    );
    expect(status1.status.lastRetrain).toMatchObject({
      modelVersion: lgbmFirst.version,
      score: lgbmFirst.score,
      promoted: lgbmFirst.state === 'promoted',
    });
    expect(status1.metadata.managedFields.map((f: { manager: string }) => f.manager)).toContain(
      'kubetrade-trainer',
    );

    const servedBefore = await registry.promoted('lgbm-krw');
    const worse = await retrainCli(
      ['-f', spec, ...SMALL, '--models', 'lgbm', '--degrade', '--out', join(work, 'worse')],
      inPod,
    );
    expect(worse.code, worse.err.slice(-3000)).toBe(0);
    const versions = await registry.list('lgbm-krw');
    expect(versions).toHaveLength(2);
    const degraded = versions.find((v) => v.version !== lgbmFirst.version)!;
    expect(degraded.state).toBe('candidate');
    expect(degraded.reason).toMatch(
      /^hold-out (AUC 0\.\d{4} does not beat|log loss 0\.\d{4} is worse than the naive)/,
    );
    expect((degraded.metrics as { degraded: boolean }).degraded).toBe(true);
    expect(await registry.promoted('lgbm-krw')).toEqual(servedBefore);
    expect(worse.out).toMatch(new RegExp(`lgbm-krw@${degraded.version}: .* -> candidate: `));
    const status2 = JSON.parse(await kubectl(['get', 'tradingbot', BOT, '-n', ns(), '-o', 'json']));
    expect(status2.status.lastRetrain).toMatchObject({ modelVersion: degraded.version, promoted: false });
  });

  it('runs as the CronJob does (--config, no --data): trains on the candles kubetrade collect stored', {
    timeout: 240_000,
  }, async () => {
    await migrate(db);
    const store = new TradeStore(db);
    const replay = await ReplaySource.open(resolve(root, '../shared/data/binance'), {
      markets: ['USDT-BTC', 'USDT-ETH'],
    });
    const range = { from: Date.parse('2025-10-01T00:00:00Z'), to: Date.parse('2025-10-13T00:00:00Z') };
    // Stored as the bot's own KRW markets (collected candles carry the bot's market codes).
    for (const [market, series] of await replay.load(range)) {
      for (const tf of ['5m', '15m', '1h'] as const) {
        const krw = market.replace('USDT-', 'KRW-');
        await store.market.upsertCandles([...candlesOf(series[tf]!)].map((c) => ({ ...c, market: krw })));
      }
    }
    // The CronJob's own arguments: the RuntimeConfig the operator renders into the bot's ConfigMap.
    const bot = loadTradingBotYaml(
      await readFile(resolve(root, 'examples/tradingbot.yaml'), 'utf8'),
      'tradingbot.yaml',
    );
    const config = join(work, 'runtime-config.json');
    await writeFile(
      config,
      JSON.stringify({
        apiVersion: 'kubetrade.io/v1alpha1',
        kind: 'RuntimeConfig',
        bot: { namespace: 'ns', name: BOT },
        revision: 'rev-1',
        spec: applyDefaults(bot.spec),
      }),
    );
    const r = await retrainCli(
      ['--config', config, '--models', 'lgbm', '--holdout-days', '2', '--out', join(work, 'stored')],
      {},
    );
    expect(r.code, r.err.slice(-3000)).toBe(0);
    expect(r.err).toMatch(/registry and collected candles: postgresql/);
    const rows = Number(/export-features: (\d+) rows/.exec(r.err)?.[1]);
    // Two markets x 12 days of 5m rows, less the warm-up (1 day of 5m returns, 50 h of 1h EMA).
    expect(rows).toBeGreaterThan(2 * 9 * 288);
    expect(rows).toBeLessThan(2 * 12 * 288);
    const metrics = JSON.parse(await readFile(join(work, 'stored', 'lgbm', 'metrics.json'), 'utf8'));
    expect(metrics.data_to).toBeLessThan(range.to);
    expect(metrics.data_from).toBeGreaterThanOrEqual(range.from);
  });

  it('fails visibly (non-zero exit, the reason on stderr) when there is nothing to train on', async () => {
    const empty = await mkdtemp(join(work, 'empty-'));
    const r = await retrainCli(['-f', resolve(root, 'examples/tradingbot.yaml'), '--data', empty], {});
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/error: kubetrade retrain: .*no \.csv or \.json candle files/);
  });
});
