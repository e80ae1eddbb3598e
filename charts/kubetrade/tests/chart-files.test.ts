// The chart ships generated files; they must be the generator's output, never a hand-edited copy.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const chart = resolve(import.meta.dirname, '..');
const root = resolve(chart, '../..');

describe('chart files', () => {
  it('carries exactly the generated CRD (run `npm run generate` after changing crds/)', () => {
    expect(readFileSync(resolve(chart, 'files/crds/tradingbot.yaml'), 'utf8')).toBe(
      readFileSync(resolve(root, 'crds/tradingbot.yaml'), 'utf8'),
    );
  });

  it('defaults the runtime and trainer images to what the operator defaults to, at the chart appVersion', () => {
    const chartYaml = parse(readFileSync(resolve(chart, 'Chart.yaml'), 'utf8'));
    const values = parse(readFileSync(resolve(chart, 'values.yaml'), 'utf8'));
    const config = readFileSync(resolve(root, 'operator/src/config.ts'), 'utf8');
    expect(config).toContain(`'${values.runtime.image.repository}:${chartYaml.appVersion}'`);
    expect(config).toContain(`'${values.trainer.image.repository}:${chartYaml.appVersion}'`);
  });

  it('points each image at a Dockerfile target that exists (operator, runtime, trainer)', () => {
    const dockerfile = readFileSync(resolve(root, 'Dockerfile'), 'utf8');
    const targets = [...dockerfile.matchAll(/^FROM\s+\S+\s+AS\s+(\S+)/gim)].map((m) => m[1]);
    const values = parse(readFileSync(resolve(chart, 'values.yaml'), 'utf8'));
    // The image is published under the repository's last path segment; each is built from its target.
    const builtFrom: Record<string, string> = {
      operator: 'operator',
      'bot-runtime': 'runtime',
      trainer: 'trainer',
    };
    for (const component of ['operator', 'runtime', 'trainer'] as const) {
      const image = String(values[component].image.repository).split('/').pop()!;
      expect(builtFrom[image]).toBeDefined();
      expect(targets).toContain(builtFrom[image]);
    }
  });

  it('has a dashboard whose every query names a metric the chart alerts or the operator exports', () => {
    const dashboard = JSON.parse(readFileSync(resolve(chart, 'files/dashboards/kubetrade.json'), 'utf8'));
    const exprs: string[] = dashboard.panels.flatMap((p: { targets: { expr: string }[] }) =>
      p.targets.map((t) => t.expr),
    );
    expect(exprs.length).toBeGreaterThan(5);
    for (const e of exprs)
      expect(e).toMatch(/kubetrade_|controller_runtime_|workqueue_|leader_election_|rest_client_/);
  });
});
