// The serving-models board: kubetrade_model_info carries the ML model and the RL policy side by
// side, a hot reload moves only the ML series, the RL policy's version comes from its file's
// metadata contract (the bundled policy's trainer wrote the same version into its metrics.json),
// and the status report names the ML model serving at that moment.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { applyDefaults, type ResolvedSpec } from '@kubetrade/crds';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CycleStatusReporter } from '../cli/status-reporting.ts';
import { MlModel } from '../engines/ml.ts';
import { PaperBroker } from '../execution/paper-broker.ts';
import { coreForSpec } from '../loop/wall-clock.ts';
import { toStatusPerformance } from '../status/performance.ts';
import { exposeModelMetrics, ModelMetrics, policyInfo } from './model-metrics.ts';

const MODELS = fileURLToPath(new URL('../../../models/', import.meta.url));
const bundledPolicy = JSON.parse(readFileSync(`${MODELS}baseline/rl-policy-krw.metrics.json`, 'utf8')) as {
  model_version: string;
  trained_at: string;
};

function withArms(split: ResolvedSpec['capital']['split']): ResolvedSpec {
  const s = applyDefaults({});
  return { ...s, capital: { ...s.capital, split } };
}
const RL_AND_ML = withArms([
  { name: 'ml', weight: 50, layers: ['ml'], mlValidation: false },
  { name: 'rl', weight: 50, layers: ['rl'], mlValidation: false },
]);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('ModelMetrics', () => {
  it('one board per registry; a switch moves the ML series and leaves the policy', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const registry = new Registry();
    const board = ModelMetrics.of(registry);
    expect(ModelMetrics.of(registry)).toBe(board);
    board.start('ml', { name: 'lgbm-krw', version: 'v1', trainedAt: 1_000_000, source: 'file' });
    board.start('rl', { name: 'rl-policy-krw', version: 'p7', trainedAt: 2_000_000, source: 'file' });
    board.update({ name: 'lgbm-krw', version: 'v2', trainedAt: 3_000_000, source: 'registry' }, 'ml');
    const text = await registry.metrics();
    expect(text).toContain('kubetrade_model_info{model="lgbm-krw",version="v2"} 1');
    expect(text).not.toContain('version="v1"');
    expect(text).toContain('kubetrade_model_info{model="rl-policy-krw",version="p7"} 1');
    expect(text).toContain('kubetrade_model_trained_timestamp_seconds{model="lgbm-krw"} 3000');
    expect(text).toContain('kubetrade_model_trained_timestamp_seconds{model="rl-policy-krw"} 2000');
    expect(board.ml?.version).toBe('v2');
    expect(board.rl?.version).toBe('p7');
  });

  it("reads the RL policy's version from its file, named after the file; none without an rl arm", () => {
    const info = policyInfo(RL_AND_ML);
    expect(info).toMatchObject({
      name: 'rl-policy-krw',
      version: bundledPolicy.model_version,
      trainedAt: Date.parse(bundledPolicy.trained_at),
    });
    expect(policyInfo(withArms([{ name: 'ml', weight: 100, layers: ['ml'], mlValidation: false }]))).toBe(
      undefined,
    );
  });
});

describe('CycleStatusReporter', () => {
  it('logs and exposes both models at start-up, and reports the serving ML model in status.performance', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
      lines.push(String(s));
      return true;
    });
    const registry = new Registry();
    const reporter = new CycleStatusReporter(RL_AND_ML, registry, 'r1', {});
    const ml = await MlModel.load(`${MODELS}fixtures/lstm-krw.onnx`);
    try {
      exposeModelMetrics(ml, 'lstm-krw', registry);
      const serving = lines.map((l) => JSON.parse(l) as Record<string, string>);
      expect(serving.map((l) => [l.msg, l.role, l.model, l.version])).toEqual([
        ['model serving', 'rl', 'rl-policy-krw', bundledPolicy.model_version],
        ['model serving', 'ml', 'lstm-krw', ml.identity.version],
      ]);
      const text = await registry.metrics();
      expect(text).toContain(`kubetrade_model_info{model="lstm-krw",version="${ml.identity.version}"} 1`);
      expect(text).toContain(
        `kubetrade_model_info{model="rl-policy-krw",version="${bundledPolicy.model_version}"} 1`,
      );

      const core = coreForSpec({
        spec: RL_AND_ML,
        bot: 'b',
        revision: 'r1',
        markets: RL_AND_ML.markets,
        broker: new PaperBroker({ feePct: 0.05, slippagePct: 0, minOrderKRW: 5000 }),
        startTime: Date.parse('2026-11-25T00:00:00Z'),
      });
      const status = toStatusPerformance(reporter.report(core));
      expect(status.model).toEqual({
        name: 'lstm-krw',
        version: ml.identity.version,
        trainedAt: new Date(ml.identity.trainedAt).toISOString(),
      });
    } finally {
      await ml.close();
    }
  });
});
