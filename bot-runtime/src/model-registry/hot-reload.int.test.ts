// The runtime process switches to a newly promoted model without a restart: `kubetrade run` (paper,
// replayed real candles, DATABASE_URL -> the registry in a fresh PostgreSQL schema) serves the
// promoted v1, a retrain promotes v2 while it runs, and the same process logs the switch and reports
// v2 in /metrics. A mismatched v3 promoted next is refused by name while v2 keeps serving.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { eventually } from '../../../test/cluster.ts';
import { migrate } from '../store/migrate.ts';
import type { PgDb } from '../store/pg-db.ts';
import { createTestSchema, type TestSchema } from '../store/test-schema.ts';
import { ModelRegistry } from './registry.ts';

const root = resolve(import.meta.dirname, '../../..');
const model = (p: string) => readFileSync(resolve(root, 'models', p));
const PROMOTE = { promote: true, reason: 'test promotion' };

let schema: TestSchema;
let db: PgDb;
let registry: ModelRegistry;
let child: ChildProcess | undefined;

beforeAll(async () => {
  schema = await createTestSchema(inject('databaseUrl'), 'kt_hotreload');
  db = schema.connect({ maxConnections: 1 });
  await migrate(db);
  registry = new ModelRegistry(db);
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await db?.close();
  await schema?.drop();
});

it('kubetrade run picks up a promoted model at the next cycle and refuses a mismatched one', async () => {
  const add = (version: string, onnx: Buffer) =>
    registry.add({ name: 'lgbm-krw', version, kind: 'lgbm', onnx, score: 0.6, metrics: {} }, PROMOTE);
  await add('v1', model('fixtures/classifier-linear.onnx'));

  const proc = spawn(
    process.execPath,
    [
      resolve(root, 'bot-runtime/src/cli/main.ts'),
      'run',
      '-f',
      resolve(root, 'examples/tradingbot.yaml'),
      '--data',
      resolve(root, '../shared/data/binance'),
      // Fast enough to cycle every few ms, slow enough to be still running when v2 is promoted.
      '--speed',
      '3000',
      '--listen',
      '127.0.0.1:0',
    ],
    {
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: inject('databaseUrl'),
        KUBETRADE_DB_SCHEMA: schema.schema,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child = proc;
  let out = '';
  let err = '';
  proc.stdout.on('data', (d) => {
    out += d;
  });
  proc.stderr.on('data', (d) => {
    err += d;
  });
  const exited = new Promise<number | null>((r) => proc.on('exit', r));

  const metricsUrl = await eventually(async () => {
    const m = /"msg":"started".*?"metrics":"([^"]+)"/.exec(out);
    if (!m) throw new Error(`not started yet: ${err.slice(-500)}`);
    return m[1]!;
  });
  const scrape = () => fetch(metricsUrl).then((r) => r.text());
  expect(await scrape()).toMatch(/kubetrade_model_info\{[^}]*model="lgbm-krw"[^}]*version="v1"[^}]*\} 1/);

  await add('v2', model('baseline/lgbm-krw.onnx'));
  await eventually(async () => {
    if (!/"msg":"model switched".*"from":"v1","to":"v2"/.test(err)) throw new Error('not switched yet');
    return true;
  });
  const after = await scrape();
  expect(after).toMatch(/kubetrade_model_info\{[^}]*version="v2"[^}]*\} 1/);
  expect(after).not.toMatch(/version="v1"/);
  // The baseline's metadata contract says it was trained at 2026-11-24T22:54:00Z.
  const trained = Date.parse('2026-11-24T22:54:00Z') / 1000;
  expect(after).toMatch(
    new RegExp(`kubetrade_model_trained_timestamp_seconds\\{model="lgbm-krw"[^}]*\\} ${trained}\\b`),
  );

  await add('v3', model('fixtures/wrong-features.onnx'));
  await eventually(async () => {
    if (!/"msg":"model refused"/.test(err)) throw new Error('not refused yet');
    return true;
  });
  expect(err).toMatch(
    /"version":"v3","error":"MODEL_INVALID: model registry = registry lgbm-krw@v3: feature list differs at position 0/,
  );
  expect(await scrape()).toMatch(/kubetrade_model_info\{[^}]*version="v2"[^}]*\} 1/);

  proc.kill('SIGTERM');
  expect(await exited, err.slice(-2000)).toBe(0);
  // One process throughout: a single start-up line.
  expect(out.match(/"msg":"started"/g)).toHaveLength(1);
});
